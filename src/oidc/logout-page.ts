// The question RP-Initiated Logout 1.0 (section 2) makes the provider ask when a sign-out request cannot show it is
// this session's (no id_token_hint, or one of another session): a link anyone can send must not end a session
// unasked, and the application must not be told "signed out" when the person is not.
import type { Context } from "hono";
import { html } from "hono/html";
import { CSRF_FIELD } from "../ui/csrf";

/** What the confirming form posts again: the request's own parameters (checked again there) and the page's token. */
export interface LogoutQuestion {
  clientName: string | null;
  fields: Record<string, string>;
  csrf: string;
  /** Where "Stay signed in" goes: Gatehouse, not the application (which would take it for a sign-out). */
  stay: string;
}

export function logoutQuestionPage(c: Context, q: LogoutQuestion) {
  c.header("cache-control", "no-store");
  const asker = q.clientName ?? "An application";
  const hidden = Object.entries({ ...q.fields, [CSRF_FIELD]: q.csrf }).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`,
  );
  return c.html(
    html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign out? · Gatehouse</title><link rel="stylesheet" href="/static/app.css"></head>
<body><main class="card"><h1>Sign out of Gatehouse?</h1>
<p>${asker} asked to sign you out of Gatehouse. Signing out ends your Gatehouse session in this browser, and the
access it gave applications.</p>
<form method="post" action="/oauth/logout/confirm">${hidden}<button type="submit">Sign out</button></form>
<p><a href="${q.stay}">Stay signed in</a></p></main></body></html>`,
  );
}
