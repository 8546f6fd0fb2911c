// Admin pages: Users, Settings → Security, Audit log (API keys have ./api-keys.tsx). Same org-object methods
// and flows as routes/org.ts.
import { Hono } from "hono";
import { USER_PAGE_DEFAULT } from "../../constants";
import type { AppEnv } from "../../env";
import { unlockUser, updateSettings } from "../../flows/admin";
import { readAuditPage } from "../../flows/audit";
import { createUser } from "../../flows/accounts";
import { callerOf } from "../../flows/step-up";
import { resetTwoFactor } from "../../flows/two-factor";
import { auditActor } from "../../http/actor";
import * as f from "../../http/fields";
import { requestMeta } from "../../http/meta";
import { parseUserCursor, type UserListEntry } from "../../org/users";
import { auditQuery, newUserBody, settingsBody, userPageQuery } from "../org";
import { AuditPage } from "../../ui/pages/audit";
import { listLinks } from "../../ui/paging";
import { NOT_ENROLLED_ANCHOR, SettingsPage } from "../../ui/pages/settings";
import type { PageCtx } from "../../ui/layout";
import { MessagePage } from "../../ui/pages/sign-in";
import { type AddUserForm, UserActionConfirmPage, UsersPage } from "../../ui/pages/users";
import { peopleNotices } from "./people";
import { type InviteForm, InvitesSection } from "../../ui/pages/invites";
import type { Catalog } from "../../ui/i18n/en";
import {
  csrf,
  formField,
  formOf,
  needAdmin,
  page,
  pageCtx,
  render,
  sessionOf,
  statusOf,
  stepUpAskAfter,
  stepUpProofOf,
  pageError,
  formAction,
  orgOf,
  staleAsk,
} from "./kit";
import { nameError } from "./name-error";

const inviteNotices = (t: Catalog) => ({ invited: t.people.invited, invite_resent: t.people.resent, invite_revoked: t.people.revoked });

/** A list's search as the pages read it: trimmed, and no longer than the API's `q` allows. */
const searchOf = (c: Parameters<typeof pageCtx>[0]) => (c.req.query("q") ?? "").trim().slice(0, 100);

export async function usersPage(
  c: Parameters<typeof pageCtx>[0],
  form: AddUserForm,
  status: Parameters<typeof render>[2] = 200,
  inviteForm: InviteForm = { values: {}, errors: {} },
) {
  const actor = sessionOf(c);
  // Shown again in the other language with its search and page (GET); after a form, the list's first page.
  const ctx = await pageCtx(c, c.req.method === "GET" ? undefined : "/users");
  const notices: Record<string, string> = {
    added: ctx.t.users.added,
    reset: ctx.t.users.resetDone,
    unlocked: ctx.t.users.unlockDone,
    ...peopleNotices(ctx.t),
    ...inviteNotices(ctx.t),
  };
  // Big orgs: one page at a time, searchable; a cursor that is not one of ours just starts from the first page.
  const q = searchOf(c);
  const given = c.req.query("cursor") ?? "";
  const cursor = parseUserCursor(given) ? given : undefined;
  const org = orgOf(c, actor);
  const [{ users, nextCursor, total, activeAdmins }, pending] = await Promise.all([
    org.userPage({ cursor, limit: USER_PAGE_DEFAULT, q: q || undefined }),
    org.listInvites(),
  ]);
  // The next page and, from any later page, back to the first: the search kept on both.
  const links = listLinks({ path: "/users", q, cursor, nextCursor });
  const notice = notices[c.req.query("m") ?? ""];
  const invites = InvitesSection({ ctx, invites: pending, form: inviteForm });
  return render(
    c,
    UsersPage({
      ctx,
      users,
      selfId: actor.identity.user.id,
      form,
      notice,
      invites,
      paging: { ...links, total },
      activeAdmins,
    }),
    status,
  );
}

/**
 * Settings → compliance: the counts, and the page of its not-enrolled list that the query asks for (?q=&cursor=),
 * read as GET /api/org/compliance reads them. A cursor the API would refuse is refused here too, in words, rather
 * than quietly showing the first page as if it were a later one.
 */
