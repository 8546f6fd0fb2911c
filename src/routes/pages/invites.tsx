// The pages of invites and email addresses: the invitee's /invite/<token>, the emailed /email-link/<token>, the
// Users page's invite actions and the Account page's change of address. Each calls the same flow as the JSON API
// (flows/invites.ts, flows/email.ts) with the API's own field schemas; this file only parses forms and renders.
import { type Context, Hono, type MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env";
import { ApiError } from "../../errors";
import { followEmailLink, requestEmailChange } from "../../flows/email";
import { acceptInvite, invitePreview, inviteUser, resendInvite, revokeInvite } from "../../flows/invites";
import { callerOf, requireStepUp } from "../../flows/step-up";
import { auditActor } from "../../http/actor";
import { setSessionCookie } from "../../http/cookies";
import * as f from "../../http/fields";
import { requestMeta } from "../../http/meta";
import { normalizeEmail } from "../../email-address";
import { chooseLang } from "../../ui/lang";
import { EmailLinkDonePage, EmailLinkPage } from "../../ui/pages/email-change";
import { type AcceptForm, DeadLinkPage, InviteAcceptPage, InviteActionConfirmPage, type InviteForm } from "../../ui/pages/invites";
import { MessagePage } from "../../ui/pages/sign-in";
import { inviteBody } from "../invites";
import { emailChangeBody } from "../me";
import { accountPage } from "./account";
import { usersPage } from "./admin";
import {
  csrf,
  formAction,
  formField,
  formOf,
  needAdmin,
  needSession,
  page,
  pageCtx,
  pageError,
  render,
  sessionOf,
  setChallenge,
  statusOf,
  stepUpAskAfter,
  stepUpProofOf,
  orgOf,
  staleAsk,
} from "./kit";
import { nameError } from "./name-error";

type C = Context<AppEnv>;

/**
 * Like kit.ts's `page`, but always signed out: a link acts for its own invite or user, whoever's browser opens
 * it, and its form token must not hang on someone else's session.
 */
const linkPage: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set("actor", { kind: "anonymous" });
  c.set("lang", chooseLang(c));
  await next();
  c.res.headers.set("cache-control", "no-store");
};

const isDeadLink = (err: unknown) => err instanceof ApiError && err.code === "invalid_code";

async function deadLink(c: C) {
  return render(c, DeadLinkPage({ ctx: await pageCtx(c, "/") }), 401);
}

async function acceptPage(c: C, token: string, form: AcceptForm, status: Parameters<typeof render>[2] = 200) {
  try {
    const invite = await invitePreview(c.env, token);
    return render(c, InviteAcceptPage({ ctx: await pageCtx(c, `/invite/${encodeURIComponent(token)}`), token, invite, form }), status);
  } catch (err) {
    if (isDeadLink(err)) return deadLink(c);
    throw err;
  }
}

async function invitesConfirmPage(
  c: C,
  action: "resend" | "revoke",
  stepUp?: { withCode: boolean; error?: string },
  status: 200 | 403 = 200,
) {
  const actor = sessionOf(c);
  const id = c.req.param("id") ?? "";
  const ctx = await pageCtx(c, `/users/invites/${encodeURIComponent(id)}/${action}`);
  const invite = (await orgOf(c, actor).listInvites()).find((i) => i.id === id);
  if (!invite) return render(c, MessagePage({ ctx, title: ctx.t.errorTitle, message: ctx.t.errors.not_found }), 404);
  // Resending an admin invite renews a grant of admin: step-up, asked in place when the session is stale.
  const ask = stepUp ?? (action === "resend" && invite.role === "admin" ? staleAsk(c, actor) : undefined);
  return render(c, InviteActionConfirmPage({ ctx, invite, action, stepUp: ask }), status);
}

function inviteActionPages(action: "resend" | "revoke") {
  return new Hono<AppEnv>()
    .get(`/users/invites/:id/${action}`, page, needAdmin, (c) => invitesConfirmPage(c, action))
    .post(`/users/invites/:id/${action}`, page, needAdmin, csrf, async (c) => {
      const actor = sessionOf(c);
      const proof = stepUpProofOf(await formOf(c));
      return formAction(
        c,
        "/users",
        async () => {
          const meta = requestMeta(c);
          const id = formField(f.id, c.req.param("id"));
          if (action === "resend") {
            const caller = await callerOf(c.env, actor, proof, meta);
            await resendInvite(c.env, actor.route, id, caller, auditActor(actor), meta, new URL(c.req.url).origin);
          } else {
            await revokeInvite(c.env, actor.route, id, auditActor(actor), meta);
          }
          return c.redirect(`/users?m=${action === "resend" ? "invite_resent" : "invite_revoked"}`, 303);
        },
        (ctx, message, err) => {
          const stepUp = stepUpAskAfter(c, ctx.t, err, proof);
          return stepUp ? invitesConfirmPage(c, action, stepUp, 403) : MessagePage({ ctx, title: ctx.t.errorTitle, message });
        },
      );
    });
}

