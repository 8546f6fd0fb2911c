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
 * Resetting someone's 2FA removes every factor that protects their account: refuseFactorChange's rules, and from a
 * session a recent second factor whoever the target is, so a stale or stolen admin cookie cannot strip a technician's
 * factors (with a password the admin knows, it would be a way in). An API key may still reset a technician (docs/api.md).
 */
export function refuseFactorRemoval(caller: Caller, target: UserRow) {
  const refused = refuseFactorChange(caller, target);
  if (refused) return refused;
  return caller.kind === "session" && !caller.steppedUp ? fail("step_up_required" as const) : null;
}

/**
 * Making someone an admin, or taking it away, changes who they are: a person who stepped up, or support. Never an
 * API key: a key that could make an admin person would get, through that person, every power keys are denied.
 */
export function refuseAdminChange(caller: Caller) {
  if (caller.kind === "api_key") return fail("forbidden" as const);
  return caller.kind === "session" && !caller.steppedUp ? fail("step_up_required" as const) : null;
}
