// Who may change whose factors and privileges: the rules that keep an admin session or an API key from
// removing a second factor or minting a lasting credential without the factors it protects (docs/api.md step-up).
import { type Caller, fail } from "../results";
import { sessionStillOpen } from "../sessions";
import { findUser, type UserRow } from "../users";

/**
 * The edge's step-up verdict, asked again here, inside the acting transaction: a session closed meanwhile by a first
 * factor its user set up elsewhere (a form body held open across the owner's enrollment) no longer counts as stepped up.
 */
function steppedUp(sql: SqlStorage, caller: Extract<Caller, { kind: "session" }>): boolean {
  return caller.steppedUp && (caller.tokenHash === undefined || sessionStillOpen(sql, caller.tokenHash, caller.userId));
}

/**
 * What a session does for its own user (an app setup, a passkey registration, an API key, an email or password
 * change), refused when the session no longer stands as the edge saw it: ended, or closed meanwhile by a first factor
 * set up elsewhere (sessions.ts sessionStillOpen). Asked inside the acting transaction; no session (support): nothing.
 */
export function refuseClosedSession(sql: SqlStorage, tokenHash: string | undefined, userId: string) {
  return tokenHash === undefined || sessionStillOpen(sql, tokenHash, userId) ? null : fail("step_up_required" as const);
}

/**
 * Who makes a lasting credential for the org (an API key, an OpenID application): an active admin, asked here
 * against the stored row (a request that passed the edge while its maker was demoted or deactivated makes nothing),
 * from a session that still stands as the edge saw it (none for support).
 */
export function refuseMaker(sql: SqlStorage, makerId: string, tokenHash: string | undefined) {
  const maker = findUser(sql, makerId);
  if (!maker) return fail("not_found" as const);
  if (maker.deactivated_at !== null || maker.role !== "admin") return fail("forbidden" as const);
  return refuseClosedSession(sql, tokenHash, maker.id);
}

/**
 * Resetting 2FA or lifting a lock: never on oneself (another admin or support must do it, or it would skip the
 * checks of disabling 2FA); on an admin, only a person who stepped up, never an API key. Support may do anything.
 */
export function refuseFactorChange(sql: SqlStorage, caller: Caller, target: UserRow) {
  if (caller.kind === "operator") return null;
  if (caller.userId === target.id) return fail("forbidden" as const);
  if (target.role !== "admin") return null;
  if (caller.kind === "api_key") return fail("forbidden" as const);
  return steppedUp(sql, caller) ? null : fail("step_up_required" as const);
}

/**
 * The steps that open a way into someone's account, from a session only with a recent second factor whoever the
 * target is: resetting their 2FA, lifting their lock, removing them (the email is then free to add again with a
 * password the admin picks). Else a stale or stolen admin cookie, with the password the admin set at Add user, is a
 * way in. refuseFactorChange's rules come first; an API key may still do these to a technician (docs/api.md).
 */
export function refuseUnlessSteppedUp(sql: SqlStorage, caller: Caller, target: UserRow) {
  const refused = refuseFactorChange(sql, caller, target);
  if (refused) return refused;
  return caller.kind === "session" && !steppedUp(sql, caller) ? fail("step_up_required" as const) : null;
}

/** Settings that take a protection from every member: turning 2FA enforcement off, and phishing resistance either way. */
export function refuseSettingsChange(
  sql: SqlStorage,
  caller: Caller,
  org: { require2fa: boolean },
  input: { require2fa?: boolean; requirePhishingResistant?: boolean },
) {
  const weakens = input.requirePhishingResistant !== undefined || (input.require2fa === false && org.require2fa);
  if (!weakens || caller.kind === "operator") return null;
  if (caller.kind === "api_key") return input.requirePhishingResistant !== undefined ? fail("forbidden" as const) : null;
  return steppedUp(sql, caller) ? null : fail("step_up_required" as const);
}

/**
 * Making someone an admin, or taking it away, changes who they are: a person who stepped up, or support. Never an
 * API key: a key that could make an admin person would get, through that person, every power keys are denied.
 */
export function refuseAdminChange(sql: SqlStorage, caller: Caller) {
  if (caller.kind === "api_key") return fail("forbidden" as const);
  return caller.kind === "session" && !steppedUp(sql, caller) ? fail("step_up_required" as const) : null;
}
