// The pages of the emailed pairing link, /pair/<token>, in the same look and words as the other pages. GET only
// looks the link up (a dead one says so at once) and shows the password field and a button, because mail scanners
// open links; the POSTs start (with the account's password) and confirm enrollment through flows/pairing.ts, the
// same code and field rules as the JSON API (routes/pairing.ts). No session is read or set, ever.
import { type Context, Hono, type MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env";
import { ApiError } from "../../errors";
import { confirmPairedEnrollment, pairingLinkAlive, startPairedEnrollment } from "../../flows/pairing";
import { requestMeta } from "../../http/meta";
import { chooseLang } from "../../ui/lang";
import { parseOtpauthUri } from "../../ui/otpauth";
import { pairAction, PairCodesPage, PairInvalidPage, PairSetupPage, PairStartPage } from "../../ui/pages/pairing";
import { codeOf, csrf, formAction, formField, formOf, messageFor, pageCtx, render, statusOf, pageError } from "./kit";
import { pairSetupBody } from "../pairing";

type C = Context<AppEnv>;

/**
 * Like kit.ts's `page`, but always signed out: the link acts for its own user, whoever's browser opens it
 * (an admin testing the link must not see their own account here, and the form token must not hang on their
 * session). The CSRF token is therefore the pre-session one, as on the sign-in page.
 */
const pairPage: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set("actor", { kind: "anonymous" });
  c.set("lang", chooseLang(c));
  await next();
  // The setup key and the recovery codes are one-time secrets: never cached, never shown again by Back.
  c.res.headers.set("cache-control", "no-store");
};

/** A dead link (used, replaced, expired, made up) is a 404 with words; any other refusal keeps the user on the step. */
function isDeadLink(err: unknown): boolean {
  return err instanceof ApiError && (err.code === "not_found" || err.code === "already_enrolled");
}

async function startPage(c: C, token: string, err: unknown) {
  const ctx = await pageCtx(c, pairAction(token));
  if (isDeadLink(err)) return render(c, PairInvalidPage({ ctx }), 404);
  // A wrong password belongs to its field; the link still works, so the same page asks again.
  if (err instanceof ApiError && err.code === "invalid_credentials") {
    return render(c, PairStartPage({ ctx, token, passwordError: ctx.t.pair.passwordWrong }), 401);
  }
  // "conflict" is the confirm step finding no pending setup: it expired (or was never started), so start again.
  const timedOut = err instanceof ApiError && err.code === "conflict";
  return render(c, PairStartPage({ ctx, token, error: timedOut ? ctx.t.pair.timedOut : messageFor(ctx.t, err) }), statusOf(err));
}

export const pairPageRoutes = new Hono<AppEnv>()
  .onError(pageError)
  .get("/:token", pairPage, async (c) => {
    const token = c.req.param("token");
    // A used, replaced or expired link says so before asking for the password, as a dead invite link does.
    if (!(await pairingLinkAlive(c.env, token))) return render(c, PairInvalidPage({ ctx: await pageCtx(c) }), 404);
    return render(c, PairStartPage({ ctx: await pageCtx(c), token }));
  })
  .post("/:token", pairPage, csrf, async (c) => {
    const token = c.req.param("token");
    const form = await formOf(c);
    // An empty submit (a stray Enter) is refused here, before the flow, so it does not count toward the lockout.
    if (!form.password) {
      const ctx = await pageCtx(c, pairAction(token));
      return render(c, PairStartPage({ ctx, token, passwordError: ctx.t.errors.required }), 400);
    }
    const password = form.password;
    return formAction(
      c,
      pairAction(token),
      async () => {
        const info = await startPairedEnrollment(c.env, token, formField(pairSetupBody.shape.password, password), requestMeta(c));
        const email = parseOtpauthUri(info.otpauthUri)?.email ?? "";
        return render(c, PairSetupPage({ ctx: await pageCtx(c, pairAction(token)), token, info, email }));
      },
      (_ctx, _words, err) => startPage(c, token, err),
    );
  })
  .post("/:token/confirm", pairPage, csrf, async (c) => {
    const token = c.req.param("token");
    const form = await formOf(c);
    return formAction(
      c,
      pairAction(token),
      async () => {
        const code = codeOf(form);
        // An empty submit (a stray Enter) is refused here, before the flow, so it does not count toward the lockout.
        if (!code) throw new ApiError("invalid_code");
        const codes = await confirmPairedEnrollment(c.env, token, code, requestMeta(c));
        return render(c, PairCodesPage({ ctx: await pageCtx(c, pairAction(token)), codes }));
      },
      (ctx, error, err) => {
        // The QR and key come back from the form (as on the other setup pages): the pending secret is unchanged.
        const shown = parseOtpauthUri(form.otpauth);
        if (!shown || isDeadLink(err) || err.code === "conflict") return startPage(c, token, err);
        return PairSetupPage({ ctx, token, info: shown, email: shown.email, error });
      },
    );
  });
