// Admin pages: Users, Settings → Security, API keys, Audit log. Same org-object methods and flows as routes/org.ts.
import { Hono } from "hono";
import { z } from "zod";
import { AUDIT_PAGE_DEFAULT } from "../constants";
import type { AppEnv } from "../env";
import { createApiKey } from "../flows/api-keys";
import { createUser } from "../flows/accounts";
import { unwrap } from "../flows/outcomes";
import { resetTwoFactor } from "../flows/two-factor";
import { auditActor } from "../http/actor";
import * as f from "../http/fields";
import { requestMeta } from "../http/meta";
import { orgStub } from "../org/stub";
import { ApiKeysPage } from "../ui/pages/api-keys";
import { AuditPage } from "../ui/pages/audit";
import { SettingsPage } from "../ui/pages/settings";
import { MessagePage } from "../ui/pages/sign-in";
import { type AddUserForm, ResetConfirmPage, UsersPage } from "../ui/pages/users";
import { csrf, formField, formOf, messageFor, needAdmin, page, pageCtx, render, type SessionActor, sessionOf, statusOf } from "./page-kit";

const stubOf = (env: AppEnv["Bindings"], actor: SessionActor) => orgStub(env, actor.route.slug, actor.route.jurisdiction);

async function usersPage(c: Parameters<typeof pageCtx>[0], form: AddUserForm, status: Parameters<typeof render>[2] = 200) {
  const actor = sessionOf(c);
  const ctx = await pageCtx(c, "/users");
  const notices: Record<string, string> = { added: ctx.t.users.added, reset: ctx.t.users.resetDone };
  const users = await stubOf(c.env, actor).listUsers();
  const notice = notices[c.req.query("m") ?? ""];
  return render(c, UsersPage({ ctx, users, selfId: actor.identity.user.id, form, notice }), status);
}

async function apiKeysPage(
  c: Parameters<typeof pageCtx>[0],
  extra: { newKey?: string; nameError?: string },
  status: Parameters<typeof render>[2] = 200,
) {
  const ctx = await pageCtx(c, "/api-keys");
  const keys = await stubOf(c.env, sessionOf(c)).listApiKeys();
  const notice = c.req.query("m") === "revoked" ? ctx.t.apiKeys.revoked : undefined;
  return render(c, ApiKeysPage({ ctx, keys, notice, ...extra }), status);
}

export const adminPages = new Hono<AppEnv>()
  .get("/users", page, needAdmin, (c) => usersPage(c, { values: {}, errors: {} }))
  .post("/users", page, needAdmin, csrf, async (c) => {
    const form = await formOf(c);
    const t = (await pageCtx(c)).t;
    const values = { email: form.email ?? "", name: form.name ?? "", role: form.role === "admin" ? "admin" : "technician" };
    const errors: AddUserForm["errors"] = {};
    const email = f.email.safeParse(values.email);
    const password = f.password.safeParse(form.password ?? "");
    const name = f.personName.safeParse(values.name);
    if (!email.success) errors.email = t.errors.email;
    if (!password.success) errors.password = t.errors.password;
    if (!name.success) errors.name = t.errors.invalid_request;
    if (!email.success || !password.success || !name.success) return usersPage(c, { values, errors }, 400);
    const actor = sessionOf(c);
    try {
      const input = { email: email.data, password: password.data, name: name.data || undefined, role: formField(f.role, values.role) };
      await createUser(c.env, actor.route, input, auditActor(actor), requestMeta(c));
      return c.redirect("/users?m=added", 303);
    } catch (err) {
      const message = messageFor(t, err);
      return usersPage(c, { values, errors: statusOf(err) === 409 ? { email: message } : { form: message } }, statusOf(err));
    }
  })
  .get("/users/:id/reset-2fa", page, needAdmin, async (c) => {
    const ctx = await pageCtx(c);
    const user = (await stubOf(c.env, sessionOf(c)).listUsers()).find((u) => u.id === c.req.param("id"));
    if (!user) return render(c, MessagePage({ ctx, title: ctx.t.errorTitle, message: ctx.t.errors.not_found }), 404);
    return render(c, ResetConfirmPage({ ctx, user }));
  })
  .post("/users/:id/reset-2fa", page, needAdmin, csrf, async (c) => {
    const actor = sessionOf(c);
    try {
      await resetTwoFactor(c.env, actor.route, formField(f.id, c.req.param("id")), auditActor(actor), requestMeta(c));
      return c.redirect("/users?m=reset", 303);
    } catch (err) {
      const ctx = await pageCtx(c, "/users");
      return render(c, MessagePage({ ctx, title: ctx.t.errorTitle, message: messageFor(ctx.t, err) }), statusOf(err));
    }
  })
  .get("/settings", page, needAdmin, async (c) => {
    const actor = sessionOf(c);
    const ctx = await pageCtx(c);
    const compliance = await stubOf(c.env, actor).compliance();
    const notice = c.req.query("m") === "saved" ? ctx.t.settings.saved : undefined;
    const { require2fa, totpPeriod } = actor.identity.org;
    return render(c, SettingsPage({ ctx, require2fa, totpPeriod, compliance, notice }));
  })
  .post("/settings", page, needAdmin, csrf, async (c) => {
    const actor = sessionOf(c);
    const form = await formOf(c);
    const period = f.totpPeriod.safeParse(Number(form.totpPeriod));
    try {
      unwrap(
        await stubOf(c.env, actor).updateSettings({
          require2fa: form.require2fa === "on",
          ...(period.success ? { totpPeriod: period.data } : {}),
          actor: auditActor(actor),
          meta: requestMeta(c),
        }),
      );
      return c.redirect("/settings?m=saved", 303);
    } catch (err) {
      const ctx = await pageCtx(c, "/settings");
      return render(c, MessagePage({ ctx, title: ctx.t.errorTitle, message: messageFor(ctx.t, err) }), statusOf(err));
    }
  })
  .get("/api-keys", page, needAdmin, (c) => apiKeysPage(c, {}))
  .post("/api-keys", page, needAdmin, csrf, async (c) => {
    const actor = sessionOf(c);
    const form = await formOf(c);
    const t = (await pageCtx(c)).t;
    const name = z
      .string()
      .trim()
      .min(1)
      .max(100)
      .safeParse(form.name ?? "");
    if (!name.success) return apiKeysPage(c, { nameError: t.errors.required }, 400);
    const role = form.role === "admin" ? "admin" : "technician";
    const created = await createApiKey(
      c.env,
      actor.route,
      { name: name.data, role, createdBy: actor.identity.user.id },
      auditActor(actor),
      requestMeta(c),
    );
    return apiKeysPage(c, { newKey: created.key });
  })
  .post("/api-keys/:id/revoke", page, needAdmin, csrf, async (c) => {
    const actor = sessionOf(c);
    try {
      unwrap(
        await stubOf(c.env, actor).revokeApiKey({ id: formField(f.id, c.req.param("id")), actor: auditActor(actor), meta: requestMeta(c) }),
      );
    } catch {
      // Already revoked (e.g. a double click): the list below shows the truth either way.
    }
    return c.redirect("/api-keys?m=revoked", 303);
  })
  .get("/audit", page, needAdmin, async (c) => {
    const events = await stubOf(c.env, sessionOf(c)).auditEvents(AUDIT_PAGE_DEFAULT);
    return render(c, AuditPage({ ctx: await pageCtx(c), events }));
  });
