// The sessions table: one row per signed-in browser, keyed by a hash of the cookie's secret, so logout and
// resets revoke at once and a stolen database holds no usable token (lucia's id + hashed-secret pattern).
import { config, type SessionPolicy } from "../config";
import { SESSION_TOUCH_SECONDS } from "../constants";
import { newId } from "../crypto/tokens";
import type { Env } from "../env";
import { nowMs } from "../clock";
import { revokeEmailChange, revokeEmailChangeOf } from "./email-links";
import { revokeSessionGrants, revokeUserGrants } from "./oidc-store";
import type { RequestMeta } from "./results";
import { all, first } from "./store";

export interface SessionRow extends Record<string, SqlStorageValue> {
  token_hash: string;
  user_id: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  /** When a factor was last checked for this session: at sign-in, then at each step-up (schema step 5). */
  verified_at: number;
  /** A random id for listing and ending the session (schema step 6): never the token nor its hash. */
  public_id: string;
  user_agent: string | null;
}

export type { SessionPolicy };

/** The deployment's idle and absolute lifetimes (SESSION_IDLE_MINUTES, SESSION_ABSOLUTE_HOURS, checked in config.ts). */
export function sessionPolicy(env: Env): SessionPolicy {
  return config(env).sessionPolicy;
}

export function createSession(
  sql: SqlStorage,
  tokenHash: string,
  userId: string,
  now: number,
  policy: SessionPolicy,
  meta: RequestMeta,
  verifiedAt = now,
  amr: readonly string[] | null = null,
): void {
  sql.exec(
    `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent, verified_at, public_id, amr)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    tokenHash,
    userId,
    now,
    now,
    now + policy.absoluteMs,
    meta.ip ?? null,
    meta.userAgent ?? null,
    verifiedAt,
    newId("ses"),
    amr ? JSON.stringify(amr) : null,
  );
}

/**
 * A rotated session (new token after a role change or enabling 2FA) keeps when and how its user signed in: a new
 * token is no new sign-in, so OpenID's auth_time and amr (max_age, prompt=login) must not move forward, nor does the
 * session's absolute end (a rotation would otherwise give it a new 12 hours).
 */
export function carrySignIn(sql: SqlStorage, from: SessionRow | undefined, toHash: string): void {
  if (from)
    sql.exec(
      "UPDATE sessions SET created_at = ?, amr = ?, expires_at = MIN(expires_at, ?) WHERE token_hash = ?",
      from.created_at,
      from.amr ?? null,
      from.expires_at,
      toHash,
    );
}

/** The session row for a token hash, live or not. */
export function sessionRow(sql: SqlStorage, tokenHash: string): SessionRow | undefined {
  return first<SessionRow>(sql, "SELECT * FROM sessions WHERE token_hash = ?", tokenHash);
}

/** The live session for a token hash; an idle or expired one is deleted and not returned. */
export function findLiveSession(sql: SqlStorage, tokenHash: string, now: number, policy: SessionPolicy) {
  const row = sessionRow(sql, tokenHash);
  return row && keepAlive(sql, tokenHash, row, now, policy) ? row : undefined;
}

/**
 * Whether a session read by its token hash is live: an idle or expired one is deleted (false); a live one's idle
 * clock moves at most every SESSION_TOUCH_SECONDS, or a tenth of the idle limit, so most checks write nothing.
 */
export function keepAlive(
  sql: SqlStorage,
  tokenHash: string,
  times: { expires_at: number; last_seen_at: number },
  now: number,
  policy: SessionPolicy,
): boolean {
  if (times.expires_at <= now || times.last_seen_at + policy.idleMs <= now) {
    sql.exec("DELETE FROM sessions WHERE token_hash = ?", tokenHash);
    return false;
  }
  if (now - times.last_seen_at >= Math.min(SESSION_TOUCH_SECONDS * 1000, policy.idleMs / 10)) {
    sql.exec("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?", now, tokenHash);
  }
  return true;
}

/** Step-up: a factor was just checked for this live session of this user; false when there is no such session. */
export function markSessionVerified(sql: SqlStorage, tokenHash: string, userId: string, now: number): boolean {
  return sql.exec("UPDATE sessions SET verified_at = ? WHERE token_hash = ? AND user_id = ?", now, tokenHash, userId).rowsWritten > 0;
}

/**
 * Signs one session out, and with it the OpenID grants it gave: signing out ends the access the session gave
 * applications (the sign-out pages say so), whichever way it is asked (POST /auth/logout, the pages' "Sign out",
 * RP-initiated logout).
 */
export function revokeSession(sql: SqlStorage, tokenHash: string): void {
  sql.exec("DELETE FROM sessions WHERE token_hash = ?", tokenHash);
  revokeSessionGrants(sql, tokenHash, nowMs());
}

/**
 * verified_at of a session closed by a first factor set up elsewhere: no earlier check counts for it any more. The
 * column's default (migration 7) is 0 too, so every insert names verified_at (createSession).
 */
const CLOSED = 0;

/**
 * A first second factor set up at a sign-in keeps the user's other sessions (enforcing 2FA signs no one out), but
 * none of them was checked with that factor: each is closed (stale), so its next step-up asks for the new factor (a
 * password no longer steps up a user who has one), and a session opened with the password alone cannot add a
 * credential, change the email or make a key on the strength of that password.
 */
export function staleOtherSessions(sql: SqlStorage, userId: string): void {
  sql.exec("UPDATE sessions SET verified_at = ? WHERE user_id = ?", CLOSED, userId);
}

/**
 * Whether this session of the user still stands as the edge saw it: not ended, and not closed by a first factor
 * set up elsewhere since (staleOtherSessions). The edge judged its step-up from a copy read at the start of the
 * request; what adds a factor or a credential asks again here, in its own transaction, so a request on its way
 * while the owner enrolled (a form body sent slowly) lands nothing. A step-up with the new factor reopens it.
 */
export function sessionStillOpen(sql: SqlStorage, tokenHash: string, userId: string): boolean {
  const row = first<{ verified_at: number }>(
    sql,
    "SELECT verified_at FROM sessions WHERE token_hash = ? AND user_id = ?",
    tokenHash,
    userId,
  );
  return row !== undefined && row.verified_at !== CLOSED;
}

/**
 * Revokes every session of a user, except the one making the change when given; every token the user's
 * sign-ins gave other applications (OpenID grants) dies with them, the kept session's included, and so does a
 * pending change of address: its link, asked for by a session, would otherwise outlive the sessions it was meant to
 * end (a thief's session asks, the owner changes the password, the thief follows the link and owns the address).
 */
export function revokeUserSessions(sql: SqlStorage, userId: string, except?: string): void {
  const now = nowMs();
  sql.exec("DELETE FROM sessions WHERE user_id = ? AND token_hash != ?", userId, except ?? "");
  revokeUserGrants(sql, userId, now);
  revokeEmailChange(sql, userId, now);
}

export function deleteExpiredSessions(sql: SqlStorage, now: number, policy: SessionPolicy): void {
  sql.exec("DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?", now, now - policy.idleMs);
}

/** A user's live sessions, newest first (idle or expired ones are left for housekeeping and not listed). */
export function listUserSessions(sql: SqlStorage, userId: string, now: number, policy: SessionPolicy): SessionRow[] {
  return all<SessionRow>(
    sql,
    "SELECT * FROM sessions WHERE user_id = ? AND expires_at > ? AND last_seen_at > ? ORDER BY created_at DESC",
    userId,
    now,
    now - policy.idleMs,
  );
}

/** Whether this public id names the session with this token hash (the caller's own). */
export function isSession(sql: SqlStorage, userId: string, publicId: string, tokenHash: string): boolean {
  return (
    first(sql, "SELECT 1 FROM sessions WHERE user_id = ? AND public_id = ? AND token_hash = ?", userId, publicId, tokenHash) !== undefined
  );
}

/**
 * Ends one session of this user by its public id (the Account page's list: a session the user did not know), and
 * the OpenID grants it gave; false when the user has no such session.
 */
export function revokeSessionByPublicId(sql: SqlStorage, userId: string, publicId: string): boolean {
  const row = sql
    .exec<{ token_hash: string }>("SELECT token_hash FROM sessions WHERE user_id = ? AND public_id = ?", userId, publicId)
    .toArray()[0];
  if (!row) return false;
  revokeSession(sql, row.token_hash);
  // A session its owner did not know of, ended: so is any change of address it asked for (signing out oneself is not).
  revokeEmailChangeOf(sql, row.token_hash, nowMs());
  return true;
}
