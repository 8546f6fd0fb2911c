// The OpenID provider's tables in the org's object (schema step 6; docs/storage.md): the org's own clients,
// authorization codes, grants (one per code redeemed: a refresh-token family) and spent refresh tokens.
// Secrets are stored only as keyed hashes made at the edge: client secrets, codes and refresh tokens.
import { all, first } from "./store";

export interface OidcClientRow extends Record<string, SqlStorageValue> {
  id: string;
  name: string;
  type: string;
  secret_hash: string | null;
  redirect_uris: string;
  post_logout_uris: string;
  created_by: string;
  created_at: number;
  revoked_at: number | null;
}

export interface CodeRow extends Record<string, SqlStorageValue> {
  code_hash: string;
  client_id: string;
  user_id: string;
  session_hash: string;
  redirect_uri: string;
  code_challenge: string;
  nonce: string | null;
  scope: string;
  auth_time: number;
  amr: string;
  sid: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  grant_id: string | null;
}

export interface GrantRow extends Record<string, SqlStorageValue> {
  id: string;
  client_id: string;
  user_id: string;
  session_hash: string;
  scope: string;
  auth_time: number;
  amr: string;
  sid: string;
  refresh_hash: string | null;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export function insertClient(sql: SqlStorage, row: Omit<OidcClientRow, "revoked_at">): void {
  sql.exec(
    `INSERT INTO oidc_clients (id, name, type, secret_hash, redirect_uris, post_logout_uris, created_by, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    row.id,
    row.name,
    row.type,
    row.secret_hash,
    row.redirect_uris,
    row.post_logout_uris,
    row.created_by,
    row.created_at,
  );
}

export function findClient(sql: SqlStorage, id: string): OidcClientRow | undefined {
  return first<OidcClientRow>(sql, "SELECT * FROM oidc_clients WHERE id = ?", id);
}

export function listClients(sql: SqlStorage): OidcClientRow[] {
  return all<OidcClientRow>(sql, "SELECT * FROM oidc_clients WHERE revoked_at IS NULL ORDER BY created_at DESC");
}

export function markClientRevoked(sql: SqlStorage, id: string, now: number): boolean {
  return sql.exec("UPDATE oidc_clients SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", now, id).rowsWritten > 0;
}

export function insertCode(sql: SqlStorage, row: Omit<CodeRow, "used_at" | "grant_id">): void {
  sql.exec(
    `INSERT INTO oidc_codes (code_hash, client_id, user_id, session_hash, redirect_uri, code_challenge, nonce, scope, auth_time,
       amr, sid, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    row.code_hash,
    row.client_id,
    row.user_id,
    row.session_hash,
    row.redirect_uri,
    row.code_challenge,
    row.nonce,
    row.scope,
    row.auth_time,
    row.amr,
    row.sid,
    row.created_at,
    row.expires_at,
  );
}

export function findCode(sql: SqlStorage, codeHash: string): CodeRow | undefined {
  return first<CodeRow>(sql, "SELECT * FROM oidc_codes WHERE code_hash = ?", codeHash);
}

/** Spends a code: it now names the grant it made, so a second use can revoke that grant. */
export function spendCode(sql: SqlStorage, codeHash: string, grantId: string | null, now: number): void {
  sql.exec("UPDATE oidc_codes SET used_at = ?, grant_id = ? WHERE code_hash = ?", now, grantId, codeHash);
}

export function insertGrant(sql: SqlStorage, row: Omit<GrantRow, "revoked_at">): void {
  sql.exec(
    `INSERT INTO oidc_grants (id, client_id, user_id, session_hash, scope, auth_time, amr, sid, refresh_hash, created_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    row.id,
    row.client_id,
    row.user_id,
    row.session_hash,
    row.scope,
    row.auth_time,
    row.amr,
    row.sid,
    row.refresh_hash,
    row.created_at,
    row.expires_at,
  );
}

export function findGrant(sql: SqlStorage, id: string): GrantRow | undefined {
  return first<GrantRow>(sql, "SELECT * FROM oidc_grants WHERE id = ?", id);
}

export function grantByRefresh(sql: SqlStorage, refreshHash: string): GrantRow | undefined {
  return first<GrantRow>(sql, "SELECT * FROM oidc_grants WHERE refresh_hash = ?", refreshHash);
}

/** The grant a refresh token belonged to before it was rotated away, if it ever was one of ours. */
export function grantOfSpentRefresh(sql: SqlStorage, refreshHash: string): GrantRow | undefined {
  return first<GrantRow>(
    sql,
    "SELECT g.* FROM oidc_spent_refresh s JOIN oidc_grants g ON g.id = s.grant_id WHERE s.token_hash = ?",
    refreshHash,
  );
}

/** Rotation: the presented token is remembered as spent, and only the new one works from now on. */
export function rotateRefresh(sql: SqlStorage, grant: GrantRow, newHash: string, now: number): void {
  if (grant.refresh_hash) {
    sql.exec("INSERT INTO oidc_spent_refresh (token_hash, grant_id, spent_at) VALUES (?, ?, ?)", grant.refresh_hash, grant.id, now);
  }
  sql.exec("UPDATE oidc_grants SET refresh_hash = ? WHERE id = ?", newHash, grant.id);
}

export function revokeGrant(sql: SqlStorage, id: string, now: number): boolean {
  return (
    sql.exec("UPDATE oidc_grants SET revoked_at = ?, refresh_hash = NULL WHERE id = ? AND revoked_at IS NULL", now, id).rowsWritten > 0
  );
}

/** Every live grant of a user dies (sessions revoked: password change, 2FA reset, deactivation, removal). */
export function revokeUserGrants(sql: SqlStorage, userId: string, now: number): number {
  return sql.exec("UPDATE oidc_grants SET revoked_at = ?, refresh_hash = NULL WHERE user_id = ? AND revoked_at IS NULL", now, userId)
    .rowsWritten;
}

/** Grants that came from one browser session (RP-initiated logout ends them with it). */
export function revokeSessionGrants(sql: SqlStorage, sessionHash: string, now: number): number {
  return sql.exec(
    "UPDATE oidc_grants SET revoked_at = ?, refresh_hash = NULL WHERE session_hash = ? AND revoked_at IS NULL",
    now,
    sessionHash,
  ).rowsWritten;
}

export function revokeClientGrants(sql: SqlStorage, clientId: string, now: number): number {
  return sql.exec("UPDATE oidc_grants SET revoked_at = ?, refresh_hash = NULL WHERE client_id = ? AND revoked_at IS NULL", now, clientId)
    .rowsWritten;
}

/** Housekeeping: codes older than a day are gone (a reuse after that finds nothing and is refused anyway). */
export function deleteOldOidcRows(sql: SqlStorage, now: number): void {
  sql.exec("DELETE FROM oidc_codes WHERE expires_at < ?", now - 86_400_000);
  sql.exec("DELETE FROM oidc_spent_refresh WHERE grant_id IN (SELECT id FROM oidc_grants WHERE expires_at < ?)", now);
  sql.exec("DELETE FROM oidc_grants WHERE expires_at < ?", now);
}

/** How a session signed in (RFC 8176 amr), recorded when it starts (actions/sign-in.ts). */
export function setSessionAmr(sql: SqlStorage, tokenHash: string, amr: readonly string[]): void {
  sql.exec("UPDATE sessions SET amr = ? WHERE token_hash = ?", JSON.stringify(amr), tokenHash);
}
