// WebAuthn ceremony challenges: random, five minutes, spent once inside the transaction that accepts (or refuses)
// the answer, so one signed assertion can never be used twice, however many copies race.
import { CHALLENGE_TTL_SECONDS } from "../constants";
import { first } from "./store";

export type WebauthnPurpose = "register" | "2fa" | "step_up" | "passwordless";

export interface WebauthnChallengeRow extends Record<string, SqlStorageValue> {
  challenge: string;
  user_id: string | null;
  purpose: WebauthnPurpose;
  sign_in_id: string | null;
  expires_at: number;
  used_at: number | null;
}

export function saveWebauthnChallenge(
  sql: SqlStorage,
  challenge: string,
  purpose: WebauthnPurpose,
  userId: string | null,
  signInId: string | null,
  now: number,
): void {
  sql.exec(
    "INSERT INTO webauthn_challenges (challenge, user_id, purpose, sign_in_id, expires_at) VALUES (?, ?, ?, ?, ?)",
    challenge,
    userId,
    purpose,
    signInId,
    now + CHALLENGE_TTL_SECONDS * 1000,
  );
}

/** The challenge's row when it is unspent, unexpired, of this purpose (and user, unless passwordless). */
export function liveWebauthnChallenge(
  sql: SqlStorage,
  challenge: string,
  purpose: WebauthnPurpose,
  userId: string | null,
  now: number,
): WebauthnChallengeRow | undefined {
  const row = first<WebauthnChallengeRow>(sql, "SELECT * FROM webauthn_challenges WHERE challenge = ?", challenge);
  if (!row || row.used_at !== null || row.expires_at <= now || row.purpose !== purpose) return undefined;
  return row.user_id === userId ? row : undefined;
}

/** Spends it: true for the one caller that found it live; every later or concurrent copy gets false. */
export function spendWebauthnChallenge(sql: SqlStorage, challenge: string, now: number): boolean {
  return sql.exec("UPDATE webauthn_challenges SET used_at = ? WHERE challenge = ? AND used_at IS NULL", now, challenge).rowsWritten > 0;
}

/** Spends every unspent registration a session of this user began (not a sign-in's enrollment, sign_in_id set). */
export function spendSessionRegistrations(sql: SqlStorage, userId: string, now: number): void {
  sql.exec(
    "UPDATE webauthn_challenges SET used_at = ? WHERE user_id = ? AND purpose = 'register' AND sign_in_id IS NULL AND used_at IS NULL",
    now,
    userId,
  );
}

export function deleteOldWebauthnChallenges(sql: SqlStorage, now: number): void {
  sql.exec("DELETE FROM webauthn_challenges WHERE expires_at <= ?", now);
}
