// Sign-in challenges: the row behind a signed challenge token, so each is spent at most once, counts its
// wrong codes, and dies with its user's password step. A challenge is never a session. Single-use rows here and in
// pairing.ts and sessions.ts have two verbs: "spend" (used once, by the step they were for) and "revoke" (ended by
// a change elsewhere: a password change, a reset, a lock).
import { CHALLENGE_MAX_ATTEMPTS, CHALLENGE_TTL_SECONDS } from "../constants";
import { newId } from "../crypto/tokens";
import { first } from "./store";

// "enroll_passkey": enrolling a passkey after a second factor was checked (phishing-resistant sign-in), where a
// plain "enroll" comes from the password alone and so may only set up a first factor. Both travel as an "enroll"
// challenge token; the row says which.
export type ChallengePurpose = "2fa" | "enroll" | "enroll_passkey";

interface ChallengeRow extends Record<string, SqlStorageValue> {
  id: string;
  user_id: string;
  purpose: ChallengePurpose;
  expires_at: number;
  attempts: number;
  used_at: number | null;
}

export function createChallenge(sql: SqlStorage, userId: string, purpose: ChallengePurpose, now: number) {
  const id = newId("ch");
  const expiresAt = now + CHALLENGE_TTL_SECONDS * 1000;
  sql.exec("INSERT INTO challenges (id, user_id, purpose, expires_at) VALUES (?, ?, ?, ?)", id, userId, purpose, expiresAt);
  return { challengeId: id, expiresAt };
}

/** The challenge's row when it exists for this user, is unspent, unexpired and under its attempt cap. */
function liveRow(sql: SqlStorage, id: string, userId: string, now: number): ChallengeRow | undefined {
  const row = first<ChallengeRow>(sql, "SELECT * FROM challenges WHERE id = ?", id);
  const alive = !!row && row.user_id === userId && row.used_at === null && row.expires_at > now && row.attempts < CHALLENGE_MAX_ATTEMPTS;
  return alive ? row : undefined;
}

/** True when the challenge exists for this user and purpose, is unspent, unexpired and under its attempt cap. */
export function challengeAlive(sql: SqlStorage, id: string, userId: string, purpose: ChallengePurpose, now: number): boolean {
  return liveRow(sql, id, userId, now)?.purpose === purpose;
}

/** Which kind of sign-in enrollment a live challenge of this user is ("enroll" or "enroll_passkey"), or null. */
export function liveEnrollment(sql: SqlStorage, id: string, userId: string, now: number): "enroll" | "enroll_passkey" | null {
  const purpose = liveRow(sql, id, userId, now)?.purpose;
  return purpose === "enroll" || purpose === "enroll_passkey" ? purpose : null;
}

/** Counts a wrong code against the challenge; at the cap it is dead. */
export function recordChallengeFailure(sql: SqlStorage, id: string): void {
  sql.exec("UPDATE challenges SET attempts = attempts + 1 WHERE id = ?", id);
}

/** Spends the challenge before any session is issued, so a retry or a race cannot use it twice. */
export function spendChallenge(sql: SqlStorage, id: string, now: number): void {
  sql.exec("UPDATE challenges SET used_at = ? WHERE id = ?", now, id);
}

export function revokeUserChallenges(sql: SqlStorage, userId: string, now: number): void {
  sql.exec("UPDATE challenges SET used_at = ? WHERE user_id = ? AND used_at IS NULL", now, userId);
}

export function deleteOldChallenges(sql: SqlStorage, now: number): void {
  sql.exec("DELETE FROM challenges WHERE expires_at <= ?", now);
}
