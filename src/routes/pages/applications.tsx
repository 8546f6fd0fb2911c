// The Applications page (admins): the org's OpenID clients, register one, revoke one. The API's own schema
// (oidc/registration.ts clientBody) and flows (flows/oidc-clients.ts), so a form and a JSON call obey one rule.
import { Hono } from "hono";
import { nowMs } from "../../clock";
import type { AppEnv } from "../../env";
import { ApiError } from "../../errors";
import { registerApplication, revokeApplication } from "../../flows/oidc-clients";
import { requestMeta } from "../../http/meta";
import { MAX_REDIRECT_URIS, MAX_URI_LENGTH } from "../../oidc/constants";
import { newFormId } from "../../org/form-ids";
import { clientBody, uriProblem } from "../../oidc/registration";
import type { Catalog } from "../../ui/i18n/en";
import { ApplicationsPage, type NewApp, type RegisterAppForm, RevokeApplicationPage } from "../../ui/pages/applications";
import { MessagePage } from "../../ui/pages/sign-in";
import type { StepUpAsk } from "../../ui/step-up";
import {
  csrf,
  formAction,
  formOf,
  needAdmin,
  page,
  pageCtx,
  pageError,
  render,
  sessionOf,
  statusOf,
  stepUpAskAfter,
  stepUpProofOf,
  orgOf,
  staleAsk,
} from "./kit";
import { nameError } from "./name-error";

type C = Parameters<typeof pageCtx>[0];

async function applicationsPage(c: C, extra: { form?: RegisterAppForm; created?: NewApp }, status: Parameters<typeof render>[2] = 200) {
  const ctx = await pageCtx(c, "/applications");
  const apps = await orgOf(c).listOidcClients();
  const notice = c.req.query("m") === "revoked" ? ctx.t.applications.revoked : undefined;
  const form = extra.form ?? { values: {}, errors: {}, stepUp: staleAsk(c, sessionOf(c)) };
  const formId = newFormId(nowMs());
  return render(c, ApplicationsPage({ ctx, apps, notice, form, formId, ...(extra.created ? { created: extra.created } : {}) }), status);
}

/** One URI a line; blank lines and surrounding spaces ignored. */
function lines(text: string | undefined): string[] {
  return (text ?? "")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}

/** The words for each refused URI list, in the viewer's language: which line, and why (the API's own check). */
function uriErrors(t: Catalog, uris: string[], required: boolean): string[] | undefined {
  const a = t.applications;
  if (required && uris.length === 0) return [a.required];
  if (uris.length > MAX_REDIRECT_URIS) return [a.tooMany];
  const errors = uris.flatMap((uri) => {
    if (uri.length > MAX_URI_LENGTH) return [a.badUri(`${uri.slice(0, 60)}…`, t.errors.invalid_request)];
    const problem = uriProblem(uri);
    return problem ? [a.badUri(uri, a.uriProblems[problem])] : [];
  });
  return errors.length ? errors : undefined;
}

