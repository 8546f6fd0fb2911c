// Account: two-factor authentication (enable with step-up, recovery codes, disable) and the password. Every
// action calls the same flow as the JSON API (src/flows/); this file only parses forms and renders.
import { type Context, Hono } from "hono";
import { RECOVERY_CODE_COUNT } from "../../constants";
import { nowMs } from "../../clock";
import type { AppEnv } from "../../env";
import { newFormId } from "../../org/form-ids";
import { ApiError } from "../../errors";
import { relyingParty } from "../../flows/passkeys";
import { changePassword } from "../../flows/password";
import { requireStepUp } from "../../flows/step-up";
import { confirmEnrollment, disableTwoFactor, regenerateRecoveryCodes, startEnrollment } from "../../flows/two-factor";
import { setSessionCookie } from "../../http/cookies";
import { requestMeta } from "../../http/meta";
import type { AuthenticationResponseJSON } from "../../webauthn";
import { parseOtpauthUri } from "../../ui/otpauth";
import { AccountPage, type AccountState, EnablePage } from "../../ui/pages/account";
import type { PasskeysForm } from "../../ui/pages/account-passkeys";
import type { PasswordForm } from "../../ui/pages/account-password";
import { CodesPage, MessagePage } from "../../ui/pages/sign-in";
import {
  csrf,
  formOf,
  needSession,
  page,
  pageCtx,
  render,
  sessionOf,
  statusOf,
  stepUpAskAfter,
  stepUpProofOf,
  pageError,
  formAction,
  codeOf,
  orgOf,
  staleAsk,
} from "./kit";
import { passwordBody } from "../me";

export async function accountPage(
  c: Context<AppEnv>,
  state: Omit<AccountState, "recoveryTotal" | "regenerateFormId" | "passkeys"> & { passkeys?: Partial<PasskeysForm> },
  status: Parameters<typeof render>[2] = 200,
) {
  const ctx = await pageCtx(c, "/account");
  const actor = sessionOf(c);
  // A stale session asks for the password (or the passkey) in place, inside the Enable form, before the click.
  // A passkey user adding an app confirms with the passkey (withCode: a second factor exists, never the password).
  const enableStepUp = state.enableStepUp ?? staleAsk(c, actor);
  const sessions = await orgOf(c, actor).listSessions(actor.identity.user.id, actor.tokenHash);
  const passkeys = {
    available: relyingParty(c.env, c.req.url) !== null,
    passkeys: await orgOf(c, actor).listPasskeys(actor.identity.user.id),
    stepUp: staleAsk(c, actor),
    ...state.passkeys,
  };
  const full = { ...state, enableStepUp, recoveryTotal: RECOVERY_CODE_COUNT, regenerateFormId: newFormId(nowMs()), sessions, passkeys };
  return render(c, AccountPage({ ctx, identity: actor.identity, state: full }), status);
}

