// GET and POST /oauth/logout (OpenID Connect RP-Initiated Logout 1.0, section 2: both methods). The browser session
// ends at once only on an id_token_hint of that very session; any other request from a signed-in browser asks first
// (logout-page.ts), so a link on another site cannot sign anyone out. It returns only to a post_logout_redirect_uri
// the client registered, exactly (never an open redirect).
import { type Context, Hono } from "hono";
import { timingSafeEqual } from "../crypto/compare";
import type { AppEnv } from "../env";
import { clearSessionCookie, readSessionCookie } from "../http/cookies";
import { hashCredential, parseCredential } from "../http/credentials";
import { requestMeta } from "../http/meta";
import { orgStub } from "../org/stub";
import { keyedHash } from "../crypto/tokens";
import { CSRF_FIELD } from "../ui/csrf";
import { clientAdmits, findClient } from "./clients";
import { MAX_STATE_LENGTH } from "./constants";
import { errorPage } from "./error-page";
import { hasRepeats, pageForm } from "./form";
import { issuerOf } from "./issuer";
import { sidOf, verifyIdTokenHint } from "./jwt";
import { leavePage } from "./leave-page";
import { logoutQuestionPage } from "./logout-page";

type C = Context<AppEnv>;

const MAX_HINT_LENGTH = 8192;
const MAX_LOGOUT_REQUEST_LENGTH = 12_288;

/** A checked request: who asked (the client, when named), where to return, and the hint when one came. */
interface Checked {
  hint: Awaited<ReturnType<typeof verifyIdTokenHint>>;
  client: Awaited<ReturnType<typeof findClient>>;
  back: URL | null;
}

/** The checks every sign-out request passes before anything happens; an answer (an error page) when it fails one. */
async function check(c: C, q: URLSearchParams): Promise<Checked | Response> {
  const hintToken = q.get("id_token_hint");
  const hint = hintToken && hintToken.length < MAX_HINT_LENGTH ? await verifyIdTokenHint(c.env, issuerOf(c), hintToken) : null;
  if (hintToken && !hint) return errorPage(c, (e) => e.badHint);
  const clientId = q.get("client_id") ?? hint?.aud ?? null;
  if (hint && clientId !== hint.aud) return errorPage(c, (e) => e.badClient);
  const client = clientId && clientId.length <= 200 ? await findClient(c.env, clientId) : null;
  const target = q.get("post_logout_redirect_uri");
  let back: URL | null = null;
  if (target !== null) {
    if (!client?.postLogoutRedirectUris.includes(target)) {
      return errorPage(c, (e) => e.unregisteredReturn);
    }
    back = new URL(target);
    const state = q.get("state");
    if (state !== null && state.length <= MAX_STATE_LENGTH) back.searchParams.append("state", state);
  }
  return { hint, client, back };
}

/** The browser's session, when it sends one. */
async function browserSession(c: C) {
  const cookie = readSessionCookie(c);
  const route = parseCredential("gs", cookie);
  return cookie && route ? { route, sessionHash: await hashCredential(c.env.HASH_KEY, cookie) } : null;
}

type BrowserSession = NonNullable<Awaited<ReturnType<typeof browserSession>>>;

/**
 * The question's form token: bound to the session and to this form only, so the page (which any site can make a
 * browser open) holds nothing the account pages' forms would take.
 */
function questionToken(c: C, s: BrowserSession): Promise<string> {
  return keyedHash(c.env.HASH_KEY, `logout-question:${s.sessionHash}`);
}

/**
 * The client when it may speak to this person: an org's client only to its own org's people. Another org's client
 * (any admin can register one, named as they like) neither names itself on the question nor gets them back.
 */
function askingClient(checked: Checked, s: BrowserSession): { client: Checked["client"]; back: URL | null } {
  return checked.client && !clientAdmits(checked.client, s.route.slug) ? { client: null, back: null } : checked;
}

async function endSession(c: C, s: BrowserSession) {
  await orgStub(c.env, s.route.slug, s.route.jurisdiction).endOidcSession({ sessionHash: s.sessionHash, meta: requestMeta(c) });
  clearSessionCookie(c);
}

async function logout(c: C) {
  const q = new URL(c.req.url).searchParams;
  const checked = await check(c, q);
  if (checked instanceof Response) return checked;
  const { hint, back } = checked;
  const s = await browserSession(c);
  if (!s) return c.redirect(back?.toString() ?? "/", 302);
  if (hint && s.route.slug === hint.org && (await sidOf(s.sessionHash)) === hint.sid) {
    await endSession(c, s);
    return c.redirect(back?.toString() ?? "/", 302);
  }
  // Not shown to be this session's: ask. The form posts the request's parameters again (never the hint: an ID
  // token has no place in a page), and they are checked again there.
  const asking = askingClient(checked, s);
  const fields: Record<string, string> = {};
  if (asking.client) fields.client_id = asking.client.id;
  for (const name of ["post_logout_redirect_uri", "state"]) {
    const value = q.get(name);
    if (value !== null && asking.back) fields[name] = value;
  }
  // "Stay signed in" goes to Gatehouse, never back with the request's state: the application would take that
  // return for a sign-out that did not happen.
  return logoutQuestionPage(c, { clientName: asking.client?.name ?? null, fields, csrf: await questionToken(c, s), stay: "/" });
}

/** The form of a sign-out request: one of each parameter, none in the query too, not too long; an error page else. */
async function formParams(c: C): Promise<URLSearchParams | Response> {
  const params = await pageForm(c, "signOut");
  if (params instanceof Response) return params;
  if (hasRepeats(params)) return errorPage(c, (e) => e.repeated);
  // Refused here rather than sent on as a long URL: the GET takes an id_token_hint under 8 KiB.
  if ((params.get("id_token_hint")?.length ?? 0) >= MAX_HINT_LENGTH || params.toString().length > MAX_LOGOUT_REQUEST_LENGTH)
    return errorPage(c, (e) => e.tooLong);
  return params;
}

/**
 * POST: the same parameters as a form, from the application's page, so a cross-site form post (guards.ts lets it
 * through). The session cookie is SameSite=Lax and does not come with it; nor is it read: the answer is a 303 to the
 * equal GET, a top-level navigation that carries the cookie and where every rule above applies, as for a link.
 */
async function logoutPost(c: C) {
  const params = await formParams(c);
  if (params instanceof Response) return params;
  return c.redirect(`/oauth/logout${params.size ? `?${params}` : ""}`, 303);
}

/**
 * The person's answer to the question: a same-origin form post (guards.ts refuses a cross-site one) with the
 * question's token (questionToken). The request is checked again, then the session ends and the person goes back.
 */
async function confirm(c: C) {
  const params = await formParams(c);
  if (params instanceof Response) return params;
  const token = params.get(CSRF_FIELD) ?? "";
  params.delete(CSRF_FIELD);
  params.delete("id_token_hint");
  const checked = await check(c, params);
  if (checked instanceof Response) return checked;
  const s = await browserSession(c);
  let back = checked.back;
  if (s) {
    if (!timingSafeEqual(token, await questionToken(c, s))) {
      return errorPage(c, (e) => e.formExpired, 403);
    }
    back = askingClient(checked, s).back;
    await endSession(c, s);
  }
  // A document, not a redirect: the pages' CSP (form-action 'self') would stop a form's redirect to another site.
  return back ? leavePage(c, back.toString(), "signedOut") : c.redirect("/", 303);
}

export const logoutRoutes = new Hono<AppEnv>().get("/logout", logout).post("/logout", logoutPost).post("/logout/confirm", confirm);
