// The users table: identity, role, password hash and the consecutive-failure counters.
import { nowMs } from "../clock";
import { USER_SEARCH_SCAN_ROWS } from "../constants";
import type { Role, UserInfo } from "./results";
import { all, first } from "./store";

export interface UserRow extends Record<string, SqlStorageValue> {
  id: string;
  email: string;
  name: string;
  role: Role;
  password_hash: string;
  created_at: number;
  last_login_at: number | null;
  failed_passwords: number;
  failed_codes: number;
  locked_until: number;
  /** Language of the user's emails, "en" or "fr" (schema step 4). */
  locale: string;
  /** Wrong second factors in a row, across the 15-minute locks (schema step 5). */
  code_failure_streak: number;
  /** Set when the streak reached 100: sign-in answers 423 until an admin unlocks (schema step 5). */
  lasting_lock_at: number | null;
  /** When the "you were locked out" mail last went out. */
  lock_mailed_at: number | null;
  /** Set while an admin has deactivated the account: no sign-in, session or key works (schema step 6). */
  deactivated_at: number | null;
  /** When the owner proved the email reaches them (a followed link, or an accepted invite); null: never (step 7). */
  email_verified_at: number | null;
  /** When the last wrong password was counted (ms, 0: never); failed_passwords forgets a day later (step 10). */
  password_failed_at: number;
  /**
   * 1 while the user has a TOTP secret or a passkey, kept by triggers (step 12) for the lists and counts only:
   * every decision about a factor reads the factor's own rows (factors.ts).
   */
  has_2fa: number;
}

export function findUser(sql: SqlStorage, id: string): UserRow | undefined {
  return first<UserRow>(sql, "SELECT * FROM users WHERE id = ?", id);
}

/** The user, only while active: every way in (sign-in steps, sessions, keys, links) reads users through this. */
export function findActiveUser(sql: SqlStorage, id: string): UserRow | undefined {
  const user = findUser(sql, id);
  return user && user.deactivated_at === null ? user : undefined;
}

export function findUserByEmail(sql: SqlStorage, email: string): UserRow | undefined {
  return first<UserRow>(sql, "SELECT * FROM users WHERE email = ?", email);
}

export function insertUser(
  sql: SqlStorage,
  u: { id: string; email: string; name: string; role: Role; passwordHash: string },
  now: number,
): void {
  sql.exec(
    "INSERT INTO users (id, email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    u.id,
    u.email,
    u.name,
    u.role,
    u.passwordHash,
    now,
  );
}

export function publicUser(u: Pick<UserRow, "id" | "email" | "name" | "role">): UserInfo {
  return { id: u.id, email: u.email, name: u.name, role: u.role };
}

export interface UserListEntry extends UserInfo {
  twoFactorEnabled: boolean;
  lastLoginAt: string | null;
  /** Under the lasting lock (100 wrong second factors in a row): only an admin's unlock or a reset lifts it. */
  locked: boolean;
  /**
   * When the 15-minute pause after 10 wrong passwords or codes in a row ends (ISO time), or null: sign-in answers 429
   * until then unless an admin unlocks. Not `locked`, which is only the lasting lock.
   */
  lockedUntil: string | null;
  /** False while deactivated. */
  active: boolean;
  /** The owner followed a link mailed to the address (or accepted an invite sent to it). */
  emailVerified: boolean;
}

/** The users with these ids (any order; unknown ids are left out): a page names a few people, never the whole org. */
export function usersById(sql: SqlStorage, ids: readonly string[]): UserListEntry[] {
  if (ids.length === 0) return [];
  return all<UserRow>(sql, "SELECT * FROM users WHERE id IN (SELECT value FROM json_each(?))", JSON.stringify([...new Set(ids)])).map(
    listEntry,
  );
}

/**
 * Whether the owner followed a link mailed to the address, or accepted an invite sent to it: what /api/me, the users
 * list and OpenID's email_verified all say.
 */
