// Registering OpenID clients: the operator's platform clients (any org's users) and an org admin's own clients
// (that org's users only; flows/oidc-clients.ts, shared with the Applications page).
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { registerApplication, revokeApplication } from "../flows/oidc-clients";
import { adminOnly, requireOperator } from "../http/actor";
import * as f from "../http/fields";
import { requestMeta } from "../http/meta";
import { json, validate } from "../http/validate";
import { orgStub } from "../org/stub";
import { findClient, registerPlatformClient, revokePlatformClient } from "./clients";
import { clientBody } from "./registration";

const idParam = z.object({ id: z.string().min(1).max(200) });

export const platformClientRoutes = new Hono<AppEnv>()
  .use("*", requireOperator)
  .post("/", json(clientBody), async (c) => {
    const { name, type, redirectUris, postLogoutRedirectUris } = c.req.valid("json");
    return c.json(await registerPlatformClient(c.env, { name, type, redirectUris, postLogoutRedirectUris }), 201);
  })
  .get("/:id", validate("param", idParam), async (c) => {
    const client = await findClient(c.env, c.req.valid("param").id);
    if (!client || client.orgSlug !== null) throw new ApiError("not_found", "No such client.");
    const { secretHash: _, ...shown } = client;
    return c.json(shown);
  })
  .delete("/:id", validate("param", idParam), async (c) => {
    if (!(await revokePlatformClient(c.env, c.req.valid("param").id))) throw new ApiError("not_found", "No such client.");
    return c.body(null, 204);
  });

export const orgClientRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const actor = adminOnly(c);
    return c.json({ clients: await orgStub(c.env, actor.route.slug, actor.route.jurisdiction).listOidcClients() });
  })
  .post("/", json(clientBody), async (c) => {
    const actor = adminOnly(c);
    const { name, type, redirectUris, postLogoutRedirectUris, ...proof } = c.req.valid("json");
    const reg = { name, type, redirectUris, postLogoutRedirectUris };
    return c.json(await registerApplication(c.env, actor, reg, proof, requestMeta(c)), 201);
  })
  .delete("/:id", validate("param", idParam), json(f.stepUpBody), async (c) => {
    const actor = adminOnly(c);
    await revokeApplication(c.env, actor, c.req.valid("param").id, c.req.valid("json"), requestMeta(c));
    return c.body(null, 204);
  });
