// Consecutive-failure counters and the lock they set (API.md: 10 wrong in a row -> 429 for 15 minutes).
// Passwords and second factors count apart, share one lock, and a correct password does not lift it.
import { LOCKOUT_SECONDS, MAX_CONSECUTIVE_FAILURES } from "../constants";
import type { UserRow } from "./users";

export type FailureKind = "password" | "code";

/** Seconds until the user's lock ends, or 0 when not locked. */
export function lockedFor(user: Pick<UserRow, "locked_until">, now: number): number {
  return user.locked_until > now ? Math.ceil((user.locked_until - now) / 1000) : 0;
}

/** Counts a failure; returns true when this failure locked the account. */
export function recordFailure(sql: SqlStorage, user: UserRow, kind: FailureKind, now: number): boolean {
  const column = kind === "password" ? "failed_passwords" : "failed_codes";
  const count = user[column] + 1;
  if (count >= MAX_CONSECUTIVE_FAILURES) {
    // The lock starts a fresh count: after it ends, another 10 failures are needed to lock again.
    sql.exec(`UPDATE users SET ${column} = 0, locked_until = ? WHERE id = ?`, now + LOCKOUT_SECONDS * 1000, user.id);
    return true;
  }
  sql.exec(`UPDATE users SET ${column} = ? WHERE id = ?`, count, user.id);
  return false;
}

export function recordSuccess(sql: SqlStorage, userId: string, kind: FailureKind): void {
  const column = kind === "password" ? "failed_passwords" : "failed_codes";
  sql.exec(`UPDATE users SET ${column} = 0 WHERE id = ?`, userId);
}

export function clearLock(sql: SqlStorage, userId: string): void {
  sql.exec("UPDATE users SET failed_passwords = 0, failed_codes = 0, locked_until = 0 WHERE id = ?", userId);
}
