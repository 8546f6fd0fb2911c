// Org administration (docs/api.md, fourth table): an admin's session or an admin API key; technicians get 403.
import { Hono } from "hono";
import { z } from "zod";
import { API_KEY_DEFAULT_DAYS, API_KEY_MAX_DAYS, AUDIT_PAGE_MAX, USER_PAGE_DEFAULT, USER_PAGE_MAX } from "../constants";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { createUser } from "../flows/accounts";
import { patchUser, revokeApiKey, unlockUser, updateSettings } from "../flows/admin";
import { createApiKey } from "../flows/api-keys";
import { readAuditPage } from "../flows/audit";
import { sendPairingLink } from "../flows/pairing";
import { removeUser, revokeSessionsOf } from "../flows/people";
import { callerOf, requireStepUp } from "../flows/step-up";
import { resetTwoFactor } from "../flows/two-factor";
import { listUsers } from "../flows/user-list";
import { adminOnly, auditActor } from "../http/actor";
import { setSessionCookie } from "../http/cookies";
import * as f from "../http/fields";
import { requestMeta } from "../http/meta";
import { json, validate } from "../http/validate";
import { orgStub } from "../org/stub";
import { parseUserCursor } from "../org/users";
import type { SignedIn } from "../http/actor";

export const settingsBody = z.strictObject({
  require2fa: z.boolean().optional(),
  totpPeriod: f.totpPeriod.optional(),
  requirePhishingResistant: z.boolean().optional(),
  ...f.stepUp,
});
export const newUserBody = z.object({
  email: f.email,
  password: f.password,
  name: f.personName.optional(),
  role: f.role,
  // Step-up proof, needed by a session that makes someone an admin ('password' is the new user's, never a proof).
  code: f.stepUp.code,
  webauthn: f.stepUp.webauthn,
});
export const userPatchBody = z
  .strictObject({ role: f.role.optional(), name: f.personName.optional(), active: z.boolean().optional(), ...f.stepUp })
  .refine((b) => b.role !== undefined || b.name !== undefined || b.active !== undefined, {
    // "Field 'body' needs ...": the message follows the field's name (http/validate.ts).
    message: "needs at least one of 'role', 'name' or 'active'",
  });
export const apiKeyBody = z.object({
  name: f.shownName(100),
  role: f.role,
  expiresInDays: z.number().int().min(1).max(API_KEY_MAX_DAYS).optional(),
  ...f.stepUp,
});
const idParam = z.object({ id: f.id });
/** Users and compliance lists: a page after `cursor` (the last answer's nextCursor), searched by email or name. */
export const userPageQuery = z.object({
  cursor: z
    .string()
    .max(100)
    .refine((v) => parseUserCursor(v) !== null, "must be the nextCursor of an earlier answer of this list")
    .optional(),
  limit: z.coerce.number().int().min(1).max(USER_PAGE_MAX).optional(),
  q: z.string().trim().max(100).optional(),
});
/** The audit log's pages (also the Audit page's cursor): `before` is the last answer's nextBefore. */
export const auditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).optional(),
  before: z.coerce.number().int().min(1).optional(),
});

function stubOf(c: { env: AppEnv["Bindings"] }, actor: SignedIn) {
  return orgStub(c.env, actor.route.slug, actor.route.jurisdiction);
}

