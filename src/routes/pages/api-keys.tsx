// API keys page: list, create (step-up, the key shown once, a resent form refused) and revoke after a
// confirmation page. Same flows as the JSON API (routes/org.ts).
import { Hono } from "hono";
import { nowMs } from "../../clock";
import type { AppEnv } from "../../env";
import { revokeApiKey } from "../../flows/admin";
import { createApiKey } from "../../flows/api-keys";
import { checkFormId } from "../../flows/form-ids";
import { requireStepUp } from "../../flows/step-up";
import { auditActor } from "../../http/actor";
import * as f from "../../http/fields";
import { requestMeta } from "../../http/meta";
import { newFormId } from "../../org/form-ids";
import type { PageCtx } from "../../ui/layout";
import { ApiKeysPage, type CreateKeyForm, RevokeApiKeyPage } from "../../ui/pages/api-keys";
import { MessagePage } from "../../ui/pages/sign-in";
import { apiKeyBody } from "../org";
import {
  csrf,
  formAction,
  formField,
  formOf,
  needAdmin,
  pageError,
  orgOf,
  page,
  pageCtx,
  render,
  sessionOf,
  staleAsk,
  statusOf,
  stepUpAskAfter,
  stepUpProofOf,
} from "./kit";
import { nameError } from "./name-error";

async function apiKeysPage(
  c: Parameters<typeof pageCtx>[0],
  extra: { newKey?: string; form?: CreateKeyForm },
  status: Parameters<typeof render>[2] = 200,
) {
  const ctx = await pageCtx(c, "/api-keys");
  const actor = sessionOf(c);
  const stub = orgOf(c, actor);
  const keys = await stub.listApiKeys();
  const users = await stub.usersById(keys.map((k) => k.createdBy));
  const notice = c.req.query("m") === "revoked" ? ctx.t.apiKeys.revoked : undefined;
  const people = Object.fromEntries(users.map((u) => [u.id, u.email]));
  // A stale session sees the step-up prompt in the create form before it submits (docs/api.md step-up).
  const form = extra.form ?? {
    values: {},
    stepUp: staleAsk(c, actor),
  };
  const formId = newFormId(nowMs());
  return render(c, ApiKeysPage({ ctx, keys, people, now: nowMs(), notice, newKey: extra.newKey, form, formId }), status);
}

/** A refusal about one API key, with the way back to the list. */
function keyMessage(ctx: PageCtx, message: string) {
  return MessagePage({ ctx, title: ctx.t.errorTitle, message, back: { href: "/api-keys", label: ctx.t.apiKeys.backToList } });
}

export const apiKeyPages = new Hono<AppEnv>()
  .onError(pageError)
  .get("/api-keys", page, needAdmin, (c) => apiKeysPage(c, {}))
  .post("/api-keys", page, needAdmin, csrf, async (c) => {
    const actor = sessionOf(c);
    const form = await formOf(c);
    const t = (await pageCtx(c)).t;
    const name = apiKeyBody.shape.name.safeParse(form.name ?? "");
    // The API's own rules: an unknown role or expiry is refused (never quietly turned into another value).
    const role = f.role.safeParse(form.role);
    const expiry = apiKeyBody.shape.expiresInDays.unwrap().safeParse(Number(form.expiresInDays));
    const values = { name: form.name ?? "", role: form.role, ...(expiry.success ? { expiresInDays: expiry.data } : {}) };
    const stale = staleAsk(c, actor);
    if (!name.success || !role.success || !expiry.success) {
      const bad = {
        values,
        stepUp: stale,
        ...(name.success ? { formError: t.errors.invalid_request } : { nameError: nameError(t, form.name, 100) }),
      };
      return apiKeysPage(c, { form: bad }, 400);
    }
    const proof = stepUpProofOf(form);
    const formId = form.formId ?? "";
    return formAction(
      c,
      "/api-keys",
      async () => {
        const meta = requestMeta(c);
        // The form's id first: a reload of the page that showed the key re-posts a code already spent, which must
        // be told what happened, not counted as a wrong code. The key's creation spends the id (org/form-ids.ts).
        await checkFormId(c.env, actor.route, formId);
        await requireStepUp(c.env, actor, proof, meta);
        const input = {
          name: name.data,
          role: role.data,
          createdBy: actor.identity.user.id,
          expiresInDays: expiry.data,
          formId,
          sessionTokenHash: actor.tokenHash,
        };
        const created = await createApiKey(c.env, actor.route, input, auditActor(actor), meta);
        return apiKeysPage(c, { newKey: created.key, form: { values: {} } });
      },
      (ctx, formError, err) => {
        if (err.reason === "already_submitted") {
          const back = { href: "/api-keys", label: ctx.t.apiKeys.backToList };
          return render(c, MessagePage({ ctx, title: ctx.t.apiKeys.alreadyTitle, message: ctx.t.apiKeys.alreadyCreated, back }), 409);
        }
        const stepUp = stepUpAskAfter(c, t, err, proof);
        return apiKeysPage(c, { form: stepUp ? { values, stepUp } : { values, stepUp: stale, formError } }, stepUp ? 403 : statusOf(err));
      },
    );
  })
  // Revoke asks first (the GET changes nothing); the confirmation page's button posts below.
  .get("/api-keys/:id/revoke", page, needAdmin, async (c) => {
    const id = c.req.param("id");
    const ctx = await pageCtx(c, `/api-keys/${encodeURIComponent(id)}/revoke`);
    const apiKey = (await orgOf(c).listApiKeys()).find((k) => k.id === id);
    return apiKey ? render(c, RevokeApiKeyPage({ ctx, apiKey })) : render(c, keyMessage(ctx, ctx.t.apiKeys.notFound), 404);
  })
  .post("/api-keys/:id/revoke", page, needAdmin, csrf, async (c) => {
    const actor = sessionOf(c);
    return formAction(
      c,
      "/api-keys",
      async () => {
        await revokeApiKey(c.env, actor.route, formField(f.id, c.req.param("id")), auditActor(actor), requestMeta(c));
        return c.redirect("/api-keys?m=revoked", 303);
      },
      // Unknown, already revoked or another org's: nothing was revoked, and the page says so (404, as the API).
      (ctx, message, err) => keyMessage(ctx, err.code === "not_found" ? ctx.t.apiKeys.notFound : message),
    );
  });
