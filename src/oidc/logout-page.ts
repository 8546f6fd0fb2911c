// The question RP-Initiated Logout 1.0 (section 2) makes the provider ask when a sign-out request cannot show it is
// this session's (no id_token_hint, or one of another session): a link anyone can send must not end a session
// unasked, and the application must not be told "signed out" when the person is not.
import type { Context } from "hono";
import { html } from "hono/html";
import { CSRF_FIELD } from "../ui/csrf";
import { catalog, savedLang } from "../ui/lang";

/** What the confirming form posts again: the request's own parameters (checked again there) and the page's token. */
export interface LogoutQuestion {
  clientName: string | null;
  fields: Record<string, string>;
  csrf: string;
  /** Where "Stay signed in" goes: Gatehouse, not the application (which would take it for a sign-out). */
  stay: string;
}

export function logoutQuestionPage(c: Context, q: LogoutQuestion) {
  const lang = savedLang(c);
  const t = catalog(lang).oidc;
  c.header("cache-control", "no-store");
  const asker = q.clientName ?? t.anApplication;
  const hidden = Object.entries({ ...q.fields, [CSRF_FIELD]: q.csrf }).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`,
  );
  return c.html(
    html`<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t.logoutTitle} · Gatehouse</title><link rel="stylesheet" href="/static/app.css"></head>
<body><main class="card"><h1>${t.logoutHeading}</h1>
<p>${t.logoutLead(asker)}</p>
<form method="post" action="/oauth/logout/confirm">${hidden}<button type="submit">${t.logoutSubmit}</button></form>
<p><a href="${q.stay}">${t.stay}</a></p></main></body></html>`,
  );
}
