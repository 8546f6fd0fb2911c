// Invites and email links (docs/api.md, People): the admin's invite routes under /api/org/invites, and the routes
// that anyone holding a link may call (/api/invites/accept, /api/email/confirm). The link's token is the only
// credential of the latter; accepting an invite signs the new user in like POST /auth/login.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { followEmailLink } from "../flows/email";
import { acceptInvite, inviteUser, resendInvite, revokeInvite } from "../flows/invites";
import { callerOf } from "../flows/step-up";
import { adminOnly, auditActor } from "../http/actor";
import { setSessionCookie } from "../http/cookies";
import * as f from "../http/fields";
import { requestMeta } from "../http/meta";
import { json, validate } from "../http/validate";
import { orgStub } from "../org/stub";

export const inviteBody = z.object({
  email: f.email,
  role: f.role,
  name: f.personName.optional(),
  locale: z.enum(["en", "fr"]).optional(),
  // Step-up proof, needed by a session that invites an admin.
  ...f.stepUp,
});
export const linkToken = z.string().min(1).max(200);
export const acceptBody = z.object({ token: linkToken, password: f.password, name: f.personName.optional() });
export const emailLinkBody = z.object({ token: linkToken });
const idParam = z.object({ id: f.id });

const originOf = (url: string) => new URL(url).origin;

/** Mounted at /api/org/invites: an admin's session or an admin API key. */
export const orgInviteRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const actor = adminOnly(c);
    const invites = await orgStub(c.env, actor.route.slug, actor.route.jurisdiction).listInvites();
    return c.json({ invites: invites.map(({ id, email, role, createdAt, expiresAt }) => ({ id, email, role, createdAt, expiresAt })) });
  })
  .post("/", json(inviteBody), async (c) => {
    const actor = adminOnly(c);
    const { code, password, webauthn, ...input } = c.req.valid("json");
    const meta = requestMeta(c);
    const caller = await callerOf(c.env, actor, { code, password, webauthn }, meta);
    const invite = await inviteUser(c.env, actor.route, input, caller, auditActor(actor), meta, originOf(c.req.url));
    return c.json({ id: invite.id, email: invite.email, role: invite.role, expiresAt: invite.expiresAt }, 201);
  })
  .post("/:id/resend", validate("param", idParam), json(f.stepUpBody), async (c) => {
    const actor = adminOnly(c);
    const meta = requestMeta(c);
    const caller = await callerOf(c.env, actor, c.req.valid("json"), meta);
    const invite = await resendInvite(c.env, actor.route, c.req.valid("param").id, caller, auditActor(actor), meta, originOf(c.req.url));
    return c.json({ id: invite.id, email: invite.email, role: invite.role, expiresAt: invite.expiresAt });
  })
  .delete("/:id", validate("param", idParam), async (c) => {
    const actor = adminOnly(c);
    await revokeInvite(c.env, actor.route, c.req.valid("param").id, auditActor(actor), requestMeta(c));
    return c.body(null, 204);
  });

/** Mounted at /api: the link holder's routes. */
export const linkRoutes = new Hono<AppEnv>()
  .post("/invites/accept", json(acceptBody), async (c) => {
    const result = await acceptInvite(c.env, c.req.valid("json"), requestMeta(c));
    if (result.status === "authenticated") {
      setSessionCookie(c, result.sessionToken);
      return c.json({ status: "authenticated" });
    }
    return c.json({ status: result.status, challenge: result.challenge });
  })
  .post("/email/confirm", json(emailLinkBody), async (c) => {
    const done = await followEmailLink(c.env, c.req.valid("json").token, requestMeta(c));
    return c.json({ status: done.purpose === "verify" ? "verified" : "changed", email: done.email });
  });
