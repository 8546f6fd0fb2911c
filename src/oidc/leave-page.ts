// Back to the application after a sign-in on Gatehouse's pages: a page that navigates on, not a redirect. The
// pages' CSP has form-action 'self', which Chromium enforces on every redirect after a form post, so the
// chain POST /login → /oauth/authorize/continue → the client's redirect URI would be stopped before the client;
// a document ends the form's chain, and its refresh is a new navigation.
import type { Context } from "hono";
import { html } from "hono/html";
import { catalog, savedLang } from "../ui/lang";

export function leavePage(c: Context, url: string, heading: "signedIn" | "signedOut" = "signedIn") {
  const lang = savedLang(c);
  const t = catalog(lang).oidc;
  c.header("cache-control", "no-store");
  return c.html(
    html`<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="0; url=${url}">
<title>${t.backTitle} · Gatehouse</title><link rel="stylesheet" href="/static/app.css"></head>
<body><main class="card"><h1>${t[heading]}</h1><p><a href="${url}">${t.continue}</a></p></main></body></html>`,
  );
}