export const applicationPages = new Hono<AppEnv>()
  .onError(pageError)
  .get("/applications", page, needAdmin, (c) => applicationsPage(c, {}))
  .post("/applications", page, needAdmin, csrf, async (c) => {
    const actor = sessionOf(c);
    const form = await formOf(c);
    const t = (await pageCtx(c)).t;
    const values = {
      name: form.name ?? "",
      type: form.type ?? "",
      redirectUris: form.redirectUris ?? "",
      postLogoutRedirectUris: form.postLogoutRedirectUris ?? "",
    };
    const proof = stepUpProofOf(form);
    const redirectUris = lines(values.redirectUris);
    const postLogout = lines(values.postLogoutRedirectUris);
    // The API's own body, so the page accepts exactly what POST /api/org/oidc-clients accepts.
    const parsed = clientBody.safeParse({
      name: values.name,
      type: values.type,
      redirectUris,
      ...(postLogout.length ? { postLogoutRedirectUris: postLogout } : {}),
      ...(proof.code ? { code: proof.code } : {}),
      ...(proof.password ? { password: proof.password } : {}),
    });
    if (!parsed.success) {
      const fields = new Set(parsed.error.issues.map((i) => i.path[0]));
      const errors: RegisterAppForm["errors"] = {
        ...(fields.has("name") ? { name: nameError(t, values.name, 100) } : {}),
        ...(fields.has("type") ? { form: t.errors.invalid_request } : {}),
      };
      const redirectErrors = fields.has("redirectUris") ? uriErrors(t, redirectUris, true) : undefined;
      const logoutErrors = fields.has("postLogoutRedirectUris") ? uriErrors(t, postLogout, false) : undefined;
      if (redirectErrors) errors.redirectUris = redirectErrors;
      if (logoutErrors) errors.postLogoutRedirectUris = logoutErrors;
      const withCode = actor.identity.twoFactor.enabled;
      const badProof = fields.has("code") || fields.has("password");
      const stepUp = badProof ? { withCode, error: withCode ? t.stepUp.wrongCode : t.stepUp.wrongPassword } : staleAsk(c, actor);
      if (!errors.name && !errors.form && !errors.redirectUris && !errors.postLogoutRedirectUris && !stepUp?.error)
        errors.form = t.errors.invalid_request;
      return applicationsPage(c, { form: { values, errors, stepUp } }, 400);
    }
    const { name, type, postLogoutRedirectUris } = parsed.data;
    return formAction(
      c,
      "/applications",
      async () => {
        const reg = { name, type, redirectUris: parsed.data.redirectUris, postLogoutRedirectUris };
        const created = await registerApplication(c.env, actor, reg, proof, requestMeta(c), form.formId ?? "");
        // The secret is in this answer only (no-store, never a redirect to a page that could show it again).
        return applicationsPage(c, { created: { name: created.name, clientId: created.clientId, clientSecret: created.clientSecret } });
      },
      (ctx, message, err) => {
        if (err.reason === "already_submitted") {
          const back = { href: "/applications", label: ctx.t.applications.backToList };
          const words = { title: ctx.t.applications.alreadyTitle, message: ctx.t.applications.alreadyRegistered };
          return render(c, MessagePage({ ctx, ...words, back }), 409);
        }
        const stepUp = stepUpAskAfter(c, t, err, proof);
        const form = stepUp ? { values, errors: {}, stepUp } : { values, errors: { form: message }, stepUp: staleAsk(c, actor) };
        return applicationsPage(c, { form }, stepUp ? 403 : statusOf(err));
      },
    );
  })
  .get("/applications/:id/revoke", page, needAdmin, async (c) => revokePage(c, undefined))
  .post("/applications/:id/revoke", page, needAdmin, csrf, async (c) => {
    const actor = sessionOf(c);
    const proof = stepUpProofOf(await formOf(c));
    return formAction(
      c,
      "/applications",
      async () => {
        await revokeApplication(c.env, actor, c.req.param("id"), proof, requestMeta(c));
        return c.redirect("/applications?m=revoked", 303);
      },
      (ctx, message, err) => {
        const stepUp = stepUpAskAfter(c, ctx.t, err, proof);
        if (stepUp) return revokePage(c, stepUp, 403);
        return MessagePage({ ctx, title: ctx.t.errorTitle, message });
      },
    );
  });

async function revokePage(c: C, stepUp: StepUpAsk | undefined, status: 200 | 403 = 200) {
  const id = c.req.param("id") ?? "";
  const ctx = await pageCtx(c, `/applications/${encodeURIComponent(id)}/revoke`);
  const app = (await orgOf(c).listOidcClients()).find((a) => a.id === id);
  if (!app) throw new ApiError("not_found");
  return render(c, RevokeApplicationPage({ ctx, app, stepUp: stepUp ?? staleAsk(c, sessionOf(c)) }), status);
}
