// Passkeys (docs/api.md "Passkeys (v2)" and "Gatehouse additions"): a signed-in user's own, and the passkey step
// of a sign-in. WebAuthn answers are checked for shape here and verified in the org's object.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import {
  enrollPasskeyAtSignIn,
  finishPasskeyRegistration,
  passkeyEnrollmentOptions,
  passkeyStepOptions,
  removePasskey,
  signInWithPasskeyStep,
  startPasskeyRegistration,
} from "../flows/passkeys";
import { unwrap } from "../flows/outcomes";
import { passwordlessOptions, signInWithPasskey } from "../flows/passwordless";
import { requireStepUp } from "../flows/step-up";
import { ownSession, sessionOnly } from "../http/actor";
import { setSessionCookie } from "../http/cookies";
import * as f from "../http/fields";
import { requestMeta } from "../http/meta";
import { json } from "../http/validate";
import { orgStub } from "../org/stub";
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "../webauthn";

export const { registrationResponse, authenticationResponse } = f;

/**
 * A passkey's name is shown to its owner and quoted in the mail that warns them one was added: no line breaks or
 * other control characters, no bidirectional overrides, which would let whoever added it dress up that warning.
 */
export const passkeyName = f.shownName(100);
/** A passkey added without a name through the API is called this; the pages name it after the browser. */
export const DEFAULT_PASSKEY_NAME = "Passkey";
export const addPasskeyBody = z.object({ name: passkeyName.optional(), response: registrationResponse });
export const renamePasskeyBody = z.object({ name: passkeyName });
export const passkeyStepBody = z.object({ challenge: f.challenge, response: authenticationResponse });
export const passkeyOptionsBody = z.object({ challenge: f.challenge });
export const passwordlessBody = z.object({ response: authenticationResponse });
export const enrollPasskeyBody = z.object({ challenge: f.challenge, name: passkeyName.optional(), response: registrationResponse });

export const mePasskeyRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const actor = sessionOnly(c);
    const passkeys = await orgStub(c.env, actor.route.slug, actor.route.jurisdiction).listPasskeys(actor.identity.user.id);
    return c.json({ passkeys });
  })
  .post("/options", ownSession, json(f.stepUpBody), async (c) => {
    const actor = sessionOnly(c);
    // Binding an authenticator needs prior authentication (NIST SP 800-63B 6.1.2.1), as for TOTP setup.
    await requireStepUp(c.env, actor, c.req.valid("json"), requestMeta(c), "enroll_passkey");
    return c.json(await startPasskeyRegistration(c.env, actor.route, actor.identity.user.id, c.req.url, actor.tokenHash));
  })
  .post("/", ownSession, json(addPasskeyBody), async (c) => {
    const actor = sessionOnly(c);
    const body = c.req.valid("json");
    const result = await finishPasskeyRegistration(
      c.env,
      actor.route,
      {
        userId: actor.identity.user.id,
        name: body.name ?? DEFAULT_PASSKEY_NAME,
        response: body.response as RegistrationResponseJSON,
        keepSession: actor.tokenHash,
      },
      c.req.url,
      requestMeta(c),
    );
    // A first second factor signs every browser out and gives this one a new session token (docs/api.md).
    const { sessionToken, ...answer } = result;
    if (sessionToken) setSessionCookie(c, sessionToken);
    return c.json(answer, 201);
  })
  .patch("/:id", ownSession, json(renamePasskeyBody), async (c) => {
    const actor = sessionOnly(c);
    const stub = orgStub(c.env, actor.route.slug, actor.route.jurisdiction);
    return c.json(
      unwrap(
        await stub.renamePasskey({
          userId: actor.identity.user.id,
          id: c.req.param("id"),
          name: c.req.valid("json").name,
          meta: requestMeta(c),
        }),
      ),
    );
  })
  .delete("/:id", ownSession, json(f.stepUpBody), async (c) => {
    const actor = sessionOnly(c);
    // Removing a factor is step-up: a stolen session alone cannot strip the account's protection.
    await requireStepUp(c.env, actor, c.req.valid("json"), requestMeta(c));
    const input = { userId: actor.identity.user.id, id: c.req.param("id"), keepSession: actor.tokenHash };
    await removePasskey(c.env, actor.route, input, requestMeta(c));
    return c.body(null, 204);
  });

/** "Sign in with a passkey" (no email, no password): POST /auth/passkey/options, then POST /auth/passkey. */
export const passwordlessRoutes = new Hono<AppEnv>()
  .post("/options", async (c) => c.json(await passwordlessOptions(c.env, c.req.url)))
  .post("/", json(passwordlessBody), async (c) => {
    const { sessionToken } = await signInWithPasskey(
      c.env,
      c.req.valid("json").response as AuthenticationResponseJSON,
      c.req.url,
      requestMeta(c),
    );
    setSessionCookie(c, sessionToken);
    return c.json({ status: "authenticated" });
  });

export const authPasskeyRoutes = new Hono<AppEnv>()
  .post("/options", json(passkeyOptionsBody), async (c) => {
    return c.json(await passkeyStepOptions(c.env, c.req.valid("json").challenge, c.req.url));
  })
  .post("/", json(passkeyStepBody), async (c) => {
    const body = c.req.valid("json");
    const result = await signInWithPasskeyStep(
      c.env,
      { challenge: body.challenge, response: body.response as AuthenticationResponseJSON },
      c.req.url,
      requestMeta(c),
    );
    setSessionCookie(c, result.sessionToken);
    return c.json({ status: "authenticated" });
  });

/**
 * Enrolling a passkey at sign-in (the org requires phishing-resistant sign-in and the member has none): POST
 * /auth/login/enroll/passkey/options {challenge}, then POST /auth/login/enroll/passkey {challenge, name?, response}.
 */
export const enrollPasskeyRoutes = new Hono<AppEnv>()
  .post("/options", json(passkeyOptionsBody), async (c) =>
    c.json(await passkeyEnrollmentOptions(c.env, c.req.valid("json").challenge, c.req.url)),
  )
  .post("/", json(enrollPasskeyBody), async (c) => {
    const body = c.req.valid("json");
    const result = await enrollPasskeyAtSignIn(
      c.env,
      { challenge: body.challenge, name: body.name ?? DEFAULT_PASSKEY_NAME, response: body.response as RegistrationResponseJSON },
      c.req.url,
      requestMeta(c),
    );
    setSessionCookie(c, result.sessionToken);
    return c.json({ status: "authenticated", ...(result.recoveryCodes ? { recoveryCodes: result.recoveryCodes } : {}) });
  });
