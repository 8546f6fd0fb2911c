// Who may change whose factors and privileges: the rules that keep an admin session or an API key from
// removing a second factor or minting a lasting credential without the factors it protects (docs/api.md step-up).
import { type Caller, fail } from "../results";
import type { UserRow } from "../users";

export type AccessFailure = "forbidden" | "step_up_required";

/**
 * Resetting 2FA or lifting a lock: never on oneself (another admin or support must do it, or it would skip the
 * checks of disabling 2FA); on an admin, only a person who stepped up, never an API key. Support may do anything.
 */
export function refuseFactorChange(caller: Caller, target: UserRow) {
  if (caller.kind === "operator") return null;
  if (caller.userId === target.id) return fail("forbidden" as const);
  if (target.role !== "admin") return null;
  if (caller.kind === "api_key") return fail("forbidden" as const);
  return caller.steppedUp ? null : fail("step_up_required" as const);
}

/**
 * Making someone an admin, or taking it away, changes who they are: a person who stepped up, or support. Never an
 * API key: a key that could make an admin person would get, through that person, every power keys are denied.
 */
export function refuseAdminChange(caller: Caller) {
  if (caller.kind === "api_key") return fail("forbidden" as const);
  return caller.kind === "session" && !caller.steppedUp ? fail("step_up_required" as const) : null;
}
