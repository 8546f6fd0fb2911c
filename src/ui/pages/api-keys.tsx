// API keys (admins): the new key shown once, the list, revoke.
import { Alert, Csrf, Field } from "../components";
import { Layout, type PageCtx } from "../layout";
import type { ApiKeyInfo } from "../../org/api-keys";

function when(iso: string | null | undefined, lang: string, never: string): string {
  if (!iso) return never;
  return new Date(iso).toLocaleString(lang === "fr" ? "fr-FR" : "en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
}

export function ApiKeysPage(p: {
  ctx: PageCtx;
  keys: ApiKeyInfo[];
  newKey?: string | undefined;
  notice?: string | undefined;
  nameError?: string | undefined;
}) {
  const { t } = p.ctx;
  const k = t.apiKeys;
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
                <th scope="col">{k.created}</th>
                <th scope="col">{k.lastUsed}</th>
                <th scope="col">{k.actions}</th>
              </tr>
            </thead>
            <tbody>
              {p.keys.map((key) => (
                <tr>
                  <td>{key.name}</td>
                  <td>{t.account.roles[key.role]}</td>
                  <td>{when(key.createdAt, p.ctx.lang, k.never)}</td>
                  <td>{when(key.lastUsedAt, p.ctx.lang, k.never)}</td>
                  <td>
                    <form method="post" action={`/api-keys/${encodeURIComponent(key.id)}/revoke`}>
                      <Csrf ctx={p.ctx} />
                      <button type="submit" class="danger" aria-label={`${k.revoke}: ${key.name}`}>
                        {k.revoke}
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section class="card" aria-labelledby="create-title">
        <h2 id="create-title">{k.createTitle}</h2>
        <form method="post" action="/api-keys" novalidate>
          <Csrf ctx={p.ctx} />
          <Field id="key-name" name="name" label={k.name} required error={p.nameError} autocomplete="off" maxlength={100} />
          <div class="field">
            <label for="key-role">{k.role}</label>
            <select id="key-role" name="role">
              <option value="technician">{t.account.roles.technician}</option>
              <option value="admin">{t.account.roles.admin}</option>
            </select>
          </div>
          <button type="submit">{k.create}</button>
        </form>
      </section>
    </Layout>
  );
}

export { when };
