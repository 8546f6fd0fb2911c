// Audit log (admins): newest first. Each event reads in words from the catalog, with its raw type beneath in
// small monospace: admins search and filter by the type (API, exports), so it must stay visible. Aggregated
// failures show how many times and when the last one was.
import { Layout, type PageCtx } from "../layout";
import type { AuditEvent } from "../../org/rpc";
import { when } from "./api-keys";

export function AuditPage({ ctx, events }: { ctx: PageCtx; events: AuditEvent[] }) {
  const a = ctx.t.audit;
  return (
    <Layout ctx={ctx} title={a.title}>
      <h1>{a.title}</h1>
      {/* Focusable: on a phone the table scrolls sideways, and a keyboard user must be able to scroll it too. */}
      <section class="card table-wrap" aria-label={a.title} tabindex={0}>
        {events.length === 0 ? (
          <p>{a.none}</p>
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
                  <td>{e.actor.label ?? e.actor.type}</td>
                  <td>{e.subject?.label ?? e.subject?.id ?? ""}</td>
                  <td>{e.ip ? <code>{e.ip}</code> : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </Layout>
  );
}
