// API keys (admins): the new key shown once, the list (who made each, last use, expiry), revoke behind a
// confirmation page, and create with an expiry, asking for step-up in place when the session is stale.
import { API_KEY_DEFAULT_DAYS, API_KEY_MAX_DAYS } from "../../constants";
import { Alert, CopyButton, Csrf, Field, FormId } from "../components";
import { Layout, type PageCtx } from "../layout";
import { type StepUpAsk, StepUpFields } from "../step-up";
import { utcHeading, when } from "../when";
import type { ApiKeyInfo } from "../../org/rpc";

/** The expiry choices offered; the API takes any whole number of days from 1 to 365. */
export const EXPIRY_CHOICES = [30, API_KEY_DEFAULT_DAYS, 180, API_KEY_MAX_DAYS] as const;

export interface CreateKeyForm {
  values: { name?: string; role?: string; expiresInDays?: number };
  nameError?: string | undefined;
  formError?: string | undefined;
  stepUp?: StepUpAsk | undefined;
}

export function ApiKeysPage(p: {
  ctx: PageCtx;
  keys: ApiKeyInfo[];
  /** User id to email, to say who made each key. */
  people: Record<string, string>;
  now: number;
  newKey?: string | undefined;
  notice?: string | undefined;
  form: CreateKeyForm;
  /** The create form's single-use id: a reload of the answer that shows the key makes no second one. */
  formId: string;
}) {
  const { t } = p.ctx;
  const k = t.apiKeys;
  const chosen = p.form.values.expiresInDays ?? API_KEY_DEFAULT_DAYS;
  return (
    <Layout ctx={p.ctx} title={k.title}>
      <h1>{k.title}</h1>
      <p class="lead">{k.lead}</p>
      {p.notice ? <Alert kind="ok">{p.notice}</Alert> : null}
      {p.newKey ? (
        <section class="card" aria-labelledby="newkey-title">
          <h2 id="newkey-title">{k.newKey}</h2>
          <p>
            <code class="key" id="new-api-key">
              {p.newKey}
            </code>
          </p>
          <p>
            <CopyButton t={p.ctx.t} target="new-api-key" />
          </p>
          <Alert kind="warn">{k.newKeyWarning}</Alert>
        </section>
      ) : null}
      <section class="card table-wrap" aria-labelledby="keys-title">
        <h2 id="keys-title">{k.title}</h2>
        {p.keys.length === 0 ? (
          <p>{k.none}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{k.name}</th>
                <th scope="col">{k.role}</th>
                <th scope="col">{k.createdBy}</th>
                <th scope="col">{utcHeading(k.created)}</th>
                <th scope="col">{utcHeading(k.lastUsed)}</th>
                <th scope="col">{utcHeading(k.expires)}</th>
                <th scope="col">{k.actions}</th>
              </tr>
            </thead>
            <tbody>
              {p.keys.map((key) => (
                <tr>
                  <td>{key.name}</td>
                  <td>{t.account.roles[key.role]}</td>
                  <td>{p.people[key.createdBy] ?? key.createdBy}</td>
                  <td>{when(key.createdAt, p.ctx.lang, k.never)}</td>
                  <td>{when(key.lastUsedAt, p.ctx.lang, k.never)}</td>
                  <td>
                    {Date.parse(key.expiresAt) <= p.now ? (
                      <span class="badge off">{k.expired}</span>
                    ) : (
                      when(key.expiresAt, p.ctx.lang, k.never)
                    )}
                  </td>
                  <td>
                    <a href={`/api-keys/${encodeURIComponent(key.id)}/revoke`} aria-label={t.labelled(k.revoke, key.name)}>
                      {k.revoke}
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section class="card" aria-labelledby="create-title">
        <h2 id="create-title">{k.createTitle}</h2>
        {p.form.formError ? <Alert kind="error">{p.form.formError}</Alert> : null}
        <form method="post" action="/api-keys" novalidate>
          <Csrf ctx={p.ctx} />
          <FormId id={p.formId} />
          <Field
            id="key-name"
            name="name"
            label={k.name}
            required
            error={p.form.nameError}
            value={p.form.values.name}
            autocomplete="off"
            maxlength={100}
          />
          <div class="field">
            <label for="key-role">{k.role}</label>
            <select id="key-role" name="role">
              <option value="technician">{t.account.roles.technician}</option>
              <option value="admin" selected={p.form.values.role === "admin"}>
                {t.account.roles.admin}
              </option>
            </select>
          </div>
          <div class="field">
            <label for="key-expiry">{k.expiresIn}</label>
            <select id="key-expiry" name="expiresInDays" aria-describedby="key-expiry-hint">
              {EXPIRY_CHOICES.map((d) => (
                <option value={String(d)} selected={d === chosen}>
                  {k.days(d)}
                </option>
              ))}
            </select>
            <p class="hint" id="key-expiry-hint">
              {k.expiryHint}
            </p>
          </div>
          {p.form.stepUp ? <StepUpFields ctx={p.ctx} ask={p.form.stepUp} id="key" /> : null}
          <button type="submit">{k.create}</button>
        </form>
      </section>
    </Layout>
  );
}

/** Revoke asks first, on a page of its own (a plain form: no script needed); the key dies on its button. */
export function RevokeApiKeyPage({ ctx, apiKey }: { ctx: PageCtx; apiKey: ApiKeyInfo }) {
  const k = ctx.t.apiKeys;
  return (
    <Layout ctx={ctx} title={k.revokeTitle}>
      <h1>{k.revokeTitle}</h1>
      <form method="post" action={`/api-keys/${encodeURIComponent(apiKey.id)}/revoke`} class="card" novalidate>
        <Csrf ctx={ctx} />
        <p id="action-consequence">{k.revokeConfirm(`${apiKey.name} (${ctx.t.account.roles[apiKey.role]})`)}</p>
        <div class="actions">
          <button type="submit" class="danger" aria-describedby="action-consequence">
            {k.revoke}
          </button>
          <a href="/api-keys" class="button secondary">
            {k.cancel}
          </a>
        </div>
      </form>
    </Layout>
  );
}
