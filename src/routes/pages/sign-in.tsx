// The sign-in pages: password, then the second factor (code or recovery code), or forced enrollment; sign out.
// Every action calls the same flow as the JSON API (src/flows/); this file only parses forms and renders.
import { type Context, Hono } from "hono";
import { ApiError } from "../../errors";
import type { AppEnv } from "../../env";
import { verifyChallenge } from "../../flows/challenge-token";
import { relyingParty } from "../../flows/passkeys";
import { signOut } from "../../flows/sessions";
import { signInWithPassword, signInWithRecoveryCode, signInWithTotp } from "../../flows/sign-in";
import { confirmChallengeEnrollment, startChallengeEnrollment } from "../../flows/two-factor";
import { clearSessionCookie, readSessionCookie, setSessionCookie } from "../../http/cookies";
import * as f from "../../http/fields";
import { requestMeta } from "../../http/meta";
import { afterSignIn, readPending } from "../../oidc/pending";
import type { PageCtx } from "../../ui/layout";
import { parseOtpauthUri } from "../../ui/otpauth";
import { CodesPage, ForcedEnrollPage, RecoveryStepPage, SecondStepPage, SignInPage } from "../../ui/pages/sign-in";
import {
  clearChallenge,
  csrf,
  formField,
  formOf,
  messageFor,
  page,
  pageCtx,
  readChallenge,
  render,
  session,
  setChallenge,
  pageError,
  formAction,
  codeOf,
} from "./kit";
import { nextAfterSignIn } from "./return-to";
import { secondStepOffer } from "./passkeys";

/**
 * A second step whose attempt is over (expired, or its fifth wrong code): the sign-in form with the reason, and no
 * code field that could only be refused again.
 */
function startOver(c: Context<AppEnv>, ctx: PageCtx, error: string) {
  clearChallenge(c);
  return SignInPage({ ctx, form: { email: "", org: "", error, passkeys: relyingParty(c.env, c.req.url) !== null } });
}

/** What the enrollment page offers besides the app: a passkey where this address allows one; who asks for 2FA. */
async function enrollOffer(c: Context<AppEnv>) {
  const pending = await readPending(c, c.env.CHALLENGE_KEY);
  return { passkeys: relyingParty(c.env, c.req.url) !== null, app: pending?.mfa ? pending.app : undefined };
}

