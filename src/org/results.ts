// What crosses the RPC boundary: expected outcomes are values, because a thrown error keeps only its message.

/**
 * Every reason an org object gives for refusing, closed: flows/outcomes.ts maps each to its wire error with an
 * exhaustive switch, and the pages' words are keyed by it (ui/i18n: `satisfies Record<Reason, string>`), so a new
 * reason without a status or words does not compile.
 */
export type Reason =
  | "invalid_credentials"
  | "invalid_code"
  | "invalid_challenge"
  | "invalid_pairing"
  | "not_pending"
  | "not_enrolled"
  | "already_enrolled"
  | "enforced_by_org"
  | "not_found"
  | "org_exists"
  | "email_taken"
  | "last_admin"
  | "own_account"
  | "account_deactivated"
  | "forbidden"
  | "step_up_required"
  | "too_many_attempts"
  | "account_locked"
  | "invalid_period"
  | "invalid_link"
  | "already_invited"
  | "passkey_required"
  | "already_submitted"
  | "form_expired"
  | "unavailable"
  /** A passkey's answer that did not verify (another account's or site's passkey, a forged answer). */
  | "passkey_unverified"
  /** Adding a passkey from a session whose registration request is spent or expired (not a sign-in's: that is invalid_challenge). */
  | "passkey_request_expired";

export type Result<T, R extends Reason = Reason> = { ok: true; value: T } | { ok: false; reason: R; retryAfterSeconds?: number };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function fail<R extends Reason>(reason: R, retryAfterSeconds?: number): { ok: false; reason: R; retryAfterSeconds?: number } {
  return retryAfterSeconds === undefined ? { ok: false, reason } : { ok: false, reason, retryAfterSeconds };
}

export type Role = "technician" | "admin";

/** Who did something, as the audit log records it. */
export interface AuditActor {
  type: "user" | "api_key" | "operator" | "system" | "anonymous";
  id?: string;
  label?: string;
}

/**
 * Who asks for an administrative change, for the rules that depend on it: a person's session (and whether it
 * stepped up: docs/api.md), an API key (acting for the admin who made it, never asked for a second factor), or support.
 */
export type Caller =
  | { kind: "operator" }
  /** `tokenHash`: the session's, so the org's object can ask whether it still stands as the edge saw it (access.ts). */
  | { kind: "session"; userId: string; steppedUp: boolean; tokenHash?: string }
  | { kind: "api_key"; userId: string };

/** Where a request came from, for the audit log. */
export interface RequestMeta {
  ip?: string;
  userAgent?: string;
  /** The caller's language (Accept-Language), remembered at sign-in for the user's emails. */
  lang?: "en" | "fr";
}

/** Where an action comes from, for the audit log. */
export interface Audited {
  actor: AuditActor;
  meta: RequestMeta;
}

/** Refusals of the rules on others' factors and roles (actions/access.ts). */
export type AccessFailure = "forbidden" | "step_up_required";

export interface OrgInfo {
  slug: string;
  name: string;
  jurisdiction: string | null;
  require2fa: boolean;
  /** Members must finish sign-in with a passkey (NIST SP 800-63B r4 phishing resistance). */
  requirePhishingResistant: boolean;
  totpPeriod: number;
}

export interface UserInfo {
  id: string;
  email: string;
  name: string;
  role: Role;
}

/** Outcome of the password step, decided inside the org's object. */
export type LoginStep =
  | { status: "authenticated" }
  | { status: "2fa_required"; challengeId: string; expiresAt: number; methods: SecondStepMethod[] }
  | { status: "enrollment_required"; challengeId: string; expiresAt: number };

/** What the second step of a sign-in accepts for a user (docs/api.md `methods`). */
export type SecondStepMethod = "totp" | "webauthn" | "recovery_code";
