// GET and POST /oauth/authorize (OIDC Core 3.1.2, RFC 6749 4.1, RFC 7636, RFC 9207): code flow with PKCE S256 only.
// Until the client and its exact redirect URI are known good, errors are a page here (never a redirect: RFC
// 9700 4.11); after that, they go back to the client with state and iss. Without a fitting session the person
// signs in on Gatehouse's own pages, which come back to /oauth/authorize/continue.
import { type Context, Hono } from "hono";
import { nowMs } from "../clock";
import type { AppEnv } from "../env";
import { readSessionCookie } from "../http/cookies";
import { hashCredential, parseCredential } from "../http/credentials";
import { orgStub } from "../org/stub";
import { clientAdmits, findClient } from "./clients";
import { MAX_REQUEST_LENGTH, MAX_STATE_LENGTH, PKCE_CHALLENGE } from "./constants";
import { SCOPES } from "./discovery";
import { errorPage } from "./error-page";
import { pageForm } from "./form";
import { newSecret } from "./ids";
import { issuerOf } from "./issuer";
import { leavePage } from "./leave-page";
import { sidOf } from "./jwt";
import { CONTINUE_PATH, clearPending, type Pending, readPending, savePending } from "./pending";
import { redirectAllowed } from "./redirect";

const SINGLE = [
  "client_id",
  "redirect_uri",
  "response_type",
  "scope",
  "state",
  "nonce",
  "code_challenge",
  "code_challenge_method",
  "prompt",
  "max_age",
  "acr_values",
  "response_mode",
];
const PROMPTS = new Set(["none", "login", "consent", "select_account"]);

type C = Context<AppEnv>;

/** An authorization request that passed every check: what issuing a code needs, and how to answer the client. */
interface Checked {
  client: NonNullable<Awaited<ReturnType<typeof findClient>>>;
  redirectUri: string;
  scope: string;
  challenge: string;
  nonce: string | null;
  prompts: string[];
  authAfter: number | null;
  requireMfa: boolean;
  firstAt: number;
  back: (answer: Record<string, string>) => Response | Promise<Response>;
  fail: (error: string, description: string) => Response | Promise<Response>;
}

/**
 * Every check of OIDC Core 3.1.2.1 / 3.1.2.2, shared by GET and POST: an answer (an error page, or an error sent
 * back to the client) or the checked request. It reads no cookie and changes nothing.
 */
async function checkRequest(c: C, params: URLSearchParams, pending: Pending | null): Promise<{ answer: Response } | { checked: Checked }> {
  const env = c.env;
  const stop = async (answer: Response | Promise<Response>) => ({ answer: await answer });
  const clientId = params.get("client_id") ?? "";
  const redirectUri = params.get("redirect_uri") ?? "";
  if (params.getAll("client_id").length > 1 || params.getAll("redirect_uri").length > 1) return stop(errorPage(c, (e) => e.malformed));
  const client = clientId.length <= 200 ? await findClient(env, clientId) : null;
  if (!client) return stop(errorPage(c, (e) => e.unknownClient));
  // Exact string match, no normalisation or wildcards (RFC 9700 2.1, 4.1.3); a native app's loopback port aside (redirect.ts).
  if (!redirectAllowed(client.redirectUris, redirectUri, client.type)) return stop(errorPage(c, (e) => e.unregisteredReturn));

  const issuer = issuerOf(c);
  const stateParam = params.get("state");
  const state = stateParam !== null && stateParam.length <= MAX_STATE_LENGTH ? stateParam : null;
  const back = (answer: Record<string, string>) => {
    const url = new URL(redirectUri);
    for (const [k, v] of Object.entries(answer)) url.searchParams.append(k, v);
    if (state !== null) url.searchParams.append("state", state);
    url.searchParams.append("iss", issuer);
    // A POST touches no cookie at all (it is a cross-site form post: authorizePost).
    if (c.req.method !== "POST") clearPending(c);
    // Resumed after the sign-in pages' form posts: a page, not a redirect (see leave-page.ts). A POST's answer is
    // a 303, so the client's redirect URI is fetched with GET.
    return pending ? leavePage(c, url.toString()) : c.redirect(url.toString(), c.req.method === "POST" ? 303 : 302);
  };
  const fail = (error: string, description: string) => back({ error, error_description: description });

  if (SINGLE.some((k) => params.getAll(k).length > 1)) return stop(fail("invalid_request", "A parameter was sent more than once."));
  // The request waits in a cookie while the person signs in; a browser drops a cookie over 4 KB without a word.
  if (params.toString().length > MAX_REQUEST_LENGTH) return stop(fail("invalid_request", "The request is too long."));
  if (params.has("request")) return stop(fail("request_not_supported", "Request objects are not supported."));
  if (params.has("request_uri")) return stop(fail("request_uri_not_supported", "request_uri is not supported."));
  // RFC 6749 4.1.2.1: a required parameter missing is invalid_request; unsupported_response_type is for another value.
  if (!params.get("response_type")) return stop(fail("invalid_request", "response_type is required."));
  if (params.get("response_type") !== "code") return stop(fail("unsupported_response_type", "Only response_type=code is supported."));
  const mode = params.get("response_mode");
  if (mode !== null && mode !== "query") return stop(fail("invalid_request", "Only response_mode=query is supported."));
  if (stateParam !== null && state === null) return stop(fail("invalid_request", `state must be at most ${MAX_STATE_LENGTH} characters.`));
  const scopes = (params.get("scope") ?? "").split(" ").filter(Boolean);
  if (!scopes.includes("openid")) return stop(fail("invalid_scope", "The openid scope is required."));
  const scope = [...new Set(scopes.filter((s) => (SCOPES as readonly string[]).includes(s)))].join(" ");
  const challenge = params.get("code_challenge") ?? "";
  if (params.get("code_challenge_method") !== "S256" || !PKCE_CHALLENGE.test(challenge)) {
    return stop(fail("invalid_request", "PKCE is required: code_challenge (43 characters) with code_challenge_method=S256."));
  }
  const nonce = params.get("nonce");
  if (nonce !== null && (nonce.length === 0 || nonce.length > MAX_STATE_LENGTH))
    return stop(fail("invalid_request", "nonce is empty or too long."));
  const prompts = (params.get("prompt") ?? "").split(" ").filter(Boolean);
  if (prompts.some((p) => !PROMPTS.has(p)) || (prompts.includes("none") && prompts.length > 1)) {
    return stop(fail("invalid_request", "prompt has an unknown value, or none with another value."));
  }
  const maxAgeParam = params.get("max_age");
  if (maxAgeParam !== null && !/^\d{1,9}$/.test(maxAgeParam)) return stop(fail("invalid_request", "max_age must be a number of seconds."));
  const requireMfa = (params.get("acr_values") ?? "").split(" ").includes("mfa");

  const now = nowMs();
  const firstAt = pending?.at ?? now;
  // prompt=login: a sign-in after this request arrived; max_age: one within that many seconds (OIDC Core 3.1.2.1)
  // or one made for this request, after it arrived: back from the sign-in pages, the seconds spent signing in do not
  // count against it (max_age=0 is prompt=login). Strictly after: a session that began in the same millisecond as
  // the request was not started for it.
  const loginAfter = prompts.includes("login") ? firstAt + 1 : null;
  const ageAfter = maxAgeParam !== null ? Math.min(now - Number(maxAgeParam) * 1000, firstAt + 1) : null;
  const authAfter = loginAfter === null ? ageAfter : ageAfter === null ? loginAfter : Math.max(loginAfter, ageAfter);
  return { checked: { client, redirectUri, scope, challenge, nonce, prompts, authAfter, requireMfa, firstAt, back, fail } };
}

