// TOTP secrets (AES-GCM ciphertext + key id, never plaintext), pending until confirmed, and the time steps already
// accepted per user, which refuse replays (RFC 6238 section 5.2): the latest (last_step) and, as bits of used_mask,
// which of the steps just before it were accepted too, as far back as the window reaches.
import { PENDING_SETUP_TTL_SECONDS, TOTP_WINDOW_STEPS } from "../constants";
import { open, type Sealed } from "../crypto/secret-box";
import { first } from "./store";

export interface TotpRow extends Record<string, SqlStorageValue> {
  user_id: string;
  key_id: string;
  ciphertext: string;
  period: number;
  last_step: number;
  /** Bit k set: step last_step - (k + 1) was accepted too (schema step 15). */
  used_mask: number;
}

/** How far before the latest accepted step a code of the window can be: the steps that used_mask remembers. */
const MASK_STEPS = 2 * TOTP_WINDOW_STEPS;
const MASK_ALL = (1 << MASK_STEPS) - 1;

export function activeTotp(sql: SqlStorage, userId: string): TotpRow | undefined {
  return first<TotpRow>(sql, "SELECT user_id, key_id, ciphertext, period, last_step, used_mask FROM totp WHERE user_id = ?", userId);
}

/** The user's unconfirmed secret, unless it is older than PENDING_SETUP_TTL_SECONDS (then it is gone). */
export function pendingTotp(sql: SqlStorage, userId: string, now: number): TotpRow | undefined {
  return first<TotpRow>(
    sql,
    "SELECT user_id, key_id, ciphertext, period, -1 AS last_step, 0 AS used_mask FROM totp_pending WHERE user_id = ? AND created_at > ?",
    userId,
    now - PENDING_SETUP_TTL_SECONDS * 1000,
  );
}

export function deleteOldPendingTotp(sql: SqlStorage, now: number): void {
  sql.exec("DELETE FROM totp_pending WHERE created_at <= ?", now - PENDING_SETUP_TTL_SECONDS * 1000);
}

/** The user's unconfirmed secret, gone (a first factor set up elsewhere closes it: actions/first-factor.ts). */
export function deletePendingTotp(sql: SqlStorage, userId: string): void {
  sql.exec("DELETE FROM totp_pending WHERE user_id = ?", userId);
}

/**
 * The pending secret a sign-in's enrollment staged (its challenge id), while it lives: that enrollment's page opened
 * again shows it again. A secret staged any other way (a session, a pairing link, another sign-in) is never shown
 * to a sign-in: it could be one someone else planted to learn the codes of the app about to be set up.
 */
export function pendingStagedBy(
  sql: SqlStorage,
  userId: string,
  stagedBy: string,
  now: number,
): { sealed: Sealed; period: number } | undefined {
  const row = first<{ key_id: string; ciphertext: string; period: number }>(
    sql,
    "SELECT key_id, ciphertext, period FROM totp_pending WHERE user_id = ? AND staged_by = ? AND created_at > ?",
    userId,
    stagedBy,
    now - PENDING_SETUP_TTL_SECONDS * 1000,
  );
  return row && { sealed: { keyId: row.key_id, ciphertext: row.ciphertext }, period: row.period };
}

/** A second setup replaces a pending secret; `stagedBy` names the sign-in's enrollment that staged it, if one did. */
export function putPendingTotp(
  sql: SqlStorage,
  userId: string,
  sealed: Sealed,
  period: number,
  now: number,
  stagedBy: string | null = null,
): void {
  sql.exec(
    "INSERT OR REPLACE INTO totp_pending (user_id, key_id, ciphertext, period, created_at, staged_by) VALUES (?, ?, ?, ?, ?, ?)",
    userId,
    sealed.keyId,
    sealed.ciphertext,
    period,
    now,
    stagedBy,
  );
}

/** Whether a code of this step was already accepted; steps further back than used_mask remembers count as used. */
export function stepUsed(row: Pick<TotpRow, "last_step" | "used_mask">, step: number): boolean {
  const back = row.last_step - step;
  if (back < 0) return false;
  if (back === 0 || back > MASK_STEPS) return true;
  return (row.used_mask & (1 << (back - 1))) !== 0;
}

/** The replay state once these steps are accepted too. */
export function withStepsUsed(row: Pick<TotpRow, "last_step" | "used_mask">, steps: number[]): { last: number; mask: number } {
  let last = row.last_step;
  let mask = row.used_mask;
  for (const step of steps) {
    if (step > last) {
      const shift = step - last;
      // The old latest step moves into the mask, shift places back (nothing is remembered past MASK_STEPS).
      mask = shift > MASK_STEPS ? 0 : ((mask << shift) | (1 << (shift - 1))) & MASK_ALL;
      last = step;
    } else if (step < last && last - step <= MASK_STEPS) {
      mask |= 1 << (last - step - 1);
    }
  }
  return { last, mask };
}

/** Makes the pending secret active; the confirming code's steps are the first ones accepted. */
export function activatePendingTotp(sql: SqlStorage, pending: TotpRow, steps: number[], now: number): void {
  const { last, mask } = withStepsUsed({ last_step: -1, used_mask: 0 }, steps);
  sql.exec(
    "INSERT INTO totp (user_id, key_id, ciphertext, period, confirmed_at, last_step, used_mask) VALUES (?, ?, ?, ?, ?, ?, ?)",
    pending.user_id,
    pending.key_id,
    pending.ciphertext,
    pending.period,
    now,
    last,
    mask,
  );
  sql.exec("DELETE FROM totp_pending WHERE user_id = ?", pending.user_id);
}

/** Records the steps of an accepted code: one UPDATE, in the transaction that accepts it. */
export function markStepsUsed(sql: SqlStorage, row: TotpRow, steps: number[]): void {
  const { last, mask } = withStepsUsed(row, steps);
  sql.exec("UPDATE totp SET last_step = ?, used_mask = ? WHERE user_id = ?", last, mask, row.user_id);
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
