// A wrong factor, counted: the locks it may set (15 minutes, or the lasting one), their audit events and the
// mail that tells the user (someone is guessing; after wrong codes, someone knows their password).
import { LOCK_MAIL_INTERVAL_SECONDS } from "../../constants";
import { recordEvent } from "../audit";
import { revokeUserChallenges } from "../challenges";
import { type FailureKind, lockedFor, lockedOut, recordFailure } from "../lockout";
import { notifyAdmins, notifyUser } from "../notify";
import { revokeUserPairings } from "../pairing";
import { fail, type RequestMeta } from "../results";
import { revokeUserSessions } from "../sessions";
import type { Store } from "../store";
import type { UserRow } from "../users";

export type LockFailure = "too_many_attempts" | "account_locked";

/** The refusal while a lock holds, or null. The lasting lock (423) outranks the 15-minute one (429). */
export function refuseWhileLocked(user: UserRow, now: number) {
  if (lockedOut(user)) return fail("account_locked" as const);
  const seconds = lockedFor(user, now);
  return seconds ? fail("too_many_attempts" as const, seconds) : null;
}

/** Counts one wrong password or second factor and follows up on any lock it set. */
export function countFailure(store: Store, user: UserRow, kind: FailureKind, meta: RequestMeta, now: number): void {
  const { sql } = store;
  const effect = recordFailure(sql, user, kind, now);
  if (effect === "counted") return;
  const subject = { id: user.id, label: user.email };
  if (effect === "locked_out") {
    recordEvent(sql, { type: "account.locked_out", actor: { type: "system" }, subject, meta, detail: { cause: kind } }, now);
    // Whoever guessed may hold a session (step-up codes count too): the lock ends everything the account had open,
    // so the owner, once unlocked, signs in to a clean slate.
    revokeUserSessions(sql, user.id);
    revokeUserChallenges(sql, user.id, now);
    revokeUserPairings(sql, user.id, now);
    // Only an admin can lift it, so the admins hear of it as well as the user.
    notifyUser(sql, user, { type: "account.locked_out" }, now);
    notifyAdmins(sql, { type: "account.locked_out_admin", who: user.email }, now);
    return;
  }
  recordEvent(sql, { type: "account.locked", actor: { type: "system" }, subject, meta, detail: { cause: kind } }, now);
  // Anyone who knows an email can trigger a lock, so the mail goes out at most once a day.
  if (claimMail(sql, user, now)) notifyUser(sql, user, { type: "account.locked", cause: kind }, now);
}

function claimMail(sql: SqlStorage, user: UserRow, now: number): boolean {
  if (user.lock_mailed_at !== null && now - user.lock_mailed_at < LOCK_MAIL_INTERVAL_SECONDS * 1000) return false;
  sql.exec("UPDATE users SET lock_mailed_at = ? WHERE id = ?", now, user.id);
  return true;
}
