// The signed-in user (docs/api.md, third table): a session cookie, or an API key for GET /api/me.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { requestEmailChange } from "../flows/email";
import { sendPairingLink } from "../flows/pairing";
import { changePassword } from "../flows/password";
import { endOwnSessions } from "../flows/people";
import { requireStepUp, stepUpPasskeyOptions } from "../flows/step-up";
import { confirmEnrollment, disableTwoFactor, regenerateRecoveryCodes, startEnrollment } from "../flows/two-factor";
import { auditActor, effectiveRole, ownSession, sessionOnly, signedIn } from "../http/actor";
import { setSessionCookie } from "../http/cookies";
import * as f from "../http/fields";
import { requestMeta } from "../http/meta";
import { json, validate } from "../http/validate";
import { orgStub } from "../org/stub";
import type { AuthenticationResponseJSON } from "../webauthn";

export const currentCodeBody = z.object({ code: f.totpCode });
/** A current code, or for a passkey user the answer to this session's step-up options (`webauthn`). */
export const currentFactorBody = z
  .object({ code: f.totpCode.optional(), webauthn: f.authenticationResponse.optional() })
  .refine((b) => b.code !== undefined || b.webauthn !== undefined, { message: "is required (or 'webauthn' instead)", path: ["code"] });
export const emailChangeBody = z.object({ email: f.email, ...f.stepUp });
export const passwordBody = z.object({ currentPassword: z.string().max(4096), newPassword: f.password });

const sessionParam = z.object({ id: f.id });

export const meRoutes = new Hono<AppEnv>()
  // Options for a passkey step-up: the answer goes in the step-up action's body as `webauthn`.
  .post("/step-up/passkey", async (c) => c.json(await stepUpPasskeyOptions(c.env, sessionOnly(c))))
  .get("/sessions", async (c) => {
    const actor = sessionOnly(c);
    const stub = orgStub(c.env, actor.route.slug, actor.route.jurisdiction);
    return c.json({ sessions: await stub.listSessions(actor.identity.user.id, actor.tokenHash) });
  })
  // "Sign out everywhere else": every session of the caller but this one.
  .post("/sessions/revoke-others", async (c) => {
    const actor = sessionOnly(c);
    const input = { userId: actor.identity.user.id, currentTokenHash: actor.tokenHash, meta: requestMeta(c) };
    await endOwnSessions(c.env, actor.route, input);
    return c.body(null, 204);
  })
  .delete("/sessions/:id", ownSession, validate("param", sessionParam), async (c) => {
    const actor = sessionOnly(c);
    const input = {
      userId: actor.identity.user.id,
      currentTokenHash: actor.tokenHash,
      sessionId: c.req.valid("param").id,
      meta: requestMeta(c),
    };
    await endOwnSessions(c.env, actor.route, input);
    return c.body(null, 204);
  })
  .post("/password", ownSession, json(passwordBody), async (c) => {
    const actor = sessionOnly(c);
    const body = c.req.valid("json");
    await changePassword(
      c.env,
      actor.route,
      {
        userId: actor.identity.user.id,
        currentPassword: body.currentPassword,
        newPassword: body.newPassword,
        keepSession: actor.tokenHash,
      },
      requestMeta(c),
    );
    return c.body(null, 204);
  })
  .post("/email", ownSession, json(emailChangeBody), async (c) => {
    const actor = sessionOnly(c);
    const { email, ...proof } = c.req.valid("json");
    const meta = requestMeta(c);
    // The address is how the account is found and recovered: changing it needs a recent second factor.
    await requireStepUp(c.env, actor, proof, meta);
    await requestEmailChange(c.env, actor.route, actor.identity.user, email, new URL(c.req.url).origin, meta, actor.tokenHash);
    return c.json({ status: "accepted" }, 202);
  })
  .get("/", (c) => {
    const { identity } = signedIn(c);
    return c.json({
      user: { ...identity.user, role: effectiveRole(identity), emailVerified: identity.emailVerified },
      org: { slug: identity.org.slug, name: identity.org.name, require2fa: identity.org.require2fa },
      twoFactor: { enabled: identity.twoFactor.enabled, recoveryCodesRemaining: identity.twoFactor.recoveryCodesRemaining },
      ...(identity.apiKey ? { apiKey: { id: identity.apiKey.id, name: identity.apiKey.name } } : {}),
    });
  })
  .post("/2fa/setup", ownSession, json(f.stepUpBody), async (c) => {
    const actor = sessionOnly(c);
    // A passkey user may add an authenticator app too (after a passkey step-up); a second app may not.
    if (actor.identity.twoFactor.period !== null) throw new ApiError("already_enrolled");
    // Binding an authenticator needs prior authentication (NIST SP 800-63B 6.1.2.1): a stale session re-proves it.
    await requireStepUp(c.env, actor, c.req.valid("json"), requestMeta(c), "enroll");
    return c.json(await startEnrollment(c.env, actor.route, actor.identity.user.id, actor.tokenHash));
  })
  .post("/2fa/confirm", ownSession, json(currentCodeBody), async (c) => {
    const actor = sessionOnly(c);
    const { recoveryCodes, sessionToken } = await confirmEnrollment(
      c.env,
      actor.route,
      actor.identity.user.id,
      c.req.valid("json").code,
      actor.tokenHash,
      requestMeta(c),
    );
    // A new session token with the new factor (docs/api.md): the old cookie no longer works.
    setSessionCookie(c, sessionToken);
    return c.json({ recoveryCodes });
  })
  .post("/2fa/pairing-link", async (c) => {
    // No step-up here, unlike setup: the link goes to the account's own mailbox, which is the second proof.
    const actor = sessionOnly(c);
    if (actor.identity.twoFactor.enabled) throw new ApiError("already_enrolled");
    const { route, identity } = actor;
    await sendPairingLink(c.env, route, identity.user.id, new URL(c.req.url).origin, auditActor(actor), requestMeta(c));
    return c.json({ status: "accepted" }, 202);
  })
  .get("/2fa/recovery-codes", async (c) => {
    const actor = sessionOnly(c);
    const status = await orgStub(c.env, actor.route.slug, actor.route.jurisdiction).recoveryCodesStatus(actor.identity.user.id);
    return c.json(status);
  })
  .post("/2fa/recovery-codes", ownSession, json(currentFactorBody), async (c) => {
    const actor = sessionOnly(c);
    const session = { route: actor.route, userId: actor.identity.user.id, tokenHash: actor.tokenHash, requestUrl: actor.requestUrl };
    const body = c.req.valid("json");
    const codes = await regenerateRecoveryCodes(
      c.env,
      session,
      { code: body.code, webauthn: body.webauthn as AuthenticationResponseJSON | undefined },
      requestMeta(c),
    );
    return c.json({ recoveryCodes: codes });
  })
  .post("/2fa/disable", ownSession, json(currentCodeBody), async (c) => {
    const actor = sessionOnly(c);
    // The org's object refuses (409 enforced_by_org) before any code is checked, unless a passkey keeps 2FA on.
    await disableTwoFactor(c.env, actor.route, actor.identity.user.id, c.req.valid("json").code, actor.tokenHash, requestMeta(c));
    return c.body(null, 204);
  });
