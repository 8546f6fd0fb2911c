// The audit log: every security change, who did it, to whom, from where. Newest first, paged by id.
import { AUDIT_MAX_AGE_DAYS, AUDIT_NOISE_MAX_AGE_DAYS, AUDIT_NOISE_MAX_EVENTS, AUDIT_NOISE_WINDOW_SECONDS } from "../constants";
import type { AuditActor, RequestMeta } from "./results";
import { all, first } from "./store";

/** Event types; docs/api.md asks for every security change and login failures. README.md lists them all (a test reads it). */
export const AUDIT_TYPES = [
  "org.created",
  "user.created",
  "user.role_changed",
  "user.renamed",
  "user.deactivated",
  "user.reactivated",
  "user.removed",
  "user.password_changed",
  "login.succeeded",
  "login.failed",
  "account.locked",
  "account.locked_out",
  "account.unlocked",
  "session.revoked",
  "2fa.enabled",
  "2fa.disabled",
  "2fa.reset",
  "2fa.code_failed",
  "2fa.recovery_code_used",
  "2fa.recovery_codes_regenerated",
  "2fa.pairing_link_sent",
  "org.require_2fa_enabled",
  "org.require_2fa_disabled",
  "org.require_phishing_resistant_enabled",
  "org.require_phishing_resistant_disabled",
  "org.totp_period_changed",
  "api_key.created",
  "api_key.revoked",
  "invite.created",
  "invite.resent",
  "invite.revoked",
  "invite.accepted",
  "user.email_verification_sent",
  "user.email_verified",
  "user.email_change_requested",
  "user.email_changed",
  "passkey.added",
  "passkey.renamed",
  "passkey.removed",
  "passkey.counter_regressed",
  "oidc.client_created",
  "oidc.client_revoked",
  "oidc.tokens_issued",
  "oidc.tokens_refreshed",
  "oidc.code_reuse",
  "oidc.refresh_reuse",
  "oidc.tokens_revoked",
] as const;

export type AuditType = (typeof AUDIT_TYPES)[number];

/**
 * Noise: failures someone can cause without having signed in (an email is enough for a wrong password and its
 * 15-minute lock). They are aggregated per type, user and window and capped apart (trimEvents), so no volume of
 * them evicts a security event. Every other type is a security event, kept by age only.
 */
export const NOISE_TYPES: ReadonlySet<AuditType> = new Set<AuditType>(["login.failed", "account.locked"]);

/**
 * Repeats that are aggregated per type, user and window. A wrong second factor needs the right password, so it is
 * evidence someone knows it: a security event (kept by age, never pushed out by noise), yet aggregated like noise;
 * the lasting lock bounds it at 100 in a row per user anyway.
 */
export const AGGREGATED_TYPES: ReadonlySet<AuditType> = new Set<AuditType>([
  ...NOISE_TYPES,
  "2fa.code_failed",
  // A client refreshes every few minutes for as long as it runs: one row per user and hour, with its count.
  "oidc.tokens_refreshed",
]);

export type AuditClass = "security" | "noise";

export function auditClass(type: AuditType): AuditClass {
  return NOISE_TYPES.has(type) ? "noise" : "security";
}

/** Small facts about an event (never a secret). */
export type AuditDetail = Record<string, string | number | boolean | null>;

export interface AuditSubject {
  id: string;
  label?: string;
}

export interface AuditEvent {
  id: number;
  at: string;
  type: AuditType;
  actor: AuditActor;
  subject: AuditSubject | null;
  ip: string | null;
  userAgent: string | null;
  detail: AuditDetail | null;
  /** How many times it happened: above 1 only for noise aggregated over a window. */
  count: number;
  /** The last time an aggregated event happened (absent when count is 1). */
  lastAt?: string;
}

interface AuditRow extends Record<string, SqlStorageValue> {
  id: number;
  at: number;
  type: AuditType;
  actor_type: AuditActor["type"];
  actor_id: string | null;
  actor_label: string | null;
  subject_id: string | null;
  subject_label: string | null;
  ip: string | null;
  user_agent: string | null;
  detail: string | null;
  class: AuditClass;
  repeats: number;
  last_at: number | null;
}

const DAY_MS = 86_400_000;

/**
 * Inside the action's transaction. A noise event joins the row of the same type and subject whose window started
 * less than AUDIT_NOISE_WINDOW_SECONDS ago (count + 1, last time, last IP), unless a security event about that
 * subject came after that row; anything else is a new row.
 */