/** GET: the checked request, then the person's session (or the sign-in pages), then a code back to the client. */
async function authorize(c: C, params: URLSearchParams, pending: Pending | null) {
  const env = c.env;
  const result = await checkRequest(c, params, pending);
  if ("answer" in result) return result.answer;
  const { client, redirectUri, scope, challenge, nonce, prompts, authAfter, requireMfa, firstAt, back, fail } = result.checked;

  const signIn = async (fresh: boolean) => {
    if (prompts.includes("none")) return fail("login_required", "The user must sign in.");
    await savePending(c, env.CHALLENGE_KEY, {
      query: params.toString(),
      at: firstAt,
      fresh,
      mfa: requireMfa,
      app: { name: client.name, org: client.orgSlug },
    });
    return c.redirect("/", 302);
  };

  const cookie = readSessionCookie(c);
  const route = parseCredential("gs", cookie);
  if (!cookie || !route) return pending ? fail("login_required", "The user did not sign in.") : signIn(authAfter !== null);
  if (!clientAdmits(client, route.slug)) return fail("access_denied", "This application is only for another organization's users.");
  const sessionHash = await hashCredential(env.HASH_KEY, cookie);
  const code = await newSecret(env.HASH_KEY, "oa", route);
  const issued = await orgStub(env, route.slug, route.jurisdiction).issueAuthCode({
    sessionHash,
    clientId: client.id,
    redirectUri,
    codeHash: code.hash,
    codeChallenge: challenge,
    nonce,
    scope,
    sid: await sidOf(sessionHash),
    authAfter,
    requireMfa,
  });
  if (issued.ok) return back({ code: code.token });
  if (prompts.includes("none"))
    return fail(issued.error === "mfa_required" ? "interaction_required" : "login_required", "The user must sign in.");
  // Once back from the sign-in pages, a requirement still unmet goes to the client rather than round again.
  if (pending) {
    return issued.error === "mfa_required"
      ? fail("access_denied", "This application requires two-factor authentication.")
      : fail("login_required", "The user did not complete the sign-in.");
  }
  return signIn(true);
}

/**
 * POST (OIDC Core 3.1.2.1: the authorization endpoint supports GET and POST): the same parameters as a form. It is
 * a cross-site form post by nature (guards.ts lets it through), so it never reads the session: it checks the
 * request exactly as GET does (the same errors, a page or back to the client) and answers a 303 to the equal GET,
 * where the session, the sign-in pages and every rule of issuing a code apply as for any link.
 */
async function authorizePost(c: C) {
  const params = await pageForm(c, "authorization");
  if (params instanceof Response) return params;
  const result = await checkRequest(c, params, null);
  if ("answer" in result) return result.answer;
  return c.redirect(`/oauth/authorize?${params}`, 303);
}

export const authorizeRoutes = new Hono<AppEnv>()
  .get("/authorize", (c) => authorize(c, new URL(c.req.url).searchParams, null))
  .post("/authorize", authorizePost)
  .get(CONTINUE_PATH.replace("/oauth", ""), async (c) => {
    const pending = await readPending(c, c.env.CHALLENGE_KEY);
    clearPending(c);
    if (!pending) return errorPage(c, (e) => e.expired);
    return authorize(c, new URLSearchParams(pending.query), pending);
  });
