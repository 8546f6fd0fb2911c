// The passkeys table: each user's WebAuthn credentials (public keys, counters, backup flags), one row each.
import { newId } from "../crypto/tokens";
import type { CredentialRef, NewCredential } from "../webauthn";
import { all, first } from "./store";

export interface PasskeyRow extends Record<string, SqlStorageValue> {
  id: string;
  user_id: string;
  credential_id: string;
  public_key: string;
  sign_count: number;
  transports: string;
  device_type: string;
  backed_up: number;
  aaguid: string;
  name: string;
  created_at: number;
  last_used_at: number | null;
}

/** A passkey as the API shows it (docs/api.md): no key material, no credential id. */
export interface PasskeyInfo {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export function passkeyInfo(row: PasskeyRow): PasskeyInfo {
  return {
    id: row.id,
    name: row.name,
    createdAt: new Date(row.created_at).toISOString(),
    lastUsedAt: row.last_used_at === null ? null : new Date(row.last_used_at).toISOString(),
  };
}

export function userPasskeys(sql: SqlStorage, userId: string): PasskeyRow[] {
  return all<PasskeyRow>(sql, "SELECT * FROM passkeys WHERE user_id = ? ORDER BY created_at, id", userId);
}

export function countPasskeys(sql: SqlStorage, userId: string): number {
  return sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM passkeys WHERE user_id = ?", userId).one().n;
}

export function passkeyByCredential(sql: SqlStorage, credentialId: string): PasskeyRow | undefined {
  return first<PasskeyRow>(sql, "SELECT * FROM passkeys WHERE credential_id = ?", credentialId);
}

export function passkeyById(sql: SqlStorage, userId: string, id: string): PasskeyRow | undefined {
  return first<PasskeyRow>(sql, "SELECT * FROM passkeys WHERE id = ? AND user_id = ?", id, userId);
}

export function insertPasskey(sql: SqlStorage, userId: string, cred: NewCredential, name: string, now: number): PasskeyRow {
  const id = newId("pk");
  sql.exec(
    `INSERT INTO passkeys (id, user_id, credential_id, public_key, sign_count, transports, device_type, backed_up, aaguid,
       name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    id,
    userId,
    cred.credentialId,
    cred.publicKey,
    cred.signCount,
    JSON.stringify(cred.transports),
    cred.deviceType,
    cred.backedUp ? 1 : 0,
    cred.aaguid,
    name,
    now,
  );
  return passkeyById(sql, userId, id) as PasskeyRow;
}

/** After an accepted assertion: the new counter, the backup flag as it is now, and when. */
export function markPasskeyUsed(sql: SqlStorage, id: string, signCount: number, backedUp: boolean, now: number): void {
  sql.exec("UPDATE passkeys SET sign_count = ?, backed_up = ?, last_used_at = ? WHERE id = ?", signCount, backedUp ? 1 : 0, now, id);
}

export function renamePasskey(sql: SqlStorage, userId: string, id: string, name: string): boolean {
  return sql.exec("UPDATE passkeys SET name = ? WHERE id = ? AND user_id = ?", name, id, userId).rowsWritten > 0;
}

export function deletePasskey(sql: SqlStorage, userId: string, id: string): void {
  sql.exec("DELETE FROM passkeys WHERE id = ? AND user_id = ?", id, userId);
}

/** Removes every passkey of the user; returns their credential ids (for the directory entries to free). */
export function deleteUserPasskeys(sql: SqlStorage, userId: string): string[] {
  const ids = all<{ credential_id: string }>(sql, "SELECT credential_id FROM passkeys WHERE user_id = ?", userId).map(
    (r) => r.credential_id,
  );
  sql.exec("DELETE FROM passkeys WHERE user_id = ?", userId);
  return ids;
}

export function transportsOf(row: PasskeyRow): string[] {
  try {
    const parsed: unknown = JSON.parse(row.transports);
    return Array.isArray(parsed) ? parsed.filter((t): t is string => typeof t === "string") : [];
  } catch {
    return [];
  }
}

/** The user's passkeys as WebAuthn options name them (allowCredentials, excludeCredentials). */
export function credentialRefs(sql: SqlStorage, userId: string): CredentialRef[] {
  return userPasskeys(sql, userId).map((p) => ({ credentialId: p.credential_id, transports: transportsOf(p) }));
}
