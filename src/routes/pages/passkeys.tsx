// The passkey pages' actions: options for the browser's ceremony (JSON, read by /static/passkeys.js) and the
// posted answers, for "Sign in with a passkey", the second step's "Use a passkey" and Account → Passkeys. Every
// action calls the same flow as the JSON API (src/flows/passkeys.ts, passwordless.ts) and the same schemas.
import { type Context, Hono } from "hono";
import type { AppEnv } from "../../env";
import { ApiError } from "../../errors";
import { type ChallengeClaims, verifyChallenge } from "../../flows/challenge-token";
import {
  enrollPasskeyAtSignIn,
  finishPasskeyRegistration,
  passkeyEnrollmentOptions,
  passkeyStepOptions,
  relyingParty,
  removePasskey,
  signInWithPasskeyStep,
  startPasskeyRegistration,
} from "../../flows/passkeys";
import { passwordlessOptions, signInWithPasskey } from "../../flows/passwordless";
import { unwrap } from "../../flows/outcomes";
import { requireStepUp, stepUpPasskeyOptions } from "../../flows/step-up";
import { setSessionCookie } from "../../http/cookies";
import { requestMeta } from "../../http/meta";
import { orgStub } from "../../org/stub";
import { CodesPage, ForcedPasskeyPage, SecondStepPage, SignInPage } from "../../ui/pages/sign-in";
import { browserLabel } from "../../ui/pages/account-sessions";
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "../../webauthn";
import { authenticationResponse, passkeyName, registrationResponse } from "../passkeys";
import { accountPage } from "./account";
import {
  clearChallenge,
  csrf,
  formAction,
  formField,
  formOf,
  messageFor,
  needSession,
  page,
  pageCtx,
  pageError,
  readChallenge,
  render,
  sessionOf,
  statusOf,
  stepUpAskAfter,
  stepUpProofOf,
  orgOf,
} from "./kit";
import { nameError } from "./name-error";
import { nextAfterSignIn } from "./return-to";

type C = Context<AppEnv>;

/**
 * What the second step page offers: "Use a passkey" when the user has one (the step's methods include "webauthn")
 * and WebAuthn works here; the code field only to a user with an authenticator app (a recovery code always).
 */
export async function secondStepOffer(c: C, known?: ChallengeClaims | null): Promise<{ passkey: boolean; code: boolean }> {
  const claims = known ?? (await verifyChallenge(c.env.CHALLENGE_KEY, readChallenge(c) ?? "", "2fa"));
  if (!claims) return { passkey: false, code: true };
  const methods = await orgStub(c.env, claims.slug, claims.jurisdiction).secondStepMethods(claims.userId);
  return { passkey: methods.includes("webauthn") && relyingParty(c.env, c.req.url) !== null, code: methods.includes("totp") };
}

/** Options for the script: a refusal is JSON with the page's own words (the script shows them in the form). */
async function optionsJson(c: C, make: () => Promise<unknown>): Promise<Response> {
  try {
    return c.json(await make());
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    const t = (await pageCtx(c)).t;
    return c.json({ error: { code: err.code, message: messageFor(t, err) } }, statusOf(err));
  }
}

/**
 * The new passkey's name: the one typed, or, left empty, the browser that made it ("Chrome on Linux", in the
 * viewer's language), as GitHub names one; renamed any time from the Account page.
 */
async function newPasskeyName(c: C, typed: string | undefined): Promise<string> {
  if (typed?.trim()) return formField(passkeyName, typed);
  const ctx = await pageCtx(c);
  return formField(passkeyName, browserLabel(ctx, c.req.header("user-agent") ?? null, ctx.t.passkeys.defaultName));
}

/** The posted answer of the ceremony as JSON, then checked with the API's own schema; bad input is a shown 400. */
function answerOf(raw: string | undefined): unknown {
  try {
    return JSON.parse(raw ?? "");
  } catch {
    throw new ApiError("invalid_request");
  }
}

