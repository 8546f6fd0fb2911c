// TOTP secrets (AES-GCM ciphertext + key id, never plaintext), pending until confirmed, and the last accepted
// time step per user, which refuses replays (RFC 6238 section 5.2).
import { PENDING_SETUP_TTL_SECONDS } from "../constants";
import { open, type Sealed } from "../crypto/secret-box";
import { first } from "./store";

export interface TotpRow extends Record<string, SqlStorageValue> {
  user_id: string;
  key_id: string;
  ciphertext: string;
  period: number;
  last_step: number;
}

export function activeTotp(sql: SqlStorage, userId: string): TotpRow | undefined {
  return first<TotpRow>(sql, "SELECT user_id, key_id, ciphertext, period, last_step FROM totp WHERE user_id = ?", userId);
}

/** The user's unconfirmed secret, unless it is older than PENDING_SETUP_TTL_SECONDS (then it is gone). */
export function pendingTotp(sql: SqlStorage, userId: string, now: number): TotpRow | undefined {
  return first<TotpRow>(
    sql,
    "SELECT user_id, key_id, ciphertext, period, -1 AS last_step FROM totp_pending WHERE user_id = ? AND created_at > ?",
    userId,
    now - PENDING_SETUP_TTL_SECONDS * 1000,
  );
}

export function deleteOldPendingTotp(sql: SqlStorage, now: number): void {
  sql.exec("DELETE FROM totp_pending WHERE created_at <= ?", now - PENDING_SETUP_TTL_SECONDS * 1000);
}

/** A second setup replaces a pending secret. */
export function putPendingTotp(sql: SqlStorage, userId: string, sealed: Sealed, period: number, now: number): void {
  sql.exec(
    "INSERT OR REPLACE INTO totp_pending (user_id, key_id, ciphertext, period, created_at) VALUES (?, ?, ?, ?, ?)",
    userId,
    sealed.keyId,
    sealed.ciphertext,
    period,
    now,
  );
}

/** Makes the pending secret active; the confirming code's step becomes the last one accepted. */
export function activatePendingTotp(sql: SqlStorage, pending: TotpRow, step: number, now: number): void {
  sql.exec(
    "INSERT INTO totp (user_id, key_id, ciphertext, period, confirmed_at, last_step) VALUES (?, ?, ?, ?, ?, ?)",
    pending.user_id,
    pending.key_id,
    pending.ciphertext,
    pending.period,
    now,
    step,
  );
  sql.exec("DELETE FROM totp_pending WHERE user_id = ?", pending.user_id);
}

export function setLastStep(sql: SqlStorage, userId: string, step: number): void {
  sql.exec("UPDATE totp SET last_step = ? WHERE user_id = ?", step, userId);
}

export function deleteTotp(sql: SqlStorage, userId: string): void {
  sql.exec("DELETE FROM totp WHERE user_id = ?", userId);
  sql.exec("DELETE FROM totp_pending WHERE user_id = ?", userId);
}

export function sameSecret(a: TotpRow | undefined, b: TotpRow): boolean {
  return !!a && a.ciphertext === b.ciphertext && a.key_id === b.key_id;
}

/** Marks a stored secret that exists but cannot be decrypted (corrupt row, or its key was removed). */
export const UNREADABLE = Symbol("unreadable");

/**
 * The plaintext secret of a row, null when there is no row, or UNREADABLE. Callers fail closed on UNREADABLE:
 * nobody passes a code check whose state cannot be read. Logs the key id only, never the secret.
 */
export async function readSecret(keys: string, row: TotpRow | undefined): Promise<string | null | typeof UNREADABLE> {
  if (!row) return null;
  try {
    return await open(keys, { keyId: row.key_id, ciphertext: row.ciphertext }, row.user_id);
  } catch (err) {
    console.error(`TOTP secret unreadable (key id ${row.key_id}): ${err instanceof Error ? err.name : "error"}`);
    return UNREADABLE;
  }
}
