// The users table: identity, role, password hash and the consecutive-failure counters.
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
  /** When the last wrong password was counted (ms, 0: never); failed_passwords forgets a day later (step 6). */
  password_failed_at: number;
}

export function findUser(sql: SqlStorage, id: string): UserRow | undefined {
  return first<UserRow>(sql, "SELECT * FROM users WHERE id = ?", id);
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

export function publicUser(u: UserRow): UserInfo {
  return { id: u.id, email: u.email, name: u.name, role: u.role };
}

export interface UserListEntry extends UserInfo {
  twoFactorEnabled: boolean;
  lastLoginAt: string | null;
  /** Under the lasting lock (100 wrong second factors in a row): only an admin's unlock or a reset lifts it. */
  locked: boolean;
}

export function listUsers(sql: SqlStorage): UserListEntry[] {
  return all<UserRow & { enabled: number }>(
    sql,
    `SELECT u.*, (t.user_id IS NOT NULL) AS enabled FROM users u LEFT JOIN totp t ON t.user_id = u.id
     ORDER BY u.created_at, u.email`,
  ).map(listEntry);
}

function listEntry(u: UserRow & { enabled: number }): UserListEntry {
  return {
    ...publicUser(u),
    twoFactorEnabled: u.enabled === 1,
    lastLoginAt: u.last_login_at ? new Date(u.last_login_at).toISOString() : null,
    locked: u.lasting_lock_at !== null,
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

/** Keyset paging on (created_at, id) (index users_by_created, step 6), so page n costs what page 1 does. */
export function pageUsers(sql: SqlStorage, query: UserPageQuery): UserPage {
  const where: string[] = [];
  const args: SqlStorageValue[] = [];
  const after = query.cursor ? parseUserCursor(query.cursor) : null;
  if (after) {
    where.push("(u.created_at > ? OR (u.created_at = ? AND u.id > ?))");
    args.push(after.createdAt, after.createdAt, after.id);
  }
  if (query.q) {
    // instr, not LIKE: the query's % and _ are plain characters, and SQLite in Durable Objects caps a LIKE pattern
    // at 50 bytes. lower() folds ASCII only, as LIKE would.
    where.push("(instr(lower(u.email), lower(?)) > 0 OR instr(lower(u.name), lower(?)) > 0)");
    args.push(query.q, query.q);
  }
  if (query.notEnrolled) where.push("t.user_id IS NULL");
  const rows = all<UserRow & { enabled: number }>(
    sql,
    `SELECT u.*, (t.user_id IS NOT NULL) AS enabled FROM users u LEFT JOIN totp t ON t.user_id = u.id
     ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY u.created_at, u.id LIMIT ?`,
    ...args,
    query.limit + 1,
  );
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return { users: page.map(listEntry), nextCursor: rows.length > query.limit && last ? `${last.created_at}.${last.id}` : null };
}

/**
 * How many users the org has, and how many of them have 2FA (a totp row is only ever a user's): two index counts,
 * no join, so a 50,000-user org answers its compliance summary about as fast as a small one.
 */
export function countUsers(sql: SqlStorage): { total: number; enrolled: number } {
  return sql
    .exec<{ total: number; enrolled: number }>("SELECT (SELECT COUNT(*) FROM users) AS total, (SELECT COUNT(*) FROM totp) AS enrolled")
    .one();
}

export function countAdmins(sql: SqlStorage): number {
  return sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM users WHERE role = 'admin'").one().n;
}

export function setPasswordHash(sql: SqlStorage, id: string, hash: string): void {
  sql.exec("UPDATE users SET password_hash = ? WHERE id = ?", hash, id);
}

export function setRole(sql: SqlStorage, id: string, role: Role): void {
  sql.exec("UPDATE users SET role = ? WHERE id = ?", role, id);
}

export function markLogin(sql: SqlStorage, id: string, now: number): void {
  sql.exec("UPDATE users SET last_login_at = ? WHERE id = ?", now, id);
}

/** Remembers the language of the user's last sign-in, for the emails sent to them later. */
export function setLocale(sql: SqlStorage, id: string, locale: string): void {
  sql.exec("UPDATE users SET locale = ? WHERE id = ? AND locale <> ?", locale, id, locale);
}

export function listAdmins(sql: SqlStorage): UserRow[] {
  return all<UserRow>(sql, "SELECT * FROM users WHERE role = 'admin' ORDER BY created_at");
}