export const signInPages = new Hono<AppEnv>()
  .onError(pageError)
  // --- signing in ---
  .get("/", page, async (c) => {
    // An application that asked for a fresh sign-in (OpenID prompt=login, max_age, MFA) gets the form even with a session.
    const pending = await readPending(c, c.env.CHALLENGE_KEY);
    if (session(c) && !pending?.fresh) return c.redirect("/account", 303);
    const ctx = await pageCtx(c);
    const m = c.req.query("m");
    const passkeys = relyingParty(c.env, c.req.url) !== null;
    const error = m === "expired" ? ctx.t.errors.challenge_expired : undefined;
    const warning = m === "ended" ? ctx.t.signIn.ended : undefined;
    return render(c, SignInPage({ ctx, form: { error, warning, passkeys, app: pending?.app } }));
  })
  .post("/login", page, csrf, async (c) => {
    const form = await formOf(c);
    const input = { email: form.email ?? "", password: form.password ?? "", org: form.org?.trim() || undefined };
    return formAction(
      c,
      "/",
      async () => {
        const requireSecondFactor = (await readPending(c, c.env.CHALLENGE_KEY))?.mfa === true;
        const result = await signInWithPassword(c.env, { ...input, requireSecondFactor }, requestMeta(c));
        if (result.status === "authenticated") {
          setSessionCookie(c, result.sessionToken);
          return c.redirect(await nextAfterSignIn(c), 303);
        }
        setChallenge(c, result.challenge);
        return c.redirect(result.status === "2fa_required" ? "/login/2fa" : "/login/enroll", 303);
      },
      (ctx, error) =>
        SignInPage({ ctx, form: { email: input.email, org: input.org ?? "", error, passkeys: relyingParty(c.env, c.req.url) !== null } }),
    );
  })
  .get("/login/2fa", page, async (c) => {
    const claims = await verifyChallenge(c.env.CHALLENGE_KEY, readChallenge(c) ?? "", "2fa");
    if (!claims) return c.redirect("/?m=expired", 303);
    return render(c, SecondStepPage({ ctx: await pageCtx(c), ...(await secondStepOffer(c, claims)) }));
  })
  .post("/login/2fa", page, csrf, (c) =>
    formAction(
      c,
      "/login/2fa",
      async () => {
        const result = await signInWithTotp(c.env, { challenge: readChallenge(c) ?? "", code: codeOf(await formOf(c)) }, requestMeta(c));
        if (result.status !== "authenticated") {
          // The org requires phishing-resistant sign-in: the code leads to enrolling a passkey, not into the account.
          setChallenge(c, result.challenge);
          return c.redirect("/login/enroll/passkey", 303);
        }
        setSessionCookie(c, result.sessionToken);
        clearChallenge(c);
        return c.redirect(await nextAfterSignIn(c), 303);
      },
      async (ctx, error, err) =>
        err.reason === "invalid_challenge" ? startOver(c, ctx, error) : SecondStepPage({ ctx, error, ...(await secondStepOffer(c)) }),
    ),
  )
  .get("/login/recovery", page, async (c) => {
    if (!(await verifyChallenge(c.env.CHALLENGE_KEY, readChallenge(c) ?? "", "2fa"))) return c.redirect("/?m=expired", 303);
    return render(c, RecoveryStepPage({ ctx: await pageCtx(c) }));
  })
  .post("/login/recovery", page, csrf, async (c) => {
    const form = await formOf(c);
    return formAction(
      c,
      "/login/recovery",
      async () => {
        const result = await signInWithRecoveryCode(
          c.env,
          { challenge: readChallenge(c) ?? "", code: formField(f.recoveryCode, form.code ?? "") },
          requestMeta(c),
        );
        if (result.status !== "authenticated") {
          setChallenge(c, result.challenge);
          return c.redirect("/login/enroll/passkey", 303);
        }
        setSessionCookie(c, result.sessionToken);
        clearChallenge(c);
        return c.redirect(await afterSignIn(c, c.env.CHALLENGE_KEY, "/account?m=recovery_used"), 303);
      },
      // A wrong or spent code stays in the field (a typo is fixed, not typed again) with its own words. Any other
      // refusal (an expired attempt, a lock) may leave a good unspent code: it is not written back into the page.
      (ctx, error, err) =>
        err.reason === "invalid_code"
          ? RecoveryStepPage({ ctx, code: form.code ?? "", error: ctx.t.recoveryStep.wrongCode })
          : err.reason === "invalid_challenge"
            ? startOver(c, ctx, error)
            : RecoveryStepPage({ ctx, code: "", error }),
    );
  })
  .get("/login/enroll", page, async (c) => {
    try {
      const info = await startChallengeEnrollment(c.env, readChallenge(c) ?? "");
      const email = parseOtpauthUri(info.otpauthUri)?.email ?? "";
      return render(c, ForcedEnrollPage({ ctx: await pageCtx(c), info, email, ...(await enrollOffer(c)) }));
    } catch (err) {
      // Where the org requires phishing-resistant sign-in, the enrollment is a passkey.
      if (err instanceof ApiError && err.code === "passkey_required") return c.redirect("/login/enroll/passkey", 303);
      messageFor((await pageCtx(c)).t, err);
      return c.redirect("/?m=expired", 303);
    }
  })
  .post("/login/enroll", page, csrf, async (c) => {
    const form = await formOf(c);
    return formAction(
      c,
      "/login/enroll",
      async () => {
        const result = await confirmChallengeEnrollment(c.env, readChallenge(c) ?? "", codeOf(form), requestMeta(c));
        setSessionCookie(c, result.sessionToken);
        clearChallenge(c);
        const continueHref = await nextAfterSignIn(c);
        return render(c, CodesPage({ ctx: await pageCtx(c, "/account"), codes: result.recoveryCodes, continueHref }));
      },
      async (ctx, error) => {
        // The QR and key come back from the form: the pending secret is unchanged.
        const shown = parseOtpauthUri(form.otpauth);
        return shown
          ? ForcedEnrollPage({ ctx, info: shown, email: shown.email, error, ...(await enrollOffer(c)) })
          : c.redirect("/?m=expired", 303);
      },
    );
  })
  .post("/logout", page, csrf, async (c) => {
    await signOut(c.env, readSessionCookie(c), requestMeta(c));
    clearSessionCookie(c);
    return c.redirect("/", 303);
  });
