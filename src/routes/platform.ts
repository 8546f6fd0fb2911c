// Operator ("support") endpoints: Bearer PLATFORM_TOKEN (docs/api.md, first table).
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv, Env } from "../env";
import { ApiError } from "../errors";
import { createOrg, createUser } from "../flows/accounts";
import { slugClaim } from "../directory/names";
import { deleteOrg, orgStatus } from "../flows/org-deletion";
import { removeUser } from "../flows/people";
import { resetTwoFactor } from "../flows/two-factor";
import { listUsers } from "../flows/user-list";
import { auditActor, requireOperator } from "../http/actor";
import type { Route } from "../http/credentials";
import * as f from "../http/fields";
import { requestMeta } from "../http/meta";
import { json, validate } from "../http/validate";
import { userPageQuery } from "./org";

export const createOrgBody = z.object({
  slug: f.slug,
  name: f.shownName(200),
  jurisdiction: f.jurisdiction.optional(),
  admin: z.object({ email: f.email, password: f.password, name: f.personName.optional() }),
});

const resetParams = z.object({ slug: f.slug, id: f.id });
export const platformUserBody = z.object({ email: f.email, password: f.password, name: f.personName.optional(), role: f.role });
const slugParams = z.object({ slug: f.slug });

/** Where the org of this slug lives; 404 for a slug that names no org (never used, or its org being deleted). */
async function orgRoute(env: Env, slug: string): Promise<Route> {
  const claim = await slugClaim(env, slug).lookup();
  if (!claim) throw new ApiError("not_found", "No org has this slug.");
  return { slug, jurisdiction: claim.jurisdiction };
}

export const platformRoutes = new Hono<AppEnv>()
  .use("*", requireOperator)
  .post("/orgs", json(createOrgBody), async (c) => {
    const body = c.req.valid("json");
    const created = await createOrg(
      c.env,
      { slug: body.slug, name: body.name, jurisdiction: body.jurisdiction ?? null, admin: body.admin },
      auditActor(c.get("actor")),
      requestMeta(c),
    );
    return c.json(created, 201);
  })
  .get("/orgs/:slug", validate("param", slugParams), async (c) => {
    const status = await orgStatus(c.env, c.req.valid("param").slug);
    if (!status) throw new ApiError("not_found", "No org has this slug.");
    return c.json(status);
  })
  .delete("/orgs/:slug", validate("param", slugParams), async (c) => {
    const status = await deleteOrg(c.env, c.req.valid("param").slug, auditActor(c.get("actor")), requestMeta(c));
    return c.json(status, 202);
  })
  // Support finds a user by email or name (`q`), e.g. the sole admin who lost their phone, then resets their 2FA by id:
  // the admin's own list (GET /api/org/users), same query and same answer.
  .get("/orgs/:slug/users", validate("param", slugParams), validate("query", userPageQuery), async (c) => {
    const route = await orgRoute(c.env, c.req.valid("param").slug);
    return c.json(await listUsers(c.env, route, c.req.valid("query")));
  })
  // Support adds people too: an org whose last admin left (or was removed below) gets a new one this way. The
  // address is unverified, and a link mailed to it verifies it, as when an admin adds someone.
  .post("/orgs/:slug/users", validate("param", slugParams), json(platformUserBody), async (c) => {
    const { slug } = c.req.valid("param");
    const route = await orgRoute(c.env, slug);
    const actor = auditActor(c.get("actor"));
    const user = await createUser(
      c.env,
      route,
      c.req.valid("json"),
      { kind: "operator" },
      actor,
      requestMeta(c),
      new URL(c.req.url).origin,
    );
    return c.json(user, 201);
  })
  .post("/orgs/:slug/users/:id/2fa/reset", validate("param", resetParams), async (c) => {
    const { slug, id } = c.req.valid("param");
    const route = await orgRoute(c.env, slug);
    await resetTwoFactor(c.env, route, id, { kind: "operator" }, auditActor(c.get("actor")), requestMeta(c));
    return c.body(null, 204);
  })
  // Support removes anyone, the last admin included: e.g. an address that the wrong org claimed.
  .delete("/orgs/:slug/users/:id", validate("param", resetParams), async (c) => {
    const { slug, id } = c.req.valid("param");
    const route = await orgRoute(c.env, slug);
    await removeUser(c.env, route, { userId: id, caller: { kind: "operator" }, actor: auditActor(c.get("actor")), meta: requestMeta(c) });
    return c.body(null, 204);
  });
