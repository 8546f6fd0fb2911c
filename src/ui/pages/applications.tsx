// Applications (admins): the org's OpenID clients (name, client id, type, redirect URIs, created), each with a
// Revoke behind a confirmation page, and the register form; a new client's secret is shown once, on the answer
// to the form's post, and never again.
import type { OidcClientInfo } from "../../org/rpc";
import { Alert, CopyButton, Csrf, Field, FormId } from "../components";
import { Layout, type PageCtx } from "../layout";
import { type StepUpAsk, StepUpFields } from "../step-up";
import { utcHeading, when } from "../when";

export interface RegisterAppForm {
  values: { name?: string; type?: string; redirectUris?: string; postLogoutRedirectUris?: string };
  errors: { name?: string; redirectUris?: string[]; postLogoutRedirectUris?: string[]; form?: string };
  stepUp?: StepUpAsk | undefined;
}

/** What the form's post answers once, right after registering: never stored, never shown by a GET. */
export interface NewApp {
  name: string;
  clientId: string;
  clientSecret?: string | undefined;
}

function Uris({ uris }: { uris: string[] }) {
  return (
    <ul class="uris">
      {uris.map((u) => (
        <li>
          <code>{u}</code>
        </li>
      ))}
    </ul>
  );
}

function UriArea(p: { id: string; name: string; label: string; hint: string; value?: string | undefined; errors?: string[] | undefined }) {
  const described = [`${p.id}-hint`, p.errors?.length ? `${p.id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div class="field">
      <label for={p.id}>{p.label}</label>
      <textarea
        id={p.id}
        name={p.name}
        rows={3}
        spellcheck={false}
        autocomplete="off"
        aria-invalid={p.errors?.length ? "true" : undefined}
        aria-describedby={described}
      >
        {p.value ?? ""}
      </textarea>
      <p class="hint" id={`${p.id}-hint`}>
        {p.hint}
      </p>
      {p.errors?.length ? (
        <div class="field-error" id={`${p.id}-error`}>
          {p.errors.map((e) => (
            <p>{e}</p>
          ))}
        </div>
      ) : null}
    </div>
  );
}

export function ApplicationsPage(p: {
  ctx: PageCtx;
  apps: OidcClientInfo[];
  notice?: string | undefined;
  created?: NewApp;
  form: RegisterAppForm;
  /** The register form's single-use id: a reload of the answer that shows the secret registers nothing more. */
  formId: string;
}) {
  const { t, lang } = p.ctx;
  const a = t.applications;
  const v = p.form.values;
  return (
    <Layout ctx={p.ctx} title={a.title}>
      <h1>{a.title}</h1>
      <p class="lead">{a.lead}</p>
      {p.notice ? <Alert kind="ok">{p.notice}</Alert> : null}
      {p.created ? (
        <section class="card" aria-labelledby="newapp-title">
          <h2 id="newapp-title">{a.newTitle}</h2>
          <dl class="facts">
            <dt>{a.name}</dt>
            <dd>{p.created.name}</dd>
            <dt>{a.clientId}</dt>
            <dd>
              <code class="key" id="new-client-id">
                {p.created.clientId}
              </code>
            </dd>
            {p.created.clientSecret ? (
              <>
                <dt>{a.newSecret}</dt>
                <dd>
                  <code class="key" id="new-client-secret">
                    {p.created.clientSecret}
                  </code>{" "}
                  <CopyButton t={p.ctx.t} target="new-client-secret" />
                </dd>
              </>
            ) : null}
          </dl>
          {p.created.clientSecret ? <Alert kind="warn">{a.newSecretWarning}</Alert> : <p class="hint">{a.newPublic}</p>}
        </section>
      ) : null}
      <section class="card table-wrap" aria-labelledby="apps-title">
        <h2 id="apps-title">{a.title}</h2>
        {p.apps.length === 0 ? (
          <p>{a.none}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{a.name}</th>
                <th scope="col">{a.clientId}</th>
                <th scope="col">{a.type}</th>
                <th scope="col">{a.redirectUris}</th>
                <th scope="col">{utcHeading(a.created)}</th>
                <th scope="col">{a.actions}</th>
              </tr>
            </thead>
            <tbody>
              {p.apps.map((app) => (
                <tr>
                  <td>{app.name}</td>
                  <td>
                    <code>{app.id}</code>
                  </td>
                  <td>{a.typeShort[app.type]}</td>
                  <td>
                    <Uris uris={app.redirectUris} />
                  </td>
                  <td>{when(new Date(app.createdAt).toISOString(), lang, "")}</td>
                  <td>
                    <a href={`/applications/${encodeURIComponent(app.id)}/revoke`} aria-label={t.labelled(a.revoke, app.name)}>
                      {a.revoke}
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section class="card" aria-labelledby="register-title">
        <h2 id="register-title">{a.registerTitle}</h2>
        {p.form.errors.form ? <Alert kind="error">{p.form.errors.form}</Alert> : null}
        <form method="post" action="/applications" novalidate>
          <Csrf ctx={p.ctx} />
          <FormId id={p.formId} />
          <Field
            id="app-name"
            name="name"
            label={a.name}
            required
            error={p.form.errors.name}
            value={v.name}
            autocomplete="off"
            maxlength={100}
          />
          <fieldset>
            <legend>{a.type}</legend>
            {(["confidential", "public"] as const).map((type) => (
              <div class="check">
                <input type="radio" id={`app-type-${type}`} name="type" value={type} checked={(v.type ?? "confidential") === type} />
                <label for={`app-type-${type}`}>{a.types[type]}</label>
              </div>
            ))}
          </fieldset>
          <UriArea
            id="app-redirect-uris"
            name="redirectUris"
            label={a.redirectUris}
            hint={a.urisHint}
            value={v.redirectUris}
            errors={p.form.errors.redirectUris}
          />
          <UriArea
            id="app-logout-uris"
            name="postLogoutRedirectUris"
            label={a.postLogoutUris}
            hint={a.urisHint}
            value={v.postLogoutRedirectUris}
            errors={p.form.errors.postLogoutRedirectUris}
          />
          {p.form.stepUp ? <StepUpFields ctx={p.ctx} ask={p.form.stepUp} id="app" /> : null}
          <button type="submit">{a.register}</button>
        </form>
      </section>
    </Layout>
  );
}

export function RevokeApplicationPage({ ctx, app, stepUp }: { ctx: PageCtx; app: OidcClientInfo; stepUp?: StepUpAsk | undefined }) {
  const a = ctx.t.applications;
  return (
    <Layout ctx={ctx} title={a.revokeTitle}>
      <h1>{a.revokeTitle}</h1>
      <form method="post" action={`/applications/${encodeURIComponent(app.id)}/revoke`} class="card" novalidate>
        <Csrf ctx={ctx} />
        <p id="action-consequence">{a.revokeConfirm(`${app.name} (${app.id})`)}</p>
        {stepUp ? <StepUpFields ctx={ctx} ask={stepUp} id="confirm" /> : null}
        <div class="actions">
          <button type="submit" class="danger" aria-describedby="action-consequence">
            {a.revoke}
          </button>
          <a href="/applications" class="button secondary">
            {a.cancel}
          </a>
        </div>
      </form>
    </Layout>
  );
}
