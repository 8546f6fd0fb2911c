// The page shown when an authorization request cannot go back to its application (unknown client, redirect
// URI not registered, expired request): OAuth must not redirect then (RFC 6749 4.1.2.1, RFC 9700 4.11: no open
// redirector), so the person reads what went wrong here instead.
import type { Context } from "hono";
import { html } from "hono/html";

export function errorPage(c: Context, message: string, status: 400 | 403 | 404 | 415 = 400) {
  return c.html(
    html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign-in error · Gatehouse</title><link rel="stylesheet" href="/static/app.css"></head>
<body><main class="card"><h1>This sign-in cannot continue</h1><p role="alert">${message}</p>
<p>Go back to the application and try again. If this keeps happening, tell its administrator.</p></main></body></html>`,
    status,
  );
}
