// Org administration (API.md, fourth table): an admin's session or an admin API key; technicians get 403.
import { Hono } from "hono";
import { z } from "zod";
import { AUDIT_PAGE_DEFAULT, AUDIT_PAGE_MAX } from "../constants";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { createUser } from "../flows/accounts";
import { createApiKey } from "../flows/api-keys";
import { unwrap } from "../flows/outcomes";
import { sendPairingLink } from "../flows/pairing";
import { resetTwoFactor } from "../flows/two-factor";
import { adminOnly, auditActor } from "../http/actor";
import * as f from "../http/fields";
import { requestMeta } from "../http/meta";
import { json, validate } from "../http/validate";
import { orgStub } from "../org/stub";
import type { SignedIn } from "../http/actor";

export const settingsBody = z.strictObject({ require2fa: z.boolean().optional(), totpPeriod: f.totpPeriod.optional() });
export const newUserBody = z.object({ email: f.email, password: f.password, name: f.personName.optional(), role: f.role });
export const userPatchBody = z.strictObject({ role: f.role });
export const apiKeyBody = z.object({ name: z.string().trim().min(1).max(100), role: f.role });
const idParam = z.object({ id: f.id });
const auditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).optional(),
  before: z.coerce.number().int().min(1).optional(),
});

function stubOf(c: { env: AppEnv["Bindings"] }, actor: SignedIn) {
  return orgStub(c.env, actor.route.slug, actor.route.jurisdiction);
}

export const orgRoutes = new Hono<AppEnv>()
  .get("/settings", (c) => {
    const { identity } = adminOnly(c);
    return c.json({ require2fa: identity.org.require2fa, totpPeriod: identity.org.totpPeriod });
  })
  .patch("/settings", json(settingsBody), async (c) => {
    const actor = adminOnly(c);
    const result = await stubOf(c, actor).updateSettings({ ...c.req.valid("json"), actor: auditActor(actor), meta: requestMeta(c) });
    return c.json(unwrap(result));
  })
  .get("/compliance", async (c) => c.json(await stubOf(c, adminOnly(c)).compliance()))
  .get("/users", async (c) => {
    const users = await stubOf(c, adminOnly(c)).listUsers();
    return c.json({ users: users.map(({ id, email, name, role, twoFactorEnabled }) => ({ id, email, name, role, twoFactorEnabled })) });
  })
  .post("/users", json(newUserBody), async (c) => {
    const actor = adminOnly(c);
    const user = await createUser(c.env, actor.route, c.req.valid("json"), auditActor(actor), requestMeta(c));
    return c.json(user, 201);
  })
  .patch("/users/:id", validate("param", idParam), json(userPatchBody), async (c) => {
    const actor = adminOnly(c);
    const result = await stubOf(c, actor).changeRole({
      userId: c.req.valid("param").id,
      role: c.req.valid("json").role,
      actor: auditActor(actor),
      meta: requestMeta(c),
    });
    if (!result.ok && result.reason === "conflict") throw new ApiError("conflict", "An org must keep at least one admin.");
    return c.json(unwrap(result));
  })
  .post("/users/:id/2fa/reset", validate("param", idParam), async (c) => {
    const actor = adminOnly(c);
    await resetTwoFactor(c.env, actor.route, c.req.valid("param").id, auditActor(actor), requestMeta(c));
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
    return c.json({ apiKeys: keys.map(({ id, name, role, createdAt, lastUsedAt }) => ({ id, name, role, createdAt, lastUsedAt })) });
  })
  .post("/api-keys", json(apiKeyBody), async (c) => {
    const actor = adminOnly(c);
    const body = c.req.valid("json");
    const key = await createApiKey(
      c.env,
      actor.route,
      { name: body.name, role: body.role, createdBy: actor.identity.user.id },
      auditActor(actor),
      requestMeta(c),
    );
    return c.json(key, 201);
  })
  .delete("/api-keys/:id", validate("param", idParam), async (c) => {
    const actor = adminOnly(c);
    unwrap(await stubOf(c, actor).revokeApiKey({ id: c.req.valid("param").id, actor: auditActor(actor), meta: requestMeta(c) }));
    return c.body(null, 204);
  })
  .get("/audit", validate("query", auditQuery), async (c) => {
    const actor = adminOnly(c);
    const q = c.req.valid("query");
    const events = await stubOf(c, actor).auditEvents(q.limit ?? AUDIT_PAGE_DEFAULT, q.before);
    const last = events.at(-1);
    return c.json({ events, ...(last && events.length === (q.limit ?? AUDIT_PAGE_DEFAULT) ? { nextBefore: last.id } : {}) });
  });
