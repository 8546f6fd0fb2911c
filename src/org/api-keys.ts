// API keys: stored only as keyed hashes, found by that hash (an index, no scan), with name, role and lastUsedAt.
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
}

export interface ApiKeyInfo {
  id: string;
  name: string;
  role: Role;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
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
  };
}

export function insertApiKey(
  sql: SqlStorage,
  k: { id: string; keyHash: string; name: string; role: Role; createdBy: string },
  now: number,
): void {
  sql.exec(
    "INSERT INTO api_keys (id, key_hash, name, role, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    k.id,
    k.keyHash,
    k.name,
    k.role,
    k.createdBy,
    now,
  );
}

export function listApiKeys(sql: SqlStorage): ApiKeyInfo[] {
  return all<ApiKeyRow>(sql, "SELECT * FROM api_keys ORDER BY created_at DESC").map(toInfo);
}

export function findApiKeyById(sql: SqlStorage, id: string): ApiKeyInfo | undefined {
  const row = first<ApiKeyRow>(sql, "SELECT * FROM api_keys WHERE id = ?", id);
  return row && toInfo(row);
}

/** The key with this hash, marking it used. */
export function useApiKey(sql: SqlStorage, keyHash: string, now: number): ApiKeyInfo | undefined {
  const row = first<ApiKeyRow>(sql, "SELECT * FROM api_keys WHERE key_hash = ?", keyHash);
  if (!row) return undefined;
  if (!row.last_used_at || now - row.last_used_at >= LAST_USED_GRANULARITY_MS) {
    sql.exec("UPDATE api_keys SET last_used_at = ? WHERE id = ?", now, row.id);
    row.last_used_at = now;
  }
  return toInfo(row);
}

export function deleteApiKey(sql: SqlStorage, id: string): boolean {
  return sql.exec("DELETE FROM api_keys WHERE id = ?", id).rowsWritten > 0;
}