export const passkeyPages = new Hono<AppEnv>()
  .onError(pageError)
  // --- "Sign in with a passkey" (no email, no password) ---
  .post("/login/passkey/options", page, csrf, (c) => optionsJson(c, () => passwordlessOptions(c.env, c.req.url)))
  .post("/login/passkey", page, csrf, async (c) => {
    const form = await formOf(c);
    return formAction(
      c,
      "/",
      async () => {
        const answer = formField(authenticationResponse, answerOf(form.response)) as AuthenticationResponseJSON;
        const { sessionToken } = await signInWithPasskey(c.env, answer, c.req.url, requestMeta(c));
        setSessionCookie(c, sessionToken);
        // Back to an application's waiting sign-in (OpenID authorize), as every other way of signing in.
        return c.redirect(await nextAfterSignIn(c), 303);
      },
      (ctx, error, err) =>
        SignInPage({
          ctx,
          form: {
            error: err.code === "invalid_credentials" ? ctx.t.passkeys.notRecognized : error,
            passkeys: relyingParty(c.env, c.req.url) !== null,
          },
        }),
    );
  })
  // --- the second step's "Use a passkey" (the sign-in's challenge rides in its cookie) ---
  .post("/login/2fa/passkey/options", page, csrf, (c) => optionsJson(c, () => passkeyStepOptions(c.env, readChallenge(c) ?? "", c.req.url)))
  .post("/login/2fa/passkey", page, csrf, async (c) => {
    const form = await formOf(c);
    return formAction(
      c,
      "/login/2fa",
      async () => {
        const response = formField(authenticationResponse, answerOf(form.response)) as AuthenticationResponseJSON;
        const result = await signInWithPasskeyStep(c.env, { challenge: readChallenge(c) ?? "", response }, c.req.url, requestMeta(c));
        setSessionCookie(c, result.sessionToken);
        clearChallenge(c);
        return c.redirect(await nextAfterSignIn(c), 303);
      },
      async (ctx, error) => SecondStepPage({ ctx, error, ...(await secondStepOffer(c)) }),
    );
  })
  // --- enrolling a passkey at sign-in (the org requires phishing-resistant sign-in; the challenge rides in its cookie) ---
  .get("/login/enroll/passkey", page, async (c) => {
    if (!(await verifyChallenge(c.env.CHALLENGE_KEY, readChallenge(c) ?? "", "enroll"))) return c.redirect("/?m=expired", 303);
    const chosen = c.req.query("choice") === "1";
    return render(c, ForcedPasskeyPage({ ctx: await pageCtx(c), available: relyingParty(c.env, c.req.url) !== null, chosen }));
  })
  .post("/login/enroll/passkey/options", page, csrf, (c) =>
    optionsJson(c, () => passkeyEnrollmentOptions(c.env, readChallenge(c) ?? "", c.req.url)),
  )
  .post("/login/enroll/passkey", page, csrf, async (c) => {
    const form = await formOf(c);
    return formAction(
      c,
      "/login/enroll/passkey",
      async () => {
        const result = await enrollPasskeyAtSignIn(
          c.env,
          {
            challenge: readChallenge(c) ?? "",
            name: await newPasskeyName(c, form.name),
            response: formField(registrationResponse, answerOf(form.response)) as RegistrationResponseJSON,
          },
          c.req.url,
          requestMeta(c),
        );
        setSessionCookie(c, result.sessionToken);
        clearChallenge(c);
        const continueHref = await nextAfterSignIn(c);
        if (!result.recoveryCodes) return c.redirect(continueHref, 303);
        return render(c, CodesPage({ ctx: await pageCtx(c, "/account"), codes: result.recoveryCodes, continueHref }));
      },
      (ctx, error) => ForcedPasskeyPage({ ctx, error, available: relyingParty(c.env, c.req.url) !== null, chosen: form.choice === "1" }),
    );
  })
  // --- "Use a passkey" at any step-up prompt (ui/step-up.tsx): options bound to this session ---
  .post("/account/step-up/passkey", page, needSession, csrf, (c) => optionsJson(c, () => stepUpPasskeyOptions(c.env, sessionOf(c))))
  // --- Account → Passkeys ---
  .post("/account/passkeys/options", page, needSession, csrf, async (c) => {
    const actor = sessionOf(c);
    const proof = stepUpProofOf(await formOf(c));
    return optionsJson(c, async () => {
      // Binding an authenticator needs prior authentication (NIST SP 800-63B 6.1.2.1), as the API's options do.
      await requireStepUp(c.env, actor, proof, requestMeta(c), "enroll_passkey");
      return startPasskeyRegistration(c.env, actor.route, actor.identity.user.id, c.req.url, actor.tokenHash);
    });
  })
  .post("/account/passkeys", page, needSession, csrf, async (c) => {
    const actor = sessionOf(c);
    const form = await formOf(c);
    return formAction(
      c,
      "/account",
      async () => {
        const result = await finishPasskeyRegistration(
          c.env,
          actor.route,
          {
            userId: actor.identity.user.id,
            name: await newPasskeyName(c, form.name),
            response: formField(registrationResponse, answerOf(form.response)) as RegistrationResponseJSON,
            keepSession: actor.tokenHash,
          },
          c.req.url,
          requestMeta(c),
        );
        // A first second factor signs every browser out and gives this one a new session token (docs/api.md).
        if (result.sessionToken) setSessionCookie(c, result.sessionToken);
        const codes = result.recoveryCodes ?? [];
        if (codes.length === 0) return c.redirect("/account?m=passkey-added", 303);
        // The first second factor: its recovery codes are shown once, as after setting up TOTP.
        const ctx = await pageCtx(c, "/account");
        return c.html(`<!doctype html>${(await CodesPage({ ctx, codes, continueHref: "/account?m=passkey-added" })).toString()}`);
      },
      (_ctx, error, err) => accountPage(c, { passkeys: { error } }, statusOf(err)),
    );
  })
  .post("/account/passkeys/:id/rename", page, needSession, csrf, async (c) => {
    const actor = sessionOf(c);
    const form = await formOf(c);
    const id = c.req.param("id");
    const name = passkeyName.safeParse(form.name ?? "");
    // The API's own rule (a name after trimming), shown next to the field with what was typed, as other forms do.
    if (!name.success) {
      const error = nameError((await pageCtx(c)).t, form.name, 100);
      return accountPage(c, { passkeys: { rename: { id, value: form.name ?? "", error } } }, 400);
    }
    return formAction(
      c,
      "/account",
      async () => {
        const stub = orgOf(c, actor);
        unwrap(
          await stub.renamePasskey({
            userId: actor.identity.user.id,
            id,
            name: name.data,
            meta: requestMeta(c),
          }),
        );
        return c.redirect("/account?m=passkey-renamed", 303);
      },
      (_ctx, error, err) => accountPage(c, { passkeys: { error } }, statusOf(err)),
    );
  })
  .post("/account/passkeys/:id/delete", page, needSession, csrf, async (c) => {
    const actor = sessionOf(c);
    const proof = stepUpProofOf(await formOf(c));
    const t = (await pageCtx(c)).t;
    return formAction(
      c,
      "/account",
      async () => {
        // Removing a factor is step-up: a stolen session alone cannot strip the account's protection.
        await requireStepUp(c.env, actor, proof, requestMeta(c));
        const input = { userId: actor.identity.user.id, id: c.req.param("id"), keepSession: actor.tokenHash };
        await removePasskey(c.env, actor.route, input, requestMeta(c));
        return c.redirect("/account?m=passkey-removed", 303);
      },
      (_ctx, error, err) => {
        const stepUp = stepUpAskAfter(c, t, err, proof);
        // The refusal is shown in the box of the passkey being removed, not in every step-up box of the page.
        const stepUpFor = c.req.param("id");
        return accountPage(c, { passkeys: stepUp ? { stepUp, stepUpFor } : { error } }, statusOf(err));
      },
    );
  });
