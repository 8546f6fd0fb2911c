// The audit log: every security change, who did it, to whom, from where. Newest first, paged by id.
import { AUDIT_MAX_AGE_DAYS, AUDIT_NOISE_MAX_EVENTS } from "../constants";
import type { AuditActor, RequestMeta } from "./results";
import { all } from "./store";

/** Event types; API.md asks for every security change and login failures. */
export type AuditType =
  | "org.created"
  | "user.created"
  | "user.role_changed"
  | "user.password_changed"
  | "login.succeeded"
  | "login.failed"
  | "account.locked"
  | "account.locked_out"
  | "account.unlocked"
  | "session.revoked"
  | "2fa.enabled"
  | "2fa.disabled"
  | "2fa.reset"
  | "2fa.code_failed"
  | "2fa.recovery_code_used"
  | "2fa.recovery_codes_regenerated"
  | "2fa.pairing_link_sent"
  | "org.require_2fa_enabled"
  | "org.require_2fa_disabled"
  | "org.totp_period_changed"
  | "api_key.created"
  | "api_key.revoked";

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
}

export function recordEvent(
  sql: SqlStorage,
  e: { type: AuditType; actor: AuditActor; subject?: AuditSubject; meta?: RequestMeta; detail?: AuditDetail },
  now: number,
): void {
  sql.exec(
    `INSERT INTO audit (at, type, actor_type, actor_id, actor_label, subject_id, subject_label, ip, user_agent, detail)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
  );
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
  }));
}

/** Bounded retention: the newest AUDIT_NOISE_MAX_EVENTS events of the last AUDIT_MAX_AGE_DAYS days. */
export function trimEvents(sql: SqlStorage, now: number, maxEvents = AUDIT_NOISE_MAX_EVENTS): void {
  sql.exec("DELETE FROM audit WHERE at < ?", now - AUDIT_MAX_AGE_DAYS * 86_400_000);
  sql.exec("DELETE FROM audit WHERE id <= (SELECT id FROM audit ORDER BY id DESC LIMIT 1 OFFSET ?)", maxEvents);
}