export function emailVerified(user: Pick<UserRow, "email_verified_at">): boolean {
  return user.email_verified_at !== null;
}

function listEntry(u: UserRow): UserListEntry {
  return {
    ...publicUser(u),
    twoFactorEnabled: u.has_2fa === 1,
    lastLoginAt: u.last_login_at ? new Date(u.last_login_at).toISOString() : null,
    locked: u.lasting_lock_at !== null,
    lockedUntil: u.locked_until > nowMs() ? new Date(u.locked_until).toISOString() : null,
    active: u.deactivated_at === null,
    emailVerified: emailVerified(u),
  };
}

/** One page of an org's users: oldest first, optionally only those whose email or name contains `q`. */
export interface UserPageQuery {
  /** nextCursor of the previous page: "<created_at>.<id>" of its last user. */
  cursor?: string | undefined;
  limit: number;
  q?: string | undefined;
  /** Only users without 2FA (the compliance list). */
  notEnrolled?: boolean;
}

export interface UserPage {
  users: UserListEntry[];
  nextCursor: string | null;
}

/** Parses a cursor made by pageUsers; null when it is not one (the route answers 400). */
export function parseUserCursor(cursor: string): { createdAt: number; id: string } | null {
  const m = /^(\d{1,15})\.([A-Za-z0-9_-]{1,64})$/.exec(cursor);
  return m ? { createdAt: Number(m[1]), id: m[2] as string } : null;
}

/**
 * Keyset paging on (created_at, id) (index users_by_list, step 12; users_without_2fa, step 12, for the compliance
 * list), so page n costs what page 1 does. A search reads at most USER_SEARCH_SCAN_ROWS users in that order and
 * goes on from the last one read, so it never scans a whole big org in one request.
 */
export function pageUsers(sql: SqlStorage, query: UserPageQuery): UserPage {
  const where: string[] = [];
  const args: SqlStorageValue[] = [];
  const after = query.cursor ? parseUserCursor(query.cursor) : null;
  if (after) {
    where.push("(created_at > ? OR (created_at = ? AND id > ?))");
    args.push(after.createdAt, after.createdAt, after.id);
  }
  if (query.notEnrolled) where.push("has_2fa = 0");
  const filter = where.length ? `WHERE ${where.join(" AND ")}` : "";
  if (!query.q) {
    const rows = all<UserRow>(sql, `SELECT * FROM users ${filter} ORDER BY created_at, id LIMIT ?`, ...args, query.limit + 1);
    const page = rows.slice(0, query.limit);
    return { users: page.map(listEntry), nextCursor: rows.length > query.limit ? cursorOf(page[page.length - 1]) : null };
  }
  // instr, not LIKE: the query's % and _ are plain characters, and SQLite in Durable Objects caps a LIKE pattern
  // at 50 bytes. lower() folds ASCII only, as LIKE would. The scan reads the index users_by_list only (step 12);
  // the matches' rows are read after.
  const scanned = `SELECT created_at, id, email, name FROM users ${filter} ORDER BY created_at, id LIMIT ${USER_SEARCH_SCAN_ROWS}`;
  const rows = all<UserRow>(
    sql,
    `SELECT u.* FROM (${scanned}) s JOIN users u ON u.id = s.id
     WHERE instr(lower(s.email), lower(?)) > 0 OR instr(lower(s.name), lower(?)) > 0 ORDER BY s.created_at, s.id LIMIT ?`,
    ...args,
    query.q,
    query.q,
    query.limit + 1,
  );
  const page = rows.slice(0, query.limit);
  if (rows.length > query.limit) return { users: page.map(listEntry), nextCursor: cursorOf(page[page.length - 1]) };
  // Fewer matches than asked: go on after the last user read, unless the read did not fill its bound (the end).
  const last = first<{ created_at: number; id: string }>(
    sql,
    `SELECT created_at, id FROM users ${filter} ORDER BY created_at, id LIMIT 1 OFFSET ${USER_SEARCH_SCAN_ROWS - 1}`,
    ...args,
  );
  return { users: page.map(listEntry), nextCursor: cursorOf(last) };
}

