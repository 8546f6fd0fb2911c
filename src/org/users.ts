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
  /** Set while an admin has deactivated the account: no sign-in, session or key works (schema step 6). */
  deactivated_at: number | null;
  /** When the owner proved the email reaches them (a followed link, or an accepted invite); null: never (step 7). */
  email_verified_at: number | null;
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

export function publicUser(u: UserRow): UserInfo {
  return { id: u.id, email: u.email, name: u.name, role: u.role };
}

export interface UserListEntry extends UserInfo {
  twoFactorEnabled: boolean;
  lastLoginAt: string | null;
  /** Under the lasting lock (100 wrong second factors in a row): only an admin's unlock or a reset lifts it. */
  locked: boolean;
  /** False while deactivated. */
  active: boolean;
  /** The owner followed a link mailed to the address (or accepted an invite sent to it). */
  emailVerified: boolean;
}

export function listUsers(sql: SqlStorage): UserListEntry[] {
  return all<UserRow & { enabled: number }>(
    sql,
    // A second factor is an active TOTP secret or a passkey (org/factors.ts).
    `SELECT u.*, (t.user_id IS NOT NULL OR EXISTS (SELECT 1 FROM passkeys p WHERE p.user_id = u.id)) AS enabled
     FROM users u LEFT JOIN totp t ON t.user_id = u.id ORDER BY u.created_at, u.email`,
  ).map((u) => ({
    ...publicUser(u),
    twoFactorEnabled: u.enabled === 1,
    lastLoginAt: u.last_login_at ? new Date(u.last_login_at).toISOString() : null,
    locked: u.lasting_lock_at !== null,
    active: u.deactivated_at === null,
    emailVerified: u.email_verified_at !== null,
  }));
}

/** Admins who can still sign in: the org must keep one (a deactivated admin administers nothing). */
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

export function markEmailVerified(sql: SqlStorage, id: string, now: number): void {
  sql.exec("UPDATE users SET email_verified_at = ? WHERE id = ?", now, id);
}

/** A new address, verified by the link that confirmed it. */
export function setEmail(sql: SqlStorage, id: string, email: string, now: number): void {
  sql.exec("UPDATE users SET email = ?, email_verified_at = ? WHERE id = ?", email, now, id);
}
