// An app a SaaS team protects with Gatehouse, with nothing but a stock OpenID Connect client: @hono/oidc-auth
// runs the code flow (PKCE, state, nonce, id_token checked against Gatehouse's JWKS) and keeps the person in
// its own signed cookie; the app shows who came back, from which org, and how they signed in (amr).
import { getAuth, type OidcAuthEnv, type OidcClaimsHook, oidcAuthMiddleware, revokeSession } from "@hono/oidc-auth";
import { Hono } from "hono";
import { html } from "hono/html";

// The claims Gatehouse puts in the id_token that this app keeps in its session cookie (docs/api.md, OpenID section).
const KEPT = ["sub", "email", "name", "org", "role", "amr"] as const;

// On sign-in the claims come from the id_token; on a refresh without one, the session keeps what it had.
const keepClaims: OidcClaimsHook = async (orig, claims) =>
  Object.fromEntries(KEPT.map((k) => [k, claims?.[k] ?? orig?.[k]]).filter(([, v]) => v !== undefined));

const page = (title: string, body: ReturnType<typeof html>) => html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title}</title>
  </head>
  <body>
    <main>${body}</main>
  </body>
</html>`;

const app = new Hono<{ Bindings: OidcAuthEnv }>();

app.use("*", async (c, next) => {
  c.header("content-security-policy", "default-src 'none'; frame-ancestors 'none'");
  c.header("referrer-policy", "no-referrer");
  c.set("oidcClaimsHook", keepClaims);
  await next();
});

// Before the middleware: signing out must not send the person to sign in again.
app.get("/logout", async (c) => {
  await revokeSession(c);
  return c.html(page("Signed out", html`<h1>Signed out</h1><p><a href="/">Sign in again</a></p>`));
});

// Everything else needs a Gatehouse sign-in; the middleware also answers /callback.
app.use("*", oidcAuthMiddleware());

app.get("/", async (c) => {
  const auth = await getAuth(c);
  const amr = Array.isArray(auth?.amr) ? auth.amr.join(" ") : "";
  return c.html(
    page(
      "Example app",
      html`<h1>Signed in through Gatehouse</h1>
        <dl>
          <dt>User</dt>
          <dd id="user">${auth?.name ?? ""} &lt;${auth?.email ?? ""}&gt; (${auth?.sub ?? ""})</dd>
          <dt>Organization</dt>
          <dd id="org">${auth?.org ?? ""} (${auth?.role ?? ""})</dd>
          <dt>How they signed in (amr)</dt>
          <dd id="amr">${amr}</dd>
        </dl>
        <p><a href="/logout">Sign out</a></p>`,
    ),
  );
});

export default app;
