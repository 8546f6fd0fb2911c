// GET /api/openapi.json: the HTTP contract as OpenAPI 3.1, request bodies generated from the same zod schemas
// the routes validate with, so the document cannot drift from what is enforced.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import * as f from "../http/fields";
import { codeBody, enrollBody, loginBody, recoveryBody } from "./auth";
import { acceptBody, emailLinkBody, inviteBody } from "./invites";
import { currentCodeBody, currentFactorBody, emailChangeBody, passwordBody } from "./me";
import { apiKeyBody, newUserBody, settingsBody, userPatchBody } from "./org";
import { pairConfirmBody, pairingLinkBody, pairSetupBody } from "./pairing";
import { addPasskeyBody, enrollPasskeyBody, passkeyOptionsBody, passkeyStepBody, passwordlessBody, renamePasskeyBody } from "./passkeys";
import { createOrgBody } from "./platform";
import { OIDC_ENDPOINTS } from "../oidc/openapi";

type Auth = "none" | "session" | "session_or_key" | "admin" | "platform";

export interface Endpoint {
  method: "get" | "post" | "patch" | "delete";
  path: string;
  summary: string;
  auth: Auth;
  body?: z.ZodType;
  ok: number;
  errors?: number[];
}

const ENDPOINTS: Endpoint[] = [
  {
    method: "post",
    path: "/api/platform/orgs",
    summary: "Create an org and its first admin (operator)",
    auth: "platform",
    body: createOrgBody,
    ok: 201,
    errors: [400, 401, 409, 429],
  },
  {
    method: "get",
    path: "/api/platform/orgs/{slug}",
    summary: "An org's state (operator): active with its name, or deleting / deleted with the progress of freeing its emails",
    auth: "platform",
    ok: 200,
    errors: [400, 401, 404, 429],
  },
  {
    method: "delete",
    path: "/api/platform/orgs/{slug}",
    summary:
      "Delete an org (operator): it stops answering at once, its data is erased, its emails and then its slug are freed in the background",
    auth: "platform",
    ok: 202,
    errors: [400, 401, 404, 429],
  },
  {
    method: "post",
    path: "/api/platform/orgs/{slug}/users/{id}/2fa/reset",
    summary: "Reset a user's 2FA (operator)",
    auth: "platform",
    ok: 204,
    errors: [401, 404, 429],
  },
  {
    method: "delete",
    path: "/api/platform/orgs/{slug}/users/{id}",
    summary: "Remove a user, the last admin included (operator); frees the email for any org",
    auth: "platform",
    ok: 204,
    errors: [401, 404, 429],
  },
  {
    method: "post",
    path: "/auth/login",
    summary: "Password step; answers authenticated, 2fa_required or enrollment_required",
    auth: "none",
    body: loginBody,
    ok: 200,
    errors: [400, 401, 429],
  },
  {
    method: "post",
    path: "/auth/login/2fa",
    summary: "TOTP step of a 2fa_required challenge",
    auth: "none",
    body: codeBody,
    ok: 200,
    errors: [400, 401, 429],
  },
  {
    method: "post",
    path: "/auth/login/recovery",
    summary: "Recovery-code step of a 2fa_required challenge",
    auth: "none",
    body: recoveryBody,
    ok: 200,
    errors: [400, 401, 429],
  },
  {
    method: "post",
    path: "/auth/login/enroll",
    summary: "Start forced enrollment with an enrollment_required challenge",
    auth: "none",
    body: enrollBody,
    ok: 200,
    errors: [400, 401],
  },
  {
    method: "post",
    path: "/auth/login/enroll/confirm",
    summary: "Confirm forced enrollment; returns recovery codes and the session",
    auth: "none",
    body: codeBody,
    ok: 200,
    errors: [400, 401],
  },
  { method: "post", path: "/auth/logout", summary: "Revoke the session", auth: "none", ok: 204 },
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
    summary: "End one of one's own sessions (another user's id: 404)",
    auth: "session",
    ok: 204,
    errors: [401, 404],
  },
  {
    method: "post",
    path: "/api/me/sessions/revoke-others",
    summary: "Sign out everywhere else: every session of the caller but this one",
    auth: "session",
    ok: 204,
    errors: [401],
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
  { method: "get", path: "/api/me/passkeys", summary: "The signed-in user's passkeys", auth: "session", ok: 200, errors: [401, 403] },
  {
    method: "post",
    path: "/api/me/step-up/passkey",
    summary:
      "WebAuthn assertion options for a passkey step-up (single-use, bound to this session); the answer goes in a step-up action's body as webauthn",
    auth: "session",
    ok: 200,
    errors: [400, 401, 403, 409],
  },
  {
    method: "post",
    path: "/auth/login/enroll/passkey/options",
    summary: "Registration options for the passkey an enrollment_required challenge must add (org requires phishing-resistant sign-in)",
    auth: "none",
    body: passkeyOptionsBody,
    ok: 200,
    errors: [400, 401],
  },
  {
    method: "post",
    path: "/auth/login/enroll/passkey",
    summary: "Add the passkey that answers the enrollment options and sign in; the first second factor brings recovery codes",
    auth: "none",
    body: enrollPasskeyBody,
    ok: 200,
    errors: [400, 401, 409],
  },
  {
    method: "post",
    path: "/api/me/passkeys/options",
    summary: "WebAuthn registration options for a new passkey (step-up)",
    auth: "session",
    body: f.stepUpBody,
    ok: 200,
    errors: [400, 401, 403, 429],
  },
  {
    method: "post",
    path: "/api/me/passkeys",
    summary: "Add the passkey that answers the registration options; the first second factor brings recovery codes",
    auth: "session",
    body: addPasskeyBody,
    ok: 201,
    errors: [400, 401, 403, 409],
  },
  {
    method: "patch",
    path: "/api/me/passkeys/{id}",
    summary: "Rename one of one's passkeys",
    auth: "session",
    body: renamePasskeyBody,
    ok: 200,
    errors: [400, 401, 403, 404],
  },
  {
    method: "delete",
    path: "/api/me/passkeys/{id}",
    summary: "Remove one of one's passkeys (step-up; not the last second factor while the org requires 2FA)",
    auth: "session",
    body: f.stepUpBody,
    ok: 204,
    errors: [400, 401, 403, 404, 409, 429],
  },
  {
    method: "post",
    path: "/auth/login/passkey/options",
    summary: "WebAuthn assertion options for the passkey step of a 2fa_required challenge",
    auth: "none",
    body: passkeyOptionsBody,
    ok: 200,
    errors: [400, 401],
  },
  {
    method: "post",
    path: "/auth/login/passkey",
    summary: "Passkey step of a 2fa_required challenge",
    auth: "none",
    body: passkeyStepBody,
    ok: 200,
    errors: [400, 401, 423, 429],
  },
  {
    method: "post",
    path: "/auth/passkey/options",
    summary: "WebAuthn options for signing in with a passkey alone (discoverable, user verification required)",
    auth: "none",
    ok: 200,
    errors: [400],
  },
  {
    method: "post",
    path: "/auth/passkey",
    summary: "Sign in with a passkey alone",
    auth: "none",
    body: passwordlessBody,
    ok: 200,
    errors: [400, 401, 423, 429],
  },
  { method: "get", path: "/api/org/settings", summary: "Org security settings", auth: "admin", ok: 200, errors: [401, 403] },
  {
    method: "patch",
    path: "/api/org/settings",
    summary: "Require 2FA; code period for new enrollments (30 or 60 s)",
    auth: "admin",
    body: settingsBody,
    ok: 200,
    errors: [400, 401, 403],
  },
  {
    method: "get",
    path: "/api/org/compliance",
    summary: "Who has 2FA and who still has to enroll (notEnrolled paged: ?cursor=<nextCursor>&limit=1..500&q=<email or name>)",
    auth: "admin",
    ok: 200,
    errors: [400, 401, 403],
  },
  {
    method: "get",
    path: "/api/org/users",
    summary: "Users with their 2FA status, oldest first, paged (?cursor=<nextCursor>&limit=1..500&q=<email or name>)",
    auth: "admin",
    ok: 200,
    errors: [400, 401, 403],
  },
  {
    method: "post",
    path: "/api/org/users",
    summary: "Add a user",
    auth: "admin",
    body: newUserBody,
    ok: 201,
    errors: [400, 401, 403, 409],
  },
  {
    method: "patch",
    path: "/api/org/users/{id}",
    summary:
      "Change a user's role (revokes their sessions and their keys above the new role; the last admin stays admin), name, or active (false: sessions, keys, challenges and links die at once; not oneself, not the last active admin); role changes and an admin's deactivation: step-up",
    auth: "admin",
    body: userPatchBody,
    ok: 200,
    errors: [400, 401, 403, 404, 409],
  },
  {
    method: "delete",
    path: "/api/org/users/{id}",
    summary: "Remove a user and their credentials, freeing the email; not oneself, not the last admin; an admin: step-up",
    auth: "admin",
    body: f.stepUpBody,
    ok: 204,
    errors: [401, 403, 404, 409, 429],
  },
  {
    method: "post",
    path: "/api/org/users/{id}/sessions/revoke",
    summary: "End every session of a user (who is mailed)",
    auth: "admin",
    ok: 204,
    errors: [401, 403, 404],
  },
  {
    method: "post",
    path: "/api/org/users/{id}/2fa/reset",
    summary: "Reset a user's 2FA (lost phone); never one's own; another admin's: step-up, never by API key",
    auth: "admin",
    body: f.stepUpBody,
    ok: 204,
    errors: [401, 403, 404, 429],
  },
  {
    method: "post",
    path: "/api/org/users/{id}/unlock",
    summary: "Lift a user's locks, the lasting one included (same rules as a 2FA reset)",
    auth: "admin",
    body: f.stepUpBody,
    ok: 204,
    errors: [401, 403, 404, 429],
  },
  {
    method: "post",
    path: "/api/org/users/{id}/2fa/pairing-link",
    summary: "Mail a user without 2FA a setup link (at most once a minute); 202 whatever the user",
    auth: "admin",
    ok: 202,
    errors: [400, 401, 403],
  },
  { method: "get", path: "/api/org/api-keys", summary: "API keys (never the key itself)", auth: "admin", ok: 200, errors: [401, 403] },
  {
    method: "post",
    path: "/api/org/api-keys",
    summary: "Create an API key (expires; shown this once); step-up; never with an API key",
    auth: "admin",
    body: apiKeyBody,
    ok: 201,
    errors: [400, 401, 403, 429],
  },
  {
    method: "delete",
    path: "/api/org/api-keys/{id}",
    summary: "Revoke an API key at once",
    auth: "admin",
    ok: 204,
    errors: [401, 403, 404],
  },
  {
    method: "get",
    path: "/api/org/audit",
    summary: "Audit log, newest first (?limit=1..200&before=<id>)",
    auth: "admin",
    ok: 200,
    errors: [400, 401, 403],
  },
  {
    method: "get",
    path: "/api/org/mail",
    summary: "The org's outgoing mail, newest first: status (queued, sent, failed), attempts and last error; no bodies",
    auth: "admin",
    ok: 200,
    errors: [401, 403],
  },
  {
    method: "post",
    path: "/api/pairing-link",
    summary: "Retired: sends nothing (links come from a signed-in user's Account page or an admin); always 202",
    auth: "none",
    body: pairingLinkBody,
    ok: 202,
    errors: [400],
  },
  {
    method: "post",
    path: "/api/pair/{token}/setup",
    summary: "Start TOTP setup from a pairing link; needs the account's password (a wrong one counts toward the lockout)",
    auth: "none",
    body: pairSetupBody,
    ok: 200,
    errors: [400, 401, 404, 409, 429],
  },
  {
    method: "post",
    path: "/api/pair/{token}/confirm",
    summary: "Confirm the setup made through this link with a code; returns 10 recovery codes and spends the link",
    auth: "none",
    body: pairConfirmBody,
    ok: 200,
    errors: [400, 401, 404, 409, 429],
  },
  {
    method: "post",
    path: "/api/org/invites",
    summary: "Invite an email with a role (an admin: step-up, never a key); mails a single-use link valid 7 days",
    auth: "admin",
    body: inviteBody,
    ok: 201,
    errors: [400, 401, 403, 409],
  },
  { method: "get", path: "/api/org/invites", summary: "Pending invites", auth: "admin", ok: 200, errors: [401, 403] },
  {
    method: "post",
    path: "/api/org/invites/{id}/resend",
    summary: "Mail a new link for a pending invite (7 days from now); the old link dies",
    auth: "admin",
    body: f.stepUpBody,
    ok: 200,
    errors: [400, 401, 403, 404],
  },
  {
    method: "delete",
    path: "/api/org/invites/{id}",
    summary: "Revoke a pending invite; its link dies",
    auth: "admin",
    ok: 204,
    errors: [401, 403, 404],
  },
  {
    method: "post",
    path: "/api/invites/accept",
    summary: "Accept an invite: creates the account, then as POST /auth/login (authenticated + cookie, or enrollment_required)",
    auth: "none",
    body: acceptBody,
    ok: 200,
    errors: [400, 401, 409],
  },
  {
    method: "post",
    path: "/api/me/email",
    summary: "Change one's email (step-up): a link goes to the new address, the old one is told; nothing changes until it is followed",
    auth: "session",
    body: emailChangeBody,
    ok: 202,
    errors: [400, 401, 403, 409, 429],
  },
  {
    method: "post",
    path: "/api/email/confirm",
    summary: "Follow an email link: verifies the address (status verified) or completes a change of address (status changed)",
    auth: "none",
    body: emailLinkBody,
    ok: 200,
    errors: [400, 401, 409],
  },
  { method: "get", path: "/api/openapi.json", summary: "This document", auth: "none", ok: 200 },
  {
    method: "get",
    path: "/healthz",
    summary: "Deployment check: {ok: true}, or 503 {ok: false, problems} with one sentence per missing or bad variable",
    auth: "none",
    ok: 200,
  },
  ...OIDC_ENDPOINTS,
];

