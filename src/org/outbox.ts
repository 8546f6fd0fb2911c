// The mail outbox: a row is written in the same transaction as the change it reports, so a committed change
// always has its message and a rolled-back one never does. The alarm sends due rows (../mail/deliver.ts).
// A pairing link is a bearer secret: it is kept sealed (AES-GCM) beside the body, never in it, and every body
// is scrubbed once the row is sent, failed or expired.
import { MAIL_KEEP_DAYS, MAIL_MAX_ATTEMPTS, MAIL_RETRY_BASE_SECONDS, MAIL_RETRY_MAX_SECONDS } from "../constants";
import type { Sealed } from "../crypto/secret-box";
import type { MailMessage } from "../mail/messages";
import { all, first } from "./store";

export interface OutboxRow extends Record<string, SqlStorageValue> {
  id: number;
  kind: string;
  user_id: string | null;
  recipient: string;
  subject: string;
  text: string | null;
  html: string | null;
  link_key_id: string | null;
  link_ciphertext: string | null;
  created_at: number;
  expires_at: number | null;
  attempts: number;
  next_attempt_at: number | null;
  sent_at: number | null;
  failed_at: number | null;
  last_error: string | null;
}

/** Queues a message for a user, due at once. Call inside the action's transaction. */
export function enqueueMail(sql: SqlStorage, userId: string, msg: MailMessage, now: number, link?: Sealed): void {
  sql.exec(
    `INSERT INTO outbox (kind, user_id, recipient, subject, text, html, link_key_id, link_ciphertext, created_at, expires_at,
       next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    msg.kind,
    userId,
    msg.to,
    msg.subject,
    msg.text,
    msg.html,
    link?.keyId ?? null,
    link?.ciphertext ?? null,
    now,
    msg.expiresAt ?? null,
    now,
  );
}

/** Rows whose next attempt is due, oldest first. */
export function dueMail(sql: SqlStorage, now: number, limit: number): OutboxRow[] {
  return all<OutboxRow>(sql, "SELECT * FROM outbox WHERE next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?", now, limit);
}

/**
 * When the alarm must next run for mail, or null when nothing waits. Runs after every action that may mail, so
 * its WHERE matches the partial index outbox_due: one index probe, where a bare MIN() read every row kept.
 */
export function nextMailAt(sql: SqlStorage): number | null {
  return sql.exec<{ t: number | null }>("SELECT MIN(next_attempt_at) AS t FROM outbox WHERE next_attempt_at IS NOT NULL").one().t;
}

const SCRUB = "text = NULL, html = NULL, link_key_id = NULL, link_ciphertext = NULL, next_attempt_at = NULL";

export function markSent(sql: SqlStorage, id: number, now: number): void {
  sql.exec(`UPDATE outbox SET ${SCRUB}, sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?`, now, id);
}

/** Exponential backoff: base * 2^(attempts-1), capped; after the last attempt the row is failed for good. */
export function retryDelayMs(attempts: number): number {
  return Math.min(MAIL_RETRY_BASE_SECONDS * 2 ** Math.max(0, attempts - 1), MAIL_RETRY_MAX_SECONDS) * 1000;
}

export function markAttemptFailed(sql: SqlStorage, row: OutboxRow, error: string, now: number): void {
  const attempts = row.attempts + 1;
  if (attempts >= MAIL_MAX_ATTEMPTS) {
    sql.exec(`UPDATE outbox SET ${SCRUB}, attempts = ?, failed_at = ?, last_error = ? WHERE id = ?`, attempts, now, error, row.id);
    return;
  }
  sql.exec(
    "UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?",
    attempts,
    now + retryDelayMs(attempts),
    error,
    row.id,
  );
}

/** The provider refused the message for good (a 4xx): retrying cannot help, so it is failed at once. */
export function markRejected(sql: SqlStorage, row: OutboxRow, error: string, now: number): void {
  sql.exec(`UPDATE outbox SET ${SCRUB}, attempts = ?, failed_at = ?, last_error = ? WHERE id = ?`, row.attempts + 1, now, error, row.id);
}

/** A pairing email whose link has died is pointless: never send it. */
export function markExpired(sql: SqlStorage, id: number, now: number): void {
  sql.exec(`UPDATE outbox SET ${SCRUB}, failed_at = ?, last_error = 'expired before it could be sent' WHERE id = ?`, now, id);
}

export function findMail(sql: SqlStorage, id: number): OutboxRow | undefined {
  return first<OutboxRow>(sql, "SELECT * FROM outbox WHERE id = ?", id);
}

export interface OutboxEntry {
  id: number;
  kind: string;
  userId: string | null;
  to: string;
  subject: string;
  text: string | null;
  createdAt: number;
  attempts: number;
  status: "queued" | "sent" | "failed";
  lastError: string | null;
}

/** The outbox newest first, for tests and operators (no sealed links). */
export function listOutbox(sql: SqlStorage, limit = 100): OutboxEntry[] {
  return all<OutboxRow>(sql, "SELECT * FROM outbox ORDER BY id DESC LIMIT ?", limit).map((r) => ({
    id: r.id,
    kind: r.kind,
    userId: r.user_id,
    to: r.recipient,
    subject: r.subject,
    text: r.text,
    createdAt: r.created_at,
    attempts: r.attempts,
    status: r.sent_at !== null ? "sent" : r.failed_at !== null ? "failed" : "queued",
    lastError: r.last_error,
  }));
}

/**
 * The time the `limit`-th newest mail of this kind to this address was queued, when that was after `since`; null
 * while fewer than `limit` were queued since then. Mail rows are kept MAIL_KEEP_DAYS, so any window up to that holds.
 */
export function limitReachedAt(sql: SqlStorage, kind: string, recipient: string, since: number, limit: number): number | null {
  const row = first<{ at: number }>(
    sql,
    "SELECT created_at AS at FROM outbox WHERE kind = ? AND recipient = ? COLLATE NOCASE AND created_at > ? ORDER BY created_at DESC LIMIT 1 OFFSET ?",
    kind,
    recipient,
    since,
    limit - 1,
  );
  return row ? row.at : null;
}

/** Housekeeping: finished rows are kept MAIL_KEEP_DAYS for support questions, then dropped. */
export function trimOutbox(sql: SqlStorage, now: number): void {
  const before = now - MAIL_KEEP_DAYS * 86_400_000;
  sql.exec("DELETE FROM outbox WHERE next_attempt_at IS NULL AND created_at < ?", before);
  sql.exec("DELETE FROM dev_outbox WHERE delivered_at < ?", before);
}

export interface DevMail {
  id: number;
  to: string;
  subject: string;
  text: string;
  html: string;
  mime: string;
  deliveredAt: string;
}

/** Development outbox, newest first: full messages, links included (DEV_MODE only). */
export function listDevOutbox(sql: SqlStorage, limit = 50): DevMail[] {
  return all<Record<string, SqlStorageValue>>(sql, "SELECT * FROM dev_outbox ORDER BY id DESC LIMIT ?", limit).map((r) => ({
    id: r.id as number,
    to: r.recipient as string,
    subject: r.subject as string,
    text: r.text as string,
    html: r.html as string,
    mime: r.mime as string,
    deliveredAt: new Date(r.delivered_at as number).toISOString(),
  }));
}
