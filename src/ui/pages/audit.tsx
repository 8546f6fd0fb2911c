// Audit log (admins): newest first. Each event reads in words from the catalog, with its raw type beneath in
// small monospace: admins search and filter by the type (API, exports), so it must stay visible. Aggregated
// failures show how many times and when the last one was. Older events are a page away (the API's cursor).
import { Alert } from "../components";
import { Layout, type PageCtx } from "../layout";
import type { AuditActor, AuditEvent } from "../../org/rpc";
import type { Catalog } from "../i18n/en";
import { when } from "../when";

/** Who acted: a key's name alone would read as a person's, so a key is named as one. */
function actorWords(a: Catalog["audit"], actor: AuditActor): string {
  if (actor.type === "api_key") return a.apiKeyActor(actor.label ?? actor.id ?? "");
  // Who has no name of their own is named in the page's language (the log stores "support" for the operator).
  if (actor.type === "operator") return a.operatorActor;
  if (actor.type === "system") return a.systemActor;
  return actor.label ?? actor.type;
}

export function AuditPage({
  ctx,
  events,
  paging,
  error,
}: {
  ctx: PageCtx;
  events: AuditEvent[];
  /** `paged`: this is not the newest page; `nextBefore`: the cursor of the next, older page, when there may be one. */
  paging: { paged: boolean; nextBefore?: number | undefined };
  error?: string | undefined;
}) {
  const a = ctx.t.audit;
  return (
    <Layout ctx={ctx} title={a.title}>
      <h1>{a.title}</h1>
      {error ? <Alert kind="error">{error}</Alert> : null}
      {/* Focusable: on a phone the table scrolls sideways, and a keyboard user must be able to scroll it too. */}
      <section class="card table-wrap" aria-label={a.title} tabindex={0}>
        {error ? null : events.length === 0 ? (
          <p>{paging.paged ? a.noneOlder : a.none}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{a.at}</th>
                <th scope="col">{a.event}</th>
                <th scope="col">{a.actor}</th>
                <th scope="col">{a.subject}</th>
                <th scope="col">{a.ip}</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr>
                  <td>
                    {when(e.at, ctx.lang, "")}
                    {e.count > 1 ? (
                      <>
                        <br />
                        <small class="hint">{a.repeated(e.count, when(e.lastAt, ctx.lang, ""))}</small>
                      </>
                    ) : null}
                  </td>
                  <td>
                    {/* An event type stored before its words existed still shows, as its raw type. */}
                    {a.types[e.type] ?? e.type}
                    <br />
                    <small class="hint">
                      <code>{e.type}</code>
                    </small>
                  </td>
                  <td>{actorWords(a, e.actor)}</td>
                  <td>{e.subject?.label ?? e.subject?.id ?? ""}</td>
                  <td>{e.ip ? <code>{e.ip}</code> : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {paging.paged || paging.nextBefore !== undefined ? (
          <p class="actions">
            {paging.paged ? <a href="/audit">{a.newest}</a> : null}
            {paging.nextBefore !== undefined ? (
              <a href={`/audit?before=${paging.nextBefore}`} rel="next">
                {a.older}
              </a>
            ) : null}
          </p>
        ) : null}
      </section>
    </Layout>
  );
}