export const orgRoutes = new Hono<AppEnv>()
  .get("/settings", (c) => {
    const { identity } = adminOnly(c);
    const { require2fa, totpPeriod, requirePhishingResistant } = identity.org;
    return c.json({ require2fa, totpPeriod, requirePhishingResistant });
  })
  .patch("/settings", json(settingsBody), async (c) => {
    const actor = adminOnly(c);
    const { code, password, webauthn, ...settings } = c.req.valid("json");
    return c.json(await updateSettings(c.env, actor, settings, { code, password, webauthn }, auditActor(actor), requestMeta(c)));
  })
  .get("/compliance", validate("query", userPageQuery), async (c) => {
    const { cursor, limit, q } = c.req.valid("query");
    return c.json(await stubOf(c, adminOnly(c)).compliance({ cursor, limit: limit ?? USER_PAGE_DEFAULT, q: q || undefined }));
  })
  .get("/users", validate("query", userPageQuery), async (c) => {
    const actor = adminOnly(c);
    return c.json(await listUsers(c.env, actor.route, c.req.valid("query")));
  })
  .post("/users", json(newUserBody), async (c) => {
    const actor = adminOnly(c);
    const { code, webauthn, ...input } = c.req.valid("json");
    const meta = requestMeta(c);
    const caller = await callerOf(c.env, actor, { code, webauthn }, meta);
    const user = await createUser(c.env, actor.route, input, caller, auditActor(actor), meta, new URL(c.req.url).origin);
    return c.json(user, 201);
  })
  .patch("/users/:id", validate("param", idParam), json(userPatchBody), async (c) => {
    const actor = adminOnly(c);
    const { role, name, active, ...proof } = c.req.valid("json");
    const userId = c.req.valid("param").id;
    const changed = await patchUser(c.env, actor, { userId, role, name, active, proof }, auditActor(actor), requestMeta(c));
    // The caller changed their own role: their session token changes with it (docs/api.md).
    if (changed.sessionToken) setSessionCookie(c, changed.sessionToken);
    return c.json(changed.user);
  })
  .delete("/users/:id", validate("param", idParam), json(f.stepUpBody), async (c) => {
    const actor = adminOnly(c);
    const meta = requestMeta(c);
    const caller = await callerOf(c.env, actor, c.req.valid("json"), meta);
    await removeUser(c.env, actor.route, { userId: c.req.valid("param").id, caller, actor: auditActor(actor), meta });
    return c.body(null, 204);
  })
  .post("/users/:id/sessions/revoke", validate("param", idParam), async (c) => {
    const actor = adminOnly(c);
    const input = { userId: c.req.valid("param").id, actor: auditActor(actor), meta: requestMeta(c) };
    await revokeSessionsOf(c.env, actor.route, actor.kind === "session" ? { ...input, callerSession: actor.tokenHash } : input);
    return c.body(null, 204);
  })
  .post("/users/:id/2fa/reset", validate("param", idParam), json(f.stepUpBody), async (c) => {
    const actor = adminOnly(c);
    const meta = requestMeta(c);
    const caller = await callerOf(c.env, actor, c.req.valid("json"), meta);
    await resetTwoFactor(c.env, actor.route, c.req.valid("param").id, caller, auditActor(actor), meta);
    return c.body(null, 204);
  })
  .post("/users/:id/unlock", validate("param", idParam), json(f.stepUpBody), async (c) => {
    const actor = adminOnly(c);
    const meta = requestMeta(c);
    const caller = await callerOf(c.env, actor, c.req.valid("json"), meta);
    await unlockUser(c.env, actor.route, c.req.valid("param").id, caller, auditActor(actor), meta);
    return c.body(null, 204);
  })
  .post("/users/:id/2fa/pairing-link", validate("param", idParam), async (c) => {
    const actor = adminOnly(c);
    const origin = new URL(c.req.url).origin;
    // 202 whatever the id: unknown, enrolled and not-enrolled users answer alike (the mail goes only to the last).
    await sendPairingLink(c.env, actor.route, c.req.valid("param").id, origin, auditActor(actor), requestMeta(c));
    return c.json({ status: "accepted" }, 202);
  })
  .get("/api-keys", async (c) => {
    const keys = await stubOf(c, adminOnly(c)).listApiKeys();
    return c.json({
      apiKeys: keys.map(({ id, name, role, createdAt, lastUsedAt, expiresAt, createdBy }) => ({
        id,
        name,
        role,
        createdAt,
        lastUsedAt,
        expiresAt,
        createdBy,
      })),
    });
  })
  .post("/api-keys", json(apiKeyBody), async (c) => {
    const actor = adminOnly(c);
    // A key is a lasting credential that is never asked for a second factor: keys cannot make keys.
    if (actor.kind !== "session") throw new ApiError("forbidden", "API keys are created from a signed-in session, not with an API key.");
    const { name, role, expiresInDays, ...proof } = c.req.valid("json");
    const meta = requestMeta(c);
    await requireStepUp(c.env, actor, proof, meta);
    const input = {
      name,
      role,
      createdBy: actor.identity.user.id,
      expiresInDays: expiresInDays ?? API_KEY_DEFAULT_DAYS,
      sessionTokenHash: actor.tokenHash,
    };
    return c.json(await createApiKey(c.env, actor.route, input, auditActor(actor), meta), 201);
  })
  .delete("/api-keys/:id", validate("param", idParam), async (c) => {
    const actor = adminOnly(c);
    await revokeApiKey(c.env, actor.route, c.req.valid("param").id, auditActor(actor), requestMeta(c));
    return c.body(null, 204);
  })
  .get("/audit", validate("query", auditQuery), async (c) => {
    const actor = adminOnly(c);
    return c.json(await readAuditPage(c.env, actor.route, c.req.valid("query")));
  })
  .get("/mail", async (c) => {
    // What the org's mail became (sent, queued with its last error, failed): no bodies, no links.
    const outbox = await stubOf(c, adminOnly(c)).mailOutbox();
    return c.json({
      messages: outbox.map(({ id, kind, to, subject, createdAt, attempts, status, lastError }) => ({
        id,
        kind,
        to,
        subject,
        createdAt: new Date(createdAt).toISOString(),
        attempts,
        status,
        lastError,
      })),
      failed: outbox.filter((m) => m.status === "failed").length,
    });
  });
