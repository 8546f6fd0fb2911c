// API keys: stored only as keyed hashes, found by that hash (an index, no scan), with name, role, lastUsedAt and
// an expiry; a key acts for the user who made it and dies with that user's admin role.
import type { Role } from "./results";
import { all, first } from "./store";

interface ApiKeyRow extends Record<string, SqlStorageValue> {
  id: string;
  key_hash: string;
  name: string;
  role: Role;
  created_by: string;
  created_at: number;
  last_used_at: number | null;
  expires_at: number;
}

export interface ApiKeyInfo {
  id: string;
  name: string;
  role: Role;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string;
}

/** lastUsedAt is written at most this often so a busy script does not turn every call into a write. */
const LAST_USED_GRANULARITY_MS = 60_000;

function toInfo(r: ApiKeyRow): ApiKeyInfo {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at).toISOString(),
    lastUsedAt: r.last_used_at ? new Date(r.last_used_at).toISOString() : null,
    expiresAt: new Date(r.expires_at).toISOString(),
  };
}

export function insertApiKey(
  sql: SqlStorage,
  k: { id: string; keyHash: string; name: string; role: Role; createdBy: string; expiresAt: number },
  now: number,
): void {
  sql.exec(
    "INSERT INTO api_keys (id, key_hash, name, role, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    k.id,
    k.keyHash,
    k.name,
    k.role,
    k.createdBy,
    now,
    k.expiresAt,
  );
}

export function listApiKeys(sql: SqlStorage): ApiKeyInfo[] {
  return all<ApiKeyRow>(sql, "SELECT * FROM api_keys ORDER BY created_at DESC").map(toInfo);
}

export function findApiKeyById(sql: SqlStorage, id: string): ApiKeyInfo | undefined {
  const row = first<ApiKeyRow>(sql, "SELECT * FROM api_keys WHERE id = ?", id);
  return row && toInfo(row);
}

/** The unexpired key with this hash, marking it used. */
export function useApiKey(sql: SqlStorage, keyHash: string, now: number): ApiKeyInfo | undefined {
  const row = first<ApiKeyRow>(sql, "SELECT * FROM api_keys WHERE key_hash = ?", keyHash);
  if (!row || row.expires_at <= now) return undefined;
  if (!row.last_used_at || now - row.last_used_at >= LAST_USED_GRANULARITY_MS) {
    sql.exec("UPDATE api_keys SET last_used_at = ? WHERE id = ?", now, row.id);
    row.last_used_at = now;
  }
  return toInfo(row);
}

export function deleteApiKey(sql: SqlStorage, id: string): boolean {
  return sql.exec("DELETE FROM api_keys WHERE id = ?", id).rowsWritten > 0;
}

/** A user's keys whose role is above `role`: the admin keys of someone who is no longer an admin. */
export function keysAboveRole(sql: SqlStorage, userId: string, role: Role): ApiKeyInfo[] {
  if (role === "admin") return [];
  return all<ApiKeyRow>(sql, "SELECT * FROM api_keys WHERE created_by = ? AND role = 'admin'", userId).map(toInfo);
}
