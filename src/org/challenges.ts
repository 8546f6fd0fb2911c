// Sign-in challenges: the row behind a signed challenge token, so each is spent at most once, counts its
// wrong codes, and dies with its user's password step. A challenge is never a session. A pairing link's
// password step leaves a row here too ("pair"), naming the pending secret it stored.
import { CHALLENGE_MAX_ATTEMPTS, CHALLENGE_TTL_SECONDS } from "../constants";
import { newId } from "../crypto/tokens";
import { first } from "./store";

export type ChallengePurpose = "2fa" | "enroll" | "pair";

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

/** True when the challenge exists for this user and purpose, is unspent, unexpired and under its attempt cap. */
export function challengeAlive(sql: SqlStorage, id: string, userId: string, purpose: ChallengePurpose, now: number): boolean {
  const row = first<ChallengeRow>(sql, "SELECT * FROM challenges WHERE id = ?", id);
  return (
    !!row &&
    row.user_id === userId &&
    row.purpose === purpose &&
    row.used_at === null &&
    row.expires_at > now &&
    row.attempts < CHALLENGE_MAX_ATTEMPTS
  );
}

/**
 * The id of the "pair" row: the link (its token's keyed hash) and the exact sealed secret its password step
 * stored. A pending secret is per user and may be replaced by a setup made elsewhere; a link may confirm only the
 * one it made itself, after the password, and no column records that, so the row's id does. Nobody can name
 * such a row from outside: challenge tokens carry random ids and are signed, and the sealed secret is made at
 * the edge with a fresh nonce.
 */
function pairSetupId(tokenHash: string, sealed: { keyId: string; ciphertext: string }): string {
  return `pair:${tokenHash}:${sealed.keyId}:${sealed.ciphertext}`;
}

/** Records that a link's password step passed and stored `sealed` as the user's pending secret. */
export function openPairSetup(
  sql: SqlStorage,
  tokenHash: string,
  userId: string,
  sealed: { keyId: string; ciphertext: string },
  expiresAt: number,
): void {
  sql.exec(
    "INSERT OR REPLACE INTO challenges (id, user_id, purpose, expires_at) VALUES (?, ?, 'pair', ?)",
    pairSetupId(tokenHash, sealed),
    userId,
    expiresAt,
  );
}

/** True when this link's password step stored exactly this pending secret, and that record is live. */
export function pairSetupAlive(
  sql: SqlStorage,
  tokenHash: string,
  userId: string,
  sealed: { keyId: string; ciphertext: string },
  now: number,
): boolean {
  return challengeAlive(sql, pairSetupId(tokenHash, sealed), userId, "pair", now);
}

export function spendPairSetup(sql: SqlStorage, tokenHash: string, sealed: { keyId: string; ciphertext: string }, now: number): void {
  spendChallenge(sql, pairSetupId(tokenHash, sealed), now);
}

/** Counts a wrong code against the challenge; at the cap it is dead. */
export function recordChallengeFailure(sql: SqlStorage, id: string): void {
  sql.exec("UPDATE challenges SET attempts = attempts + 1 WHERE id = ?", id);
}

/** Spends the challenge before any session is issued, so a retry or a race cannot use it twice. */
export function spendChallenge(sql: SqlStorage, id: string, now: number): void {
  sql.exec("UPDATE challenges SET used_at = ? WHERE id = ?", now, id);
}

export function killUserChallenges(sql: SqlStorage, userId: string, now: number): void {
  sql.exec("UPDATE challenges SET used_at = ? WHERE user_id = ? AND used_at IS NULL", now, userId);
}

export function deleteOldChallenges(sql: SqlStorage, now: number): void {
  sql.exec("DELETE FROM challenges WHERE expires_at <= ?", now);
}