async function notEnrolledPage(c: Parameters<typeof pageCtx>[0], t: Catalog) {
  const q = searchOf(c);
  const raw = c.req.query("cursor");
  const given = userPageQuery.shape.cursor.safeParse(raw);
  const org = orgOf(c, sessionOf(c));
  const path = { path: "/settings", anchor: NOT_ENROLLED_ANCHOR, q };
  if (!given.success) {
    // The counts still show; the list does not, only the way back to its first page (the search kept).
    const compliance = await org.compliance({ limit: 1 });
    const paging = listLinks({ ...path, cursor: raw, nextCursor: null });
    return { compliance: { ...compliance, notEnrolled: [] }, paging, listError: t.settings.badCursor };
  }
  const cursor = given.data;
  const compliance = await org.compliance({ cursor, limit: USER_PAGE_DEFAULT, q: q || undefined });
  return { compliance, paging: listLinks({ ...path, cursor, nextCursor: compliance.nextCursor }), listError: undefined };
}

/**
 * Reset 2FA on someone without it: the page says so rather than "was reset" (Back to the confirmation after the first
 * reset, and its button again, reported a second reset and logged one). The API's own answer stays 204.
 */
const nothingToReset = (action: "reset-2fa" | "unlock", user: UserListEntry) => action === "reset-2fa" && !user.twoFactorEnabled;

/** Reset 2FA and Unlock: a confirmation page, then the action; both follow org/actions/access.ts. */
function userActionPages(action: "reset-2fa" | "unlock") {
  const target = async (c: Parameters<typeof pageCtx>[0]) => (await orgOf(c).usersById([c.req.param("id") ?? ""]))[0];
  const nothingPage = (ctx: PageCtx, user: UserListEntry) => {
    const back = { href: "/users", label: ctx.t.users.backToUsers };
    const message = ctx.t.users.resetNothing(`${user.name} (${user.email})`);
    return MessagePage({ ctx, title: ctx.t.users.resetTitle, message, back });
  };
  const confirmPage = async (
    c: Parameters<typeof pageCtx>[0],
    stepUp: Parameters<typeof UserActionConfirmPage>[0]["stepUp"],
    status: 200 | 403 | 404 = 200,
  ) => {
    const ctx = await pageCtx(c, `/users/${encodeURIComponent(c.req.param("id") ?? "")}/${action}`);
    const user = await target(c);
    if (!user) return render(c, MessagePage({ ctx, title: ctx.t.errorTitle, message: ctx.t.errors.not_found }), 404);
    if (user.id === sessionOf(c).identity.user.id) {
      return render(c, MessagePage({ ctx, title: ctx.t.errorTitle, message: ctx.t.errors.forbiddenSelf }), 403);
    }
    if (nothingToReset(action, user)) return render(c, nothingPage(ctx, user), 409);
    // Anyone's factors or lock change only with step-up (org/actions/access.ts): asked in place when the session is stale.
    const ask = stepUp ?? staleAsk(c);
    return render(c, UserActionConfirmPage({ ctx, user, action, stepUp: ask }), status);
  };
  return new Hono<AppEnv>()
    .get(`/users/:id/${action}`, page, needAdmin, (c) => confirmPage(c, undefined))
    .post(`/users/:id/${action}`, page, needAdmin, csrf, async (c) => {
      const actor = sessionOf(c);
      const proof = stepUpProofOf(await formOf(c));
      return formAction(
        c,
        "/users",
        async () => {
          const meta = requestMeta(c);
          const caller = await callerOf(c.env, actor, proof, meta);
          const userId = formField(f.id, c.req.param("id"));
          const user = await target(c);
          if (user && nothingToReset(action, user)) return render(c, nothingPage(await pageCtx(c, "/users"), user), 409);
          if (action === "reset-2fa") await resetTwoFactor(c.env, actor.route, userId, caller, auditActor(actor), meta);
          else await unlockUser(c.env, actor.route, userId, caller, auditActor(actor), meta);
          return c.redirect(`/users?m=${action === "reset-2fa" ? "reset" : "unlocked"}`, 303);
        },
        (ctx, message, err) => {
          const stepUp = stepUpAskAfter(c, ctx.t, err, proof);
          return stepUp ? confirmPage(c, stepUp, 403) : MessagePage({ ctx, title: ctx.t.errorTitle, message });
        },
      );
    });
}