export const accountPages = new Hono<AppEnv>()
  .onError(pageError)
  // --- Account → two-factor authentication ---
  .get("/account", page, needSession, async (c) => {
    const t = (await pageCtx(c)).t;
    const m = c.req.query("m") ?? "";
    // POST /login/recovery lands here: say how many codes are left, as the count may call for new ones.
    if (m === "recovery_used")
      return accountPage(c, { warning: t.account.recoveryUsed(sessionOf(c).identity.twoFactor.recoveryCodesRemaining) });
    if (m === "sessions-sign-in-again") return accountPage(c, { warning: t.people.sessionsSignInAgain });
    const notices: Record<string, string> = {
      enabled: t.account.enabledDone,
      disabled: t.account.disabledDone,
      "app-removed": t.account.appRemovedDone,
      password: t.account.passwordChanged,
      "session-ended": t.people.sessionEnded,
      "others-ended": t.people.othersEnded,
      "passkey-added": t.passkeys.added,
      "passkey-renamed": t.passkeys.renamed,
      "passkey-removed": t.passkeys.removed,
      "role-changed": t.people.ownRoleChanged,
    };
    return accountPage(c, { notice: notices[m] });
  })
  .post("/account/2fa/setup", page, needSession, csrf, async (c) => {
    const actor = sessionOf(c);
    const ctx = await pageCtx(c, "/account");
    const proof = stepUpProofOf(await formOf(c));
    return formAction(
      c,
      "/account",
      async () => {
        // A passkey user may add an authenticator app too (after a passkey step-up); a second app may not.
        if (actor.identity.twoFactor.period !== null) throw new ApiError("already_enrolled");
        await requireStepUp(c.env, actor, proof, requestMeta(c), "enroll");
        const info = await startEnrollment(c.env, actor.route, actor.identity.user.id, actor.tokenHash);
        return render(c, EnablePage({ ctx, info, email: actor.identity.user.email }));
      },
      (_ctx, words, err) => {
        const enableStepUp = stepUpAskAfter(c, ctx.t, err, proof);
        return accountPage(c, enableStepUp ? { enableStepUp } : { enableError: words }, statusOf(err));
      },
    );
  })
  .post("/account/2fa/confirm", page, needSession, csrf, async (c) => {
    const actor = sessionOf(c);
    const form = await formOf(c);
    const ctx = await pageCtx(c, "/account");
    return formAction(
      c,
      "/account",
      async () => {
        const result = await confirmEnrollment(c.env, actor.route, actor.identity.user.id, codeOf(form), actor.tokenHash, requestMeta(c));
        // The session token changes with the new factor: this browser continues on the new one.
        setSessionCookie(c, result.sessionToken);
        return render(c, CodesPage({ ctx, codes: result.recoveryCodes, continueHref: "/account?m=enabled" }));
      },
      (_ctx, error, err) => {
        // The QR and key come back from the form: the pending secret is unchanged.
        const shown = parseOtpauthUri(form.otpauth);
        if (!shown) return accountPage(c, { enableError: error }, statusOf(err));
        return EnablePage({ ctx, info: shown, email: actor.identity.user.email, error });
      },
    );
  })
  .post("/account/2fa/recovery-codes", page, needSession, csrf, async (c) => {
    const actor = sessionOf(c);
    return formAction(
      c,
      "/account",
      async () => {
        const form = await formOf(c);
        const session = { route: actor.route, userId: actor.identity.user.id, tokenHash: actor.tokenHash, requestUrl: actor.requestUrl };
        // A passkey user confirms with "Use a passkey" (the step-up prompt's `webauthn`), an app user with a code.
        const { webauthn } = stepUpProofOf(form);
        const proof = webauthn ? { webauthn: webauthn as AuthenticationResponseJSON } : { code: codeOf(form) };
        const codes = await regenerateRecoveryCodes(c.env, session, proof, requestMeta(c), form.formId ?? "");
        return render(c, CodesPage({ ctx: await pageCtx(c, "/account"), codes, continueHref: "/account" }));
      },
      (ctx, regenerateError, err) => {
        if (err.reason !== "already_submitted") return accountPage(c, { regenerateError }, statusOf(err));
        const back = { href: "/account", label: ctx.t.codes.backToAccount };
        return render(c, MessagePage({ ctx, title: ctx.t.codes.alreadyTitle, message: ctx.t.codes.alreadyMade, back }), 409);
      },
    );
  })
  .post("/account/2fa/disable", page, needSession, csrf, async (c) => {
    const actor = sessionOf(c);
    return formAction(
      c,
      "/account",
      async () => {
        await disableTwoFactor(c.env, actor.route, actor.identity.user.id, codeOf(await formOf(c)), actor.tokenHash, requestMeta(c));
        return c.redirect(`/account?m=${actor.identity.twoFactor.passkeys > 0 ? "app-removed" : "disabled"}`, 303);
      },
      (_ctx, disableError, err) => accountPage(c, { disableError }, statusOf(err)),
    );
  })

  // --- Account → password ---
  .post("/account/password", page, needSession, csrf, async (c) => {
    const actor = sessionOf(c);
    const form = await formOf(c);
    const t = (await pageCtx(c)).t;
    const input = { currentPassword: form.currentPassword ?? "", newPassword: form.newPassword ?? "" };
    // The API's own field rules (routes/me.ts), each failure shown next to its field. An empty current password
    // is stopped here, before the flow, so a stray Enter does not count toward the lockout.
    const errors: PasswordForm["errors"] = {};
    if (!input.currentPassword) errors.current = t.errors.required;
    else if (!passwordBody.shape.currentPassword.safeParse(input.currentPassword).success) errors.current = t.account.currentPasswordWrong;
    if (!passwordBody.shape.newPassword.safeParse(input.newPassword).success) errors.new = t.errors.password;
    else if (input.newPassword === input.currentPassword) errors.new = t.account.samePassword;
    if (errors.current || errors.new) return accountPage(c, { password: { errors } }, 400);
    return formAction(
      c,
      "/account",
      async () => {
        await changePassword(
          c.env,
          actor.route,
          { userId: actor.identity.user.id, ...input, keepSession: actor.tokenHash },
          requestMeta(c),
        );
        return c.redirect("/account?m=password", 303);
      },
      (_ctx, message, err) => {
        // A wrong current password belongs to that field; anything else (the lockout's 429) to the whole form.
        const shown: PasswordForm["errors"] =
          err.code === "invalid_credentials"
            ? { current: t.account.currentPasswordWrong }
            : { form: err.code === "step_up_required" ? t.account.passwordSignInAgain : message };
        return accountPage(c, { password: { errors: shown } }, statusOf(err));
      },
    );
  });
