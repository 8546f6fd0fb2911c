// Account → Sessions: where the account is signed in (browser, when), with "Sign out" per session and "Sign out
// everywhere else". Sessions are named by their opaque public ids, never by a token.
import { browserOf } from "../browser-label";
import { Csrf } from "../components";
import type { PageCtx } from "../layout";
import { utcHeading, when } from "../when";
import type { SessionEntry } from "../../org/rpc";

/** "Chrome on Linux" in the viewer's language; `unknown` when the user agent names no browser. */
export function browserLabel(ctx: PageCtx, userAgent: string | null, unknown = ctx.t.people.unknownBrowser): string {
  const found = browserOf(userAgent);
  if (!found) return unknown;
  return found.os ? ctx.t.people.browserOn(found.browser, found.os) : found.browser;
}

export function SessionsSection({ ctx, sessions }: { ctx: PageCtx; sessions: SessionEntry[] }) {
  const p = ctx.t.people;
  const others = sessions.filter((s) => !s.current).length;
  return (
    // Scrolls sideways on a phone: focusable, so a keyboard can scroll it too (axe scrollable-region-focusable).
    <section class="card table-wrap" tabindex={0} aria-labelledby="sessions-title">
      <h2 id="sessions-title">{p.sessionsTitle}</h2>
      <p class="hint">{p.sessionsLead}</p>
      <table>
        <thead>
          <tr>
            <th scope="col">{p.browser}</th>
            <th scope="col">{utcHeading(p.signedIn)}</th>
            <th scope="col">{utcHeading(p.lastSeen)}</th>
            <th scope="col">{ctx.t.users.actions}</th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => {
            const label = browserLabel(ctx, s.userAgent);
            return (
              <tr>
                <td>
                  {label}
                  {s.current ? (
                    <>
                      {" "}
                      <span class="badge on">{p.thisSession}</span>
                    </>
                  ) : null}
                </td>
                <td>{when(s.createdAt, ctx.lang)}</td>
                <td>{when(s.lastSeenAt, ctx.lang)}</td>
                <td>
                  {s.current ? null : (
                    <form method="post" action={`/account/sessions/${encodeURIComponent(s.id)}/revoke`}>
                      <Csrf ctx={ctx} />
                      <button
                        type="submit"
                        class="secondary"
                        aria-label={ctx.t.labelled(p.endSession, `${label}, ${when(s.createdAt, ctx.lang)}`)}
                      >
                        {p.endSession}
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {others > 0 ? (
        <form method="post" action="/account/sessions/revoke-others" class="actions">
          <Csrf ctx={ctx} />
          <button type="submit" class="danger">
            {p.endOthers}
          </button>
        </form>
      ) : null}
    </section>
  );
}