export const adminPages = new Hono<AppEnv>()
  .onError(pageError)
  .get("/users", page, needAdmin, (c) => usersPage(c, { values: {}, errors: {} }))
  .post("/users", page, needAdmin, csrf, async (c) => {
    const form = await formOf(c);
    const t = (await pageCtx(c)).t;
    const values = { email: form.email ?? "", name: form.name ?? "", role: form.role ?? "" };
    // Each field with the API's own schema (routes/org.ts newUserBody): an unknown role is refused, as the API
    // refuses it, never quietly made a technician.
    const { shape } = newUserBody;
    const email = shape.email.safeParse(values.email);
    const password = shape.password.safeParse(form.password ?? "");
    const name = shape.name.safeParse(values.name);
    const role = shape.role.safeParse(values.role);
    const errors: AddUserForm["errors"] = {
      ...(email.success ? {} : { email: t.errors.email }),
      ...(password.success ? {} : { password: t.errors.password }),
      ...(name.success ? {} : { name: nameError(t, values.name, 200) }),
      ...(role.success ? {} : { form: t.errors.invalid_request }),
    };
    if (!email.success || !password.success || !name.success || !role.success) return usersPage(c, { values, errors }, 400);
    const actor = sessionOf(c);
    // The form's password is the new user's: only a code or a passkey steps up here.
    const { code, webauthn } = stepUpProofOf(form);
    const proof = { code, webauthn };
    return formAction(
      c,
      "/users",
      async () => {
        const input = { email: email.data, password: password.data, name: name.data || undefined, role: role.data };
        const meta = requestMeta(c);
        const caller = await callerOf(c.env, actor, proof, meta);
        await createUser(c.env, actor.route, input, caller, auditActor(actor), meta, new URL(c.req.url).origin);
        return c.redirect("/users?m=added", 303);
      },
      (_ctx, message, err) => {
        const stepUp = stepUpAskAfter(c, t, err, proof);
        if (stepUp) return usersPage(c, { values, errors: stepUp.withCode ? {} : { form: t.stepUp.noProofForAdmin }, stepUp }, 403);
        return usersPage(c, { values, errors: statusOf(err) === 409 ? { email: message } : { form: message } }, statusOf(err));
      },
    );
  })
  .route("/", userActionPages("reset-2fa"))
  .route("/", userActionPages("unlock"))
  .get("/settings", page, needAdmin, async (c) => {
    const actor = sessionOf(c);
    const ctx = await pageCtx(c);
    const list = await notEnrolledPage(c, ctx.t);
    const notice = c.req.query("m") === "saved" ? ctx.t.settings.saved : undefined;
    const { require2fa, totpPeriod, requirePhishingResistant } = actor.identity.org;
    return render(c, SettingsPage({ ctx, require2fa, totpPeriod, requirePhishingResistant, ...list, notice }), list.listError ? 400 : 200);
  })
  .post("/settings", page, needAdmin, csrf, async (c) => {
    const actor = sessionOf(c);
    const form = await formOf(c);
    const org = actor.identity.org;
    const phishingResistant = form.requirePhishingResistant === "on";
    // The API's own schema (routes/org.ts): an unknown period is refused, never quietly left as it was. The
    // phishing-resistance setting is sent only when it changes, since changing it needs step-up (flows/admin.ts).
    const settings = formField(settingsBody, {
      require2fa: form.require2fa === "on",
      totpPeriod: Number(form.totpPeriod),
      ...(phishingResistant !== org.requirePhishingResistant ? { requirePhishingResistant: phishingResistant } : {}),
    });
    const proof = stepUpProofOf(form);
    const { code: _c, password: _p, webauthn: _w, ...values } = settings;
    try {
      await updateSettings(c.env, actor, values, proof, auditActor(actor), requestMeta(c));
    } catch (err) {
      const t = (await pageCtx(c)).t;
      const stepUp = stepUpAskAfter(c, t, err, proof);
      if (!stepUp) throw err;
      const ctx = await pageCtx(c);
      const list = await notEnrolledPage(c, t);
      const shown = { require2fa: settings.require2fa ?? org.require2fa, totpPeriod: settings.totpPeriod ?? org.totpPeriod };
      return render(
        c,
        SettingsPage({ ctx, ...shown, requirePhishingResistant: phishingResistant, ...list, stepUp, error: stepUp.error }),
        403,
      );
    }
    return c.redirect("/settings?m=saved", 303);
  })
  .get("/audit", page, needAdmin, async (c) => {
    const ctx = await pageCtx(c);
    // The API's own cursor (routes/org.ts auditQuery) and paging (flows/audit.ts): a cursor it would refuse is
    // refused here too, in words, rather than quietly showing the newest events as if they were older ones.
    const query = auditQuery.safeParse({ before: c.req.query("before") });
    if (!query.success) return render(c, AuditPage({ ctx, events: [], paging: { paged: true }, error: ctx.t.audit.badCursor }), 400);
    const { events, nextBefore } = await readAuditPage(c.env, sessionOf(c).route, query.data);
    return render(c, AuditPage({ ctx, events, paging: { paged: query.data.before !== undefined, nextBefore } }));
  });
