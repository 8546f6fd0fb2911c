// Pairing links: the row behind an emailed link that opens 2FA enrollment on another device. Only the token's
// keyed hash is stored; a link is bound to one user, spent when enrollment is confirmed, dies after 30 minutes
// or PAIRING_MAX_ATTEMPTS wrong codes, and is never a session.
import { PAIRING_MAX_ATTEMPTS, PAIRING_TTL_MINUTES } from "../constants";
import { first } from "./store";

interface PairingRow extends Record<string, SqlStorageValue> {
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  attempts: number;
  used_at: number | null;
}

/** Stores a new link; the user's older links die, so only the newest email works. */
export function createPairing(sql: SqlStorage, tokenHash: string, userId: string, now: number): number {
  const expiresAt = now + PAIRING_TTL_MINUTES * 60_000;
  revokeUserPairings(sql, userId, now);
  sql.exec(
    "INSERT INTO pairing_tokens (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
    tokenHash,
    userId,
    now,
    expiresAt,
  );
  return expiresAt;
}

/** The user of a live link (unspent, unexpired, under its attempt cap), or undefined. */
export function pairingUser(sql: SqlStorage, tokenHash: string, now: number): string | undefined {
  const row = first<PairingRow>(sql, "SELECT * FROM pairing_tokens WHERE token_hash = ?", tokenHash);
  if (!row || row.used_at !== null || row.expires_at <= now || row.attempts >= PAIRING_MAX_ATTEMPTS) return undefined;
  return row.user_id;
}

export function pairingAlive(sql: SqlStorage, tokenHash: string, userId: string, now: number): boolean {
  return pairingUser(sql, tokenHash, now) === userId;
}

/** When the user's newest link was made (to refuse a flood of emails), or null. */
export function lastPairingAt(sql: SqlStorage, userId: string): number | null {
  return sql.exec<{ t: number | null }>("SELECT MAX(created_at) AS t FROM pairing_tokens WHERE user_id = ?", userId).one().t;
}

/**
 * The link's password step passed and stored this pending secret (its ciphertext, fresh nonce each time). The
 * pending secret is per user and may be replaced by a setup made elsewhere; the link may confirm only this one.
 */
export function markPairingSetup(sql: SqlStorage, tokenHash: string, ciphertext: string): void {
  sql.exec("UPDATE pairing_tokens SET setup_ciphertext = ? WHERE token_hash = ?", ciphertext, tokenHash);
}

/** True when the link's own password step stored exactly this pending secret. */
export function pairingSetupIs(sql: SqlStorage, tokenHash: string, ciphertext: string): boolean {
  return !!first(sql, "SELECT 1 AS x FROM pairing_tokens WHERE token_hash = ? AND setup_ciphertext = ?", tokenHash, ciphertext);
}

export function recordPairingFailure(sql: SqlStorage, tokenHash: string): void {
  sql.exec("UPDATE pairing_tokens SET attempts = attempts + 1 WHERE token_hash = ?", tokenHash);
}

export function spendPairing(sql: SqlStorage, tokenHash: string, now: number): void {
  sql.exec("UPDATE pairing_tokens SET used_at = ? WHERE token_hash = ?", now, tokenHash);
}

export function revokeUserPairings(sql: SqlStorage, userId: string, now: number): void {
  sql.exec("UPDATE pairing_tokens SET used_at = ? WHERE user_id = ? AND used_at IS NULL", now, userId);
}

export function deleteOldPairings(sql: SqlStorage, now: number): void {
  sql.exec("DELETE FROM pairing_tokens WHERE expires_at <= ?", now);
}