function cursorOf(u: { created_at: number; id: string } | undefined): string | null {
  return u ? `${u.created_at}.${u.id}` : null;
}

/**
 * How many users the org has, how many of them have 2FA (a TOTP secret or a passkey) and how many active ones have
 * no passkey: one row kept by triggers (steps 12 and 13) in the transaction of each change, so a 50,000-user org
 * answers as fast as a small one.
 */
export function countUsers(sql: SqlStorage): { total: number; enrolled: number; withoutPasskey: number } {
  const row = first<{ total: number; enrolled: number; withoutPasskey: number }>(
    sql,
    "SELECT users AS total, enrolled, without_passkey AS withoutPasskey FROM user_counts WHERE k = 1",
  );
  return row ?? { total: 0, enrolled: 0, withoutPasskey: 0 };
}

/**
 * Admins who can still sign in: the org must keep one (a deactivated admin administers nothing). Read from the
 * partial index users_active_admins (migration 17).
 */
export function countActiveAdmins(sql: SqlStorage): number {
  return sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND deactivated_at IS NULL").one().n;
}

export function setDeactivated(sql: SqlStorage, id: string, at: number | null): void {
  sql.exec("UPDATE users SET deactivated_at = ? WHERE id = ?", at, id);
}

export function setName(sql: SqlStorage, id: string, name: string): void {
  sql.exec("UPDATE users SET name = ? WHERE id = ?", name, id);
}

/** Deletes the user's row and everything keyed by the user (secrets, codes, sessions, keys, challenges, links). */
export function deleteUserAndCredentials(sql: SqlStorage, id: string): void {
  for (const table of [
    "totp",
    "totp_pending",
    "recovery_codes",
    "sessions",
    "challenges",
    "pairing_tokens",
    "email_links",
    "passkeys",
    "webauthn_challenges",
  ]) {
    sql.exec(`DELETE FROM ${table} WHERE user_id = ?`, id);
  }
  sql.exec("DELETE FROM api_keys WHERE created_by = ?", id);
  sql.exec("DELETE FROM users WHERE id = ?", id);
}

export function setPasswordHash(sql: SqlStorage, id: string, hash: string): void {
  sql.exec("UPDATE users SET password_hash = ? WHERE id = ?", hash, id);
}

export function setRole(sql: SqlStorage, id: string, role: Role): void {
  sql.exec("UPDATE users SET role = ? WHERE id = ?", role, id);
}

/** A sign-in: when, and the language it was made in (the user's emails follow it) when the caller stated one. */
export function markLogin(sql: SqlStorage, id: string, now: number, locale?: string): void {
  sql.exec("UPDATE users SET last_login_at = ?, locale = COALESCE(?, locale) WHERE id = ?", now, locale ?? null, id);
}

/** Remembers the language of the user's last sign-in, for the emails sent to them later. */
export function setLocale(sql: SqlStorage, id: string, locale: string): void {
  sql.exec("UPDATE users SET locale = ? WHERE id = ? AND locale <> ?", locale, id, locale);
}

/** The admins who can act on org-wide notices: a deactivated admin is told nothing. */
export function listAdmins(sql: SqlStorage): UserRow[] {
  return all<UserRow>(sql, "SELECT * FROM users WHERE role = 'admin' AND deactivated_at IS NULL ORDER BY created_at");
}

export function markEmailVerified(sql: SqlStorage, id: string, now: number): void {
  sql.exec("UPDATE users SET email_verified_at = ? WHERE id = ?", now, id);
}

/** A new address, verified by the link that confirmed it. */
export function setEmail(sql: SqlStorage, id: string, email: string, now: number): void {
  sql.exec("UPDATE users SET email = ?, email_verified_at = ? WHERE id = ?", email, now, id);
}
