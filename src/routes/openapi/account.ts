// The signed-in user's own account: identity, sessions, password and authenticator-app 2FA.
// Part of GET /api/openapi.json (./index.ts); the order of the entries is the document's.
import type { Endpoint } from "./endpoint";
import * as f from "../../http/fields";
import { currentCodeBody, currentFactorBody, passwordBody } from "../me";

export const ACCOUNT_ENDPOINTS: Endpoint[] = [
  { method: "get", path: "/api/me", summary: "The signed-in user, org and 2FA status", auth: "session_or_key", ok: 200, errors: [401] },
  {
    method: "get",
    path: "/api/me/sessions",
    summary: "One's own sessions: {sessions: [{id, createdAt, lastSeenAt, userAgent, current}]}; the id is opaque",
    auth: "session",
    ok: 200,
    errors: [401],
  },
  {
    method: "delete",
    path: "/api/me/sessions/{id}",
    summary: "End one of one's own sessions (another user's id: 404; another session from a session closed by a later first factor: 403)",
    auth: "session",
    ok: 204,
    errors: [401, 403, 404],
  },
  {
    method: "post",
    path: "/api/me/sessions/revoke-others",
    summary: "Sign out everywhere else: every session of the caller but this one (403 from a session closed by a later first factor)",
    auth: "session",
    ok: 204,
    errors: [401, 403],
  },
  {
    method: "post",
    path: "/api/me/password",
    summary: "Change one's password; revokes every other session; a wrong current password counts toward the lockout",
    auth: "session",
    body: passwordBody,
    ok: 204,
    errors: [400, 401, 403, 423, 429],
  },
  {
    method: "post",
    path: "/api/me/2fa/setup",
    summary: "Start TOTP enrollment (secret, otpauth URI, QR code); step-up: a stale session sends its password",
    auth: "session",
    body: f.stepUpBody,
    ok: 200,
    errors: [401, 403, 409],
  },
  {
    method: "post",
    path: "/api/me/2fa/confirm",
    summary: "Confirm enrollment with a code; returns 10 recovery codes",
    auth: "session",
    body: currentCodeBody,
    ok: 200,
    errors: [400, 401, 409],
  },
  {
    method: "post",
    path: "/api/me/2fa/pairing-link",
    summary: "Mail the signed-in user a link to set up 2FA on another device",
    auth: "session",
    ok: 202,
    errors: [401, 403, 409],
  },
  { method: "get", path: "/api/me/2fa/recovery-codes", summary: "Recovery code counts", auth: "session", ok: 200, errors: [401] },
  {
    method: "post",
    path: "/api/me/2fa/recovery-codes",
    summary: "New recovery codes for a current TOTP code, or a passkey assertion (webauthn) answering /api/me/step-up/passkey",
    auth: "session",
    body: currentFactorBody,
    ok: 200,
    errors: [400, 401, 429],
  },
  {
    method: "post",
    path: "/api/me/2fa/disable",
    summary: "Turn 2FA off with a current TOTP code",
    auth: "session",
    body: currentCodeBody,
    ok: 204,
    errors: [400, 401, 409, 429],
  },
];