const SECURITY: Record<Auth, Record<string, string[]>[]> = {
  none: [],
  session: [{ session: [] }],
  session_or_key: [{ session: [] }, { apiKey: [] }],
  admin: [{ session: [] }, { apiKey: [] }],
  platform: [{ platformToken: [] }],
};

const errorSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: { type: "object", required: ["code", "message"], properties: { code: { type: "string" }, message: { type: "string" } } },
  },
};

function buildDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const e of ENDPOINTS) {
    const params = [...e.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    const responses: Record<string, unknown> = { [e.ok]: { description: e.ok === 204 ? "No content" : "OK" } };
    // Every writing route answers a body that is not JSON with 415 (src/http/content-type.ts).
    for (const s of [...(e.errors ?? []), ...(e.method === "get" ? [] : [415])])
      responses[s] = { description: "Error", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
    paths[e.path] ??= {};
    (paths[e.path] as Record<string, unknown>)[e.method] = {
      summary: e.summary,
      security: SECURITY[e.auth],
      ...(params.length ? { parameters: params } : {}),
      ...(e.body
        ? {
            requestBody: {
              required: true,
              content: { "application/json": { schema: z.toJSONSchema(e.body, { io: "input", unrepresentable: "any" }) } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Gatehouse",
      version: "1",
      description:
        "Login and two-factor authentication. Errors are {error: {code, message}}; 429 carries Retry-After. Bodies are " +
        "application/json (anything else: 415 unsupported_media_type); every answer carries Cache-Control: no-store.",
    },
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: {
        session: { type: "apiKey", in: "cookie", name: "__Host-session" },
        apiKey: { type: "http", scheme: "bearer", description: "An org API key (never asked for a second factor)" },
        platformToken: { type: "http", scheme: "bearer", description: "The operator's PLATFORM_TOKEN" },
      },
    },
  };
}

let cached: ReturnType<typeof buildDocument> | undefined;

export const openApiRoutes = new Hono<AppEnv>().get("/openapi.json", (c) => {
  cached ??= buildDocument();
  return c.json(cached);
});
