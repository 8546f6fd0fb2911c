// GET and POST /oauth/logout (OpenID Connect RP-Initiated Logout 1.0, section 2: both methods): ends the browser
// session only on an id_token_hint of that very session (so a link on another site cannot sign anyone out), and
// returns only to a post_logout_redirect_uri the client registered, exactly (never an open redirect).
import { type Context, Hono } from "hono";
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

const FORM_TYPE = "application/x-www-form-urlencoded";
const MAX_HINT_LENGTH = 8192;
const MAX_LOGOUT_REQUEST_LENGTH = 12_288;

async function logout(c: Context<AppEnv>) {
  const q = new URL(c.req.url).searchParams;
  const hintToken = q.get("id_token_hint");
  const hint = hintToken && hintToken.length < MAX_HINT_LENGTH ? await verifyIdTokenHint(c.env, issuerOf(c), hintToken) : null;
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
}

/**
 * POST: the same parameters as a form, from the application's page, so a cross-site form post (guards.ts lets it
 * through). The session cookie is SameSite=Lax and does not come with it; nor is it read: the answer is a 303 to the
 * equal GET, a top-level navigation that carries the cookie and where every rule above applies, as for a link.
 */
async function logoutPost(c: Context<AppEnv>) {
  const type = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== FORM_TYPE) return errorPage(c, `Send the sign-out request as a form (${FORM_TYPE}) or with GET.`, 415);
  // One place for the parameters: the query and the form together would leave it unclear which one counts.
  if (new URL(c.req.url).search !== "") return errorPage(c, "Send the parameters either in the query or in the form, not both.");
  const params = new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer()));
  if ([...new Set(params.keys())].some((k) => params.getAll(k).length > 1)) return errorPage(c, "A parameter was sent more than once.");
  // Refused here rather than sent on as a long URL: the GET takes an id_token_hint under 8 KiB.
  if ((params.get("id_token_hint")?.length ?? 0) >= MAX_HINT_LENGTH || params.toString().length > MAX_LOGOUT_REQUEST_LENGTH)
    return errorPage(c, "The sign-out request is too long.");
  return c.redirect(`/oauth/logout${params.size ? `?${params}` : ""}`, 303);
}

export const logoutRoutes = new Hono<AppEnv>().get("/logout", logout).post("/logout", logoutPost);
