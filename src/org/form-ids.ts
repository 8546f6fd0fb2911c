// Single-use form ids: a page form whose answer shows a secret once (a new API key, an application's secret,
// recovery codes) carries a random id with its issue time, recorded here in the very transaction that makes the
// secret, so the same post sent again (a reload, the back button, a double click) makes nothing more and is told
// so. An id is no secret: it only says this form was used, and whoever could post it could fill the form in anew.
import { FORM_ID_CLOCK_SKEW_SECONDS, FORM_ID_TTL_SECONDS } from "../constants";
import { randomToken } from "../crypto/tokens";
import { fail, ok, type Result } from "./results";
import { first } from "./store";

/** 128 random bits: two forms never share an id. */
const FORM_ID_BYTES = 16;
const FORM_ID = /^([0-9a-z]{1,11})\.([A-Za-z0-9_-]{22})$/;

export type FormIdRefusal = "already_submitted" | "form_expired";

/** A new id for a form shown now: `<issue time in ms, base 36>.<random>`. */
export function newFormId(now: number): string {
  return `${now.toString(36)}.${randomToken(FORM_ID_BYTES)}`;
}

/** When the form was shown, or null for an id that is not one of ours. */
function issuedAt(formId: string): number | null {
  const m = FORM_ID.exec(formId);
  return m ? Number.parseInt(m[1] as string, 36) : null;
}

/**
 * Whether the form may still make something: refused once used, and when too old (its use would no longer be
 * remembered) or not one of ours. Read before a step-up, so a reload's spent code is not counted as a wrong one.
 */
export function checkFormId(sql: SqlStorage, formId: string, now: number): Result<null, FormIdRefusal> {
  const at = issuedAt(formId);
  if (at === null || at <= now - FORM_ID_TTL_SECONDS * 1000 || at > now + FORM_ID_CLOCK_SKEW_SECONDS * 1000) return fail("form_expired");
  return first(sql, "SELECT 1 AS used FROM form_ids WHERE id = ?", formId) ? fail("already_submitted") : ok(null);
}

/** Records the form's use; call inside the transaction that makes the secret, after checkFormId passed in it. */
export function spendFormId(sql: SqlStorage, formId: string, now: number): void {
  const expiresAt = (issuedAt(formId) ?? now) + FORM_ID_TTL_SECONDS * 1000;
  sql.exec("INSERT INTO form_ids (id, used_at, expires_at) VALUES (?, ?, ?)", formId, now, expiresAt);
}

/** Checks and records in one go, inside the caller's transaction. */
export function useFormId(sql: SqlStorage, formId: string, now: number): Result<null, FormIdRefusal> {
  const checked = checkFormId(sql, formId, now);
  if (checked.ok) spendFormId(sql, formId, now);
  return checked;
}

/** Housekeeping: an id past its lifetime is refused by its issue time alone. */
export function deleteOldFormIds(sql: SqlStorage, now: number): void {
  sql.exec("DELETE FROM form_ids WHERE expires_at <= ?", now);
}
