// The email_links table: the rows behind emailed links that verify an address ("verify") or confirm a change of
// address ("change"). Only the token's keyed hash is stored; a link names one user and one address, is spent
// once, and dies when its address no longer matters (a newer link of the same purpose, or revokeUserMailLinks).
import { EMAIL_CHANGE_TTL_HOURS, EMAIL_VERIFY_TTL_DAYS } from "../constants";
import { first } from "./store";

export type EmailLinkPurpose = "verify" | "change";

export interface EmailLinkRow extends Record<string, SqlStorageValue> {
  token_hash: string;
  user_id: string;
  purpose: EmailLinkPurpose;
  /** The address the link was mailed to: the account's own ("verify") or the new one ("change"). */
  email: string;
  /** "change": the token hash of the session that asked: ending that session ends the change (NULL: before step 19). */
  session_hash: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

const TTL_MS: Record<EmailLinkPurpose, number> = {
  verify: EMAIL_VERIFY_TTL_DAYS * 86_400_000,
  change: EMAIL_CHANGE_TTL_HOURS * 3_600_000,
};

/** Stores a new link; the user's older links of the same purpose die, so only the newest email works. */
export function createEmailLink(
  sql: SqlStorage,
  link: { tokenHash: string; userId: string; purpose: EmailLinkPurpose; email: string; sessionHash?: string },
  now: number,
): number {
  const expiresAt = now + TTL_MS[link.purpose];
  sql.exec("UPDATE email_links SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL", now, link.userId, link.purpose);
  sql.exec(
    "INSERT INTO email_links (token_hash, user_id, purpose, email, created_at, expires_at, session_hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
    link.tokenHash,
    link.userId,
    link.purpose,
    link.email,
    now,
    expiresAt,
    link.sessionHash ?? null,
  );
  return expiresAt;
}

/** The live link (unspent, unexpired) behind a token's keyed hash, or undefined. */
export function liveEmailLink(sql: SqlStorage, tokenHash: string, now: number): EmailLinkRow | undefined {
  return first<EmailLinkRow>(sql, "SELECT * FROM email_links WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?", tokenHash, now);
}

/** When the user's newest link of this purpose was made, or null. */
export function lastEmailLinkAt(sql: SqlStorage, userId: string, purpose: EmailLinkPurpose): number | null {
  return sql
    .exec<{ t: number | null }>("SELECT MAX(created_at) AS t FROM email_links WHERE user_id = ? AND purpose = ?", userId, purpose)
    .one().t;
}

export function spendEmailLink(sql: SqlStorage, tokenHash: string, now: number): void {
  sql.exec("UPDATE email_links SET used_at = ? WHERE token_hash = ?", now, tokenHash);
}

/** Kills every pending link of the user (both purposes); returns how many died. */
export function revokeUserEmailLinks(sql: SqlStorage, userId: string, now: number): number {
  return sql.exec("UPDATE email_links SET used_at = ? WHERE user_id = ? AND used_at IS NULL", now, userId).rowsWritten;
}

/** Kills the change of address this session asked for, when its owner ends it (sessions.ts revokeSessionByPublicId). */
export function revokeEmailChangeOf(sql: SqlStorage, sessionHash: string, now: number): void {
  sql.exec("UPDATE email_links SET used_at = ? WHERE session_hash = ? AND purpose = 'change' AND used_at IS NULL", now, sessionHash);
}

/** Kills the user's pending change of address (sessions.ts revokeUserSessions); a "verify" link stays. */
export function revokeEmailChange(sql: SqlStorage, userId: string, now: number): void {
  sql.exec("UPDATE email_links SET used_at = ? WHERE user_id = ? AND purpose = 'change' AND used_at IS NULL", now, userId);
}

export function deleteOldEmailLinks(sql: SqlStorage, now: number): void {
  sql.exec("DELETE FROM email_links WHERE expires_at <= ?", now);
}