export function recordEvent(
  sql: SqlStorage,
  e: { type: AuditType; actor: AuditActor; subject?: AuditSubject; meta?: RequestMeta; detail?: AuditDetail },
  now: number,
): void {
  const cls = auditClass(e.type);
  if (AGGREGATED_TYPES.has(e.type) && joinWindow(sql, e.type, e.subject?.id ?? null, e.meta?.ip ?? null, now)) return;
  sql.exec(
    `INSERT INTO audit (at, type, actor_type, actor_id, actor_label, subject_id, subject_label, ip, user_agent, detail, class)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    now,
    e.type,
    e.actor.type,
    e.actor.id ?? null,
    e.actor.label ?? null,
    e.subject?.id ?? null,
    e.subject?.label ?? null,
    e.meta?.ip ?? null,
    e.meta?.userAgent?.slice(0, 512) ?? null,
    e.detail ? JSON.stringify(e.detail) : null,
    cls,
  );
}

/** A security event about this subject after this row: one probe of audit_security_by_subject (migration 16). */
export const LATER_SECURITY_EVENT = "SELECT 1 AS x FROM audit WHERE subject_id IS ? AND id > ? AND class = 'security' LIMIT 1";

/**
 * Adds one to the open window's row, if there is one (audit_group index). The first row's IP and user agent
 * stay; detail.lastIp holds the latest IP while it differs from the first, so an attack that moves still shows.
 */
function joinWindow(sql: SqlStorage, type: AuditType, subjectId: string | null, ip: string | null, now: number): boolean {
  const open = first<{ id: number; ip: string | null; detail: string | null }>(
    sql,
    `SELECT id, ip, detail FROM audit WHERE type = ? AND subject_id IS ? AND at > ? AND at <= ?
     ORDER BY at DESC LIMIT 1`,
    type,
    subjectId,
    now - AUDIT_NOISE_WINDOW_SECONDS * 1000,
    now,
  );
  // Newest first must stay true: once a security event about the same subject came after the open row (a sign-in
  // that worked, say), a repeat folded into it would show below that event. It starts a row of its own instead.
  if (!open || first(sql, LATER_SECURITY_EVENT, subjectId, open.id)) {
    return false;
  }
  let detail = open.detail;
  if (ip !== null) {
    const { lastIp: _, ...rest } = detail ? (JSON.parse(detail) as AuditDetail) : {};
    const next = ip === open.ip ? rest : { ...rest, lastIp: ip };
    detail = Object.keys(next).length ? JSON.stringify(next) : null;
  }
  sql.exec("UPDATE audit SET repeats = repeats + 1, last_at = ?, detail = ? WHERE id = ?", now, detail, open.id);
  return true;
}

/** Events newest first; `before` is the id of the last event of the previous page. */
export function listEvents(sql: SqlStorage, limit: number, before?: number): AuditEvent[] {
  const rows = all<AuditRow>(sql, "SELECT * FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?", before ?? Number.MAX_SAFE_INTEGER, limit);
  return rows.map((r) => ({
    id: r.id,
    at: new Date(r.at).toISOString(),
    type: r.type,
    actor: {
      type: r.actor_type,
      ...(r.actor_id ? { id: r.actor_id } : {}),
      ...(r.actor_label ? { label: r.actor_label } : {}),
    },
    subject: r.subject_id ? { id: r.subject_id, ...(r.subject_label ? { label: r.subject_label } : {}) } : null,
    ip: r.ip,
    userAgent: r.user_agent,
    detail: r.detail ? (JSON.parse(r.detail) as AuditDetail) : null,
    count: 1 + r.repeats,
    ...(r.repeats > 0 && r.last_at !== null ? { lastAt: new Date(r.last_at).toISOString() } : {}),
  }));
}

/**
 * Retention, from the alarm only: security events go by age alone (AUDIT_MAX_AGE_DAYS), so nothing a stranger
 * sends can push them out; noise goes after AUDIT_NOISE_MAX_AGE_DAYS or beyond the newest AUDIT_NOISE_MAX_EVENTS
 * noise rows. Nothing else deletes audit rows.
 */
export function trimEvents(sql: SqlStorage, now: number): void {
  sql.exec("DELETE FROM audit WHERE class = 'security' AND at < ?", now - AUDIT_MAX_AGE_DAYS * DAY_MS);
  sql.exec("DELETE FROM audit WHERE class = 'noise' AND at < ?", now - AUDIT_NOISE_MAX_AGE_DAYS * DAY_MS);
  sql.exec(
    `DELETE FROM audit WHERE class = 'noise'
       AND id <= (SELECT id FROM audit WHERE class = 'noise' ORDER BY id DESC LIMIT 1 OFFSET ?)`,
    AUDIT_NOISE_MAX_EVENTS,
  );
}
