// The page shown when an authorization request cannot go back to its application (unknown client, redirect
// URI not registered, expired request): OAuth must not redirect then (RFC 6749 4.1.2.1, RFC 9700 4.11: no open
// redirector), so the person reads what went wrong here instead, in the pages' language.
import type { Context } from "hono";
import { html } from "hono/html";
import type { Catalog } from "../ui/i18n/en";
import { catalog, savedLang } from "../ui/lang";

export type OidcProblem = (errors: Catalog["oidc"]["errors"]) => string;

export function errorPage(c: Context, problem: OidcProblem, status: 400 | 403 | 404 | 415 = 400) {
  const lang = savedLang(c);
  const t = catalog(lang).oidc;
  return c.html(
    html`<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t.errorTitle} · Gatehouse</title><link rel="stylesheet" href="/static/app.css"></head>
<body><main class="card"><h1>${t.errorHeading}</h1><p role="alert">${problem(t.errors)}</p>
<p>${t.errorNext}</p></main></body></html>`,
    status,
  );
}
