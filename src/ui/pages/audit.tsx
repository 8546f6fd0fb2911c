// Audit log (admins): newest first.
import { Layout, type PageCtx } from "../layout";
import type { AuditEvent } from "../../org/audit";
import { when } from "./api-keys";

export function AuditPage({ ctx, events }: { ctx: PageCtx; events: AuditEvent[] }) {
  const a = ctx.t.audit;
  return (
    <Layout ctx={ctx} title={a.title}>
      <h1>{a.title}</h1>
      <section class="card table-wrap" aria-label={a.title}>
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
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr>
                  <td>{when(e.at, ctx.lang, "")}</td>
                  <td>
                    <code>{e.type}</code>
                  </td>
                  <td>{e.actor.label ?? e.actor.type}</td>
                  <td>{e.subject?.label ?? e.subject?.id ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </Layout>
  );
}