export const invitePages = new Hono<AppEnv>()
  .onError(pageError)
  // --- the invitee ---
  .get("/invite/:token", linkPage, (c) => acceptPage(c, c.req.param("token"), { values: {}, errors: {} }))
  .post("/invite/:token", linkPage, csrf, async (c) => {
    const token = c.req.param("token");
    const form = await formOf(c);
    const t = (await pageCtx(c)).t;
    const values = { name: form.name ?? "" };
    const password = f.password.safeParse(form.password ?? "");
    const name = f.personName.safeParse(values.name);
    if (!password.success || !name.success) {
      const errors = {
        ...(password.success ? {} : { password: t.errors.password }),
        ...(name.success ? {} : { name: nameError(t, values.name, 200) }),
      };
      return acceptPage(c, token, { values, errors }, 400);
    }
    return formAction(
      c,
      `/invite/${encodeURIComponent(token)}`,
      async () => {
        const result = await acceptInvite(c.env, { token, password: password.data, name: name.data || undefined }, requestMeta(c));
        if (result.status === "authenticated") {
          setSessionCookie(c, result.sessionToken);
          return c.redirect("/account", 303);
        }
        // The org requires 2FA: straight into enrollment, with the sign-in's own challenge cookie and page.
        setChallenge(c, result.challenge);
        return c.redirect("/login/enroll", 303);
      },
      (_ctx, message, err) => (isDeadLink(err) ? deadLink(c) : acceptPage(c, token, { values, errors: { form: message } }, statusOf(err))),
    );
  })
  // --- an emailed link: verification or change of address ---
  .get("/email-link/:token", linkPage, async (c) => {
    const token = c.req.param("token");
    return render(c, EmailLinkPage({ ctx: await pageCtx(c, `/email-link/${encodeURIComponent(token)}`), token }));
  })
  .post("/email-link/:token", linkPage, csrf, (c) => {
    const token = c.req.param("token");
    return formAction(
      c,
      `/email-link/${encodeURIComponent(token)}`,
      async () => {
        const done = await followEmailLink(c.env, token, requestMeta(c));
        return render(c, EmailLinkDonePage({ ctx: await pageCtx(c, "/"), purpose: done.purpose, email: done.email }));
      },
      (ctx, error, err) => (isDeadLink(err) ? deadLink(c) : EmailLinkPage({ ctx, token, error })),
    );
  })
  // --- Users page: invite, resend, revoke ---
  .post("/users/invites", page, needAdmin, csrf, async (c) => {
    const form = await formOf(c);
    const t = (await pageCtx(c)).t;
    const values = { email: form.email ?? "", name: form.name ?? "", role: form.role ?? "", locale: form.locale ?? "" };
    const { shape } = inviteBody;
    const email = shape.email.safeParse(values.email);
    const name = shape.name.safeParse(values.name || undefined);
    const role = shape.role.safeParse(values.role);
    const locale = shape.locale.safeParse(values.locale || undefined);
    const bad = (extra: InviteForm["errors"]) => usersPage(c, { values: {}, errors: {} }, 400, { values, errors: extra });
    if (!email.success || !name.success || !role.success || !locale.success) {
      return bad({
        ...(email.success ? {} : { email: t.errors.email }),
        ...(name.success ? {} : { name: nameError(t, values.name, 200) }),
        ...(role.success && locale.success ? {} : { form: t.errors.invalid_request }),
      });
    }
    const actor = sessionOf(c);
    const proof = stepUpProofOf(form);
    return formAction(
      c,
      "/users",
      async () => {
        const meta = requestMeta(c);
        const caller = await callerOf(c.env, actor, proof, meta);
        const input = { email: email.data, role: role.data, name: name.data, locale: locale.data };
        await inviteUser(c.env, actor.route, input, caller, auditActor(actor), meta, new URL(c.req.url).origin);
        return c.redirect("/users?m=invited", 303);
      },
      (_ctx, message, err) => {
        const stepUp = stepUpAskAfter(c, t, err, proof);
        const inviteForm: InviteForm = stepUp
          ? { values, errors: {}, stepUp }
          : { values, errors: statusOf(err) === 409 ? { email: message } : { form: message } };
        return usersPage(c, { values: {}, errors: {} }, statusOf(err), inviteForm);
      },
    );
  })
  .route("/", inviteActionPages("resend"))
  .route("/", inviteActionPages("revoke"))
  // --- Account page: change of address ---
  .post("/account/email", page, needSession, csrf, async (c) => {
    const actor = sessionOf(c);
    const form = await formOf(c);
    const t = (await pageCtx(c)).t;
    const value = form.email ?? "";
    const proof = stepUpProofOf(form);
    const email = emailChangeBody.shape.email.safeParse(value);
    if (!email.success) return accountPage(c, { email: { value, error: t.errors.email } }, 400);
    // The API's refusal of one's own address (flows/email.ts), in the page's words next to the field.
    if (normalizeEmail(email.data) === normalizeEmail(actor.identity.user.email))
      return accountPage(c, { email: { value, error: t.people.sameEmail } }, 400);
    return formAction(
      c,
      "/account",
      async () => {
        const meta = requestMeta(c);
        await requireStepUp(c.env, actor, proof, meta);
        await requestEmailChange(c.env, actor.route, actor.identity.user, email.data, new URL(c.req.url).origin, meta, actor.tokenHash);
        return accountPage(c, { email: { sentTo: email.data } });
      },
      (_ctx, message, err) => {
        const stepUp = stepUpAskAfter(c, t, err, proof);
        return accountPage(c, { email: stepUp ? { value, stepUp } : { value, error: message } }, statusOf(err));
      },
    );
  });
