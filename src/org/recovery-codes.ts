// Recovery codes, stored only as keyed hashes (HMAC-SHA-256 under HASH_KEY); each is spent once.
import { all, first } from "./store";

export function replaceRecoveryCodes(sql: SqlStorage, userId: string, hashes: readonly string[], now: number): void {
  // The old set dies in the same transaction the new one is written in.
  sql.exec("DELETE FROM recovery_codes WHERE user_id = ?", userId);
  for (const h of hashes) {
    sql.exec("INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (?, ?, ?)", userId, h, now);
  }
}

/** Spends the code with this hash; false when it is not one of the user's unused codes. */
export function spendRecoveryCode(sql: SqlStorage, userId: string, hash: string, now: number): boolean {
  // Looked up by its keyed hash through the primary key: no secret is compared byte by byte here.
  const row = first(sql, "SELECT 1 AS x FROM recovery_codes WHERE user_id = ? AND code_hash = ? AND used_at IS NULL", userId, hash);
  if (!row) return false;
  sql.exec("UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ?", now, userId, hash);
  return true;
}

export interface RecoveryStatus {
  total: number;
  remaining: number;
  generatedAt: string | null;
}

export function recoveryStatus(sql: SqlStorage, userId: string): RecoveryStatus {
  const [row] = all<{ total: number; remaining: number; generated: number | null }>(
    sql,
    `SELECT COUNT(*) AS total, COALESCE(SUM(used_at IS NULL), 0) AS remaining, MAX(created_at) AS generated
     FROM recovery_codes WHERE user_id = ?`,
    userId,
  );
  return {
    total: row?.total ?? 0,
    remaining: row?.remaining ?? 0,
    generatedAt: row?.generated ? new Date(row.generated).toISOString() : null,
  };
}

export function deleteRecoveryCodes(sql: SqlStorage, userId: string): void {
  sql.exec("DELETE FROM recovery_codes WHERE user_id = ?", userId);
}
