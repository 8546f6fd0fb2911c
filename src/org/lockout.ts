// Consecutive-failure counters and the locks they set (docs/api.md): 10 wrong in a row lock sign-in for 15 minutes
// (429); 100 wrong second factors in a row, however spread over time, lock it until an admin unlocks or support
// resets 2FA (423). Passwords and second factors count apart and share the locks; a correct password lifts none.
import { LOCKOUT_SECONDS, MAX_CONSECUTIVE_FAILURES, MAX_SECOND_FACTOR_FAILURES, PASSWORD_FAILURE_WINDOW_SECONDS } from "../constants";
import type { UserRow } from "./users";

export type FailureKind = "password" | "code";

/** What a counted failure did: nothing more, a 15-minute lock, or the lasting lock. */
export type FailureEffect = "counted" | "locked" | "locked_out";

/** Seconds until the user's 15-minute lock ends, or 0 when not locked. */
export function lockedFor(user: Pick<UserRow, "locked_until">, now: number): number {
  return user.locked_until > now ? Math.ceil((user.locked_until - now) / 1000) : 0;
}

/** True while the lasting lock holds (only an admin's unlock or a 2FA reset lifts it). */
export function lockedOut(user: Pick<UserRow, "lasting_lock_at">): boolean {
  return user.lasting_lock_at !== null;
}

/** Counts a failure; says whether it locked the account, and how. */
export function recordFailure(sql: SqlStorage, user: UserRow, kind: FailureKind, now: number): FailureEffect {
  if (kind === "code") {
    // The streak survives the 15-minute locks: without it, a password holder gets 960 guesses a day forever.
    const streak = user.code_failure_streak + 1;
    if (streak >= MAX_SECOND_FACTOR_FAILURES) {
      sql.exec(
        "UPDATE users SET code_failure_streak = ?, failed_codes = 0, lasting_lock_at = COALESCE(lasting_lock_at, ?) WHERE id = ?",
        streak,
        now,
        user.id,
      );
      return user.lasting_lock_at === null ? "locked_out" : "counted";
    }
    sql.exec("UPDATE users SET code_failure_streak = ? WHERE id = ?", streak, user.id);
  }
  const lockUntil = now + LOCKOUT_SECONDS * 1000;
  if (kind === "password") {
    // Wrong passwords a day apart are not "in a row": an unknown email's count in the directory forgets the same way.
    const running = now - user.password_failed_at < PASSWORD_FAILURE_WINDOW_SECONDS * 1000 ? user.failed_passwords : 0;
    const count = running + 1;
    if (count >= MAX_CONSECUTIVE_FAILURES) {
      // The lock starts a fresh count: after it ends, another 10 failures are needed to lock again.
      sql.exec("UPDATE users SET failed_passwords = 0, password_failed_at = ?, locked_until = ? WHERE id = ?", now, lockUntil, user.id);
      return "locked";
    }
    sql.exec("UPDATE users SET failed_passwords = ?, password_failed_at = ? WHERE id = ?", count, now, user.id);
    return "counted";
  }
  const count = user.failed_codes + 1;
  if (count >= MAX_CONSECUTIVE_FAILURES) {
    sql.exec("UPDATE users SET failed_codes = 0, locked_until = ? WHERE id = ?", lockUntil, user.id);
    return "locked";
  }
  sql.exec("UPDATE users SET failed_codes = ? WHERE id = ?", count, user.id);
  return "counted";
}

export function recordSuccess(sql: SqlStorage, userId: string, kind: FailureKind): void {
  // Only when there is a count to clear: the usual success changes nothing and writes nothing.
  if (kind === "password") sql.exec("UPDATE users SET failed_passwords = 0 WHERE id = ? AND failed_passwords <> 0", userId);
  else
    sql.exec(
      "UPDATE users SET failed_codes = 0, code_failure_streak = 0 WHERE id = ? AND (failed_codes <> 0 OR code_failure_streak <> 0)",
      userId,
    );
}

/** Lifts every lock and counter: an admin's unlock, or a reset of the user's 2FA. */
export function clearLock(sql: SqlStorage, userId: string): void {
  sql.exec(
    "UPDATE users SET failed_passwords = 0, failed_codes = 0, locked_until = 0, code_failure_streak = 0, lasting_lock_at = NULL WHERE id = ?",
    userId,
  );
}
