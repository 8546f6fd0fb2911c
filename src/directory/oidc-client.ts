// A platform OpenID client (any org's users may sign in to it) lives in its own directory object, named
// "oidc-client:<client id>", so looking one up is one trip and no object ever scans every client.
// Its row holds the secret's keyed hash only (docs/storage.md).
import type { OidcClient } from "../org/oidc-rpc";

export const PLATFORM_CLIENT_MIGRATION = `CREATE TABLE oidc_client (k INTEGER PRIMARY KEY CHECK (k = 1), id TEXT NOT NULL, name TEXT NOT NULL,
     type TEXT NOT NULL CHECK (type IN ('confidential', 'public')), secret_hash TEXT, redirect_uris TEXT NOT NULL,
     post_logout_uris TEXT NOT NULL, created_at INTEGER NOT NULL, revoked_at INTEGER) STRICT;`;

interface Row extends Record<string, SqlStorageValue> {
  id: string;
  name: string;
  type: string;
  secret_hash: string | null;
  redirect_uris: string;
  post_logout_uris: string;
  created_at: number;
  revoked_at: number | null;
}

/** Writes the client; false when this object already holds one (an id is never reused). */
export function storePlatformClient(sql: SqlStorage, client: Omit<OidcClient, "orgSlug" | "createdBy">): boolean {
  if (sql.exec("SELECT 1 FROM oidc_client").toArray().length > 0) return false;
  sql.exec(
    "INSERT INTO oidc_client (k, id, name, type, secret_hash, redirect_uris, post_logout_uris, created_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?)",
    client.id,
    client.name,
    client.type,
    client.secretHash,
    JSON.stringify(client.redirectUris),
    JSON.stringify(client.postLogoutRedirectUris),
    client.createdAt,
  );
  return true;
}

export function readPlatformClient(sql: SqlStorage): OidcClient | null {
  const row = sql.exec<Row>("SELECT * FROM oidc_client").toArray()[0];
  if (!row || row.revoked_at !== null) return null;
  return {
    id: row.id,
    name: row.name,
    type: row.type === "public" ? "public" : "confidential",
    secretHash: row.secret_hash,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    postLogoutRedirectUris: JSON.parse(row.post_logout_uris) as string[],
    orgSlug: null,
    createdAt: row.created_at,
    createdBy: "operator",
  };
}

export function revokePlatformClientRow(sql: SqlStorage, now: number): boolean {
  return sql.exec("UPDATE oidc_client SET revoked_at = ? WHERE revoked_at IS NULL", now).rowsWritten > 0;
}
