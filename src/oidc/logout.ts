// GET /oauth/logout (OpenID Connect RP-Initiated Logout 1.0): ends the browser session only on an id_token_hint
// of that very session (so a link on another site cannot sign anyone out), and returns only to a
// post_logout_redirect_uri the client registered, exactly (never an open redirect).
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { clearSessionCookie, readSessionCookie } from "../http/cookies";
import { hashCredential, parseCredential } from "../http/credentials";
import { requestMeta } from "../http/meta";
import { orgStub } from "../org/stub";
import { findClient } from "./clients";
import { MAX_STATE_LENGTH } from "./constants";
import { errorPage } from "./error-page";
import { issuerOf } from "./issuer";
import { sidOf, verifyIdTokenHint } from "./jwt";

export const logoutRoutes = new Hono<AppEnv>().get("/logout", async (c) => {
  const q = new URL(c.req.url).searchParams;
  const hintToken = q.get("id_token_hint");
  const hint = hintToken && hintToken.length < 8192 ? await verifyIdTokenHint(c.env, issuerOf(c), hintToken) : null;
  if (hintToken && !hint) return errorPage(c, "The sign-out request is not valid (id_token_hint).");
  const clientId = q.get("client_id") ?? hint?.aud ?? null;
  if (hint && clientId !== hint.aud) return errorPage(c, "The sign-out request is not valid (client_id).");
  const target = q.get("post_logout_redirect_uri");
  let back: URL | null = null;
  if (target !== null) {
    const client = clientId ? await findClient(c.env, clientId) : null;
    if (!client?.postLogoutRedirectUris.includes(target)) {
      return errorPage(c, "This application asked to return to an address it has not registered.");
    }
    back = new URL(target);
    const state = q.get("state");
    if (state !== null && state.length <= MAX_STATE_LENGTH) back.searchParams.append("state", state);
  }
  const cookie = readSessionCookie(c);
  const route = parseCredential("gs", cookie);
  if (hint && cookie && route && route.slug === hint.org) {
    const sessionHash = await hashCredential(c.env.HASH_KEY, cookie);
    if ((await sidOf(sessionHash)) === hint.sid) {
      await orgStub(c.env, route.slug, route.jurisdiction).endOidcSession({ sessionHash, meta: requestMeta(c) });
      clearSessionCookie(c);
    }
  }
  if (back) return c.redirect(back.toString(), 302);
  return c.redirect("/", 302);
});
