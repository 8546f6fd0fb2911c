// POST /oauth/token (RFC 6749 3.2, 4.1.3, 6; OIDC Core 3.1.3): authorization_code with PKCE, and refresh_token.
// The client is authenticated here (clients.ts); the code or refresh token is spent in its org's object in one
// transaction (org/actions/oidc-tokens.ts). Errors are RFC 6749 5.2 JSON; nothing is issued to a bad request.
import { type Context, Hono } from "hono";
import { keyedHash } from "../crypto/tokens";
import { newId } from "../crypto/tokens";
import type { AppEnv } from "../env";
import type { Route } from "../http/credentials";
import { requestMeta } from "../http/meta";
import type { OidcClient, OidcResult, TokenGrant } from "../org/oidc-rpc";
import { orgStub } from "../org/stub";
import { authenticateClient, ClientAuthError, clientAdmits } from "./clients";
import { ACCESS_TOKEN_TTL_SECONDS } from "../constants";
import { PKCE_VERIFIER } from "./constants";
import { decodeForm, hasRepeats, isForm } from "./form";
import { newSecret, parseRouted } from "./ids";
import { issuerOf } from "./issuer";
import { signAccessToken, signIdToken, verifyAccessToken } from "./jwt";
import { s256 } from "./pkce";

type C = Context<AppEnv>;

export function oauthError(c: C, error: string, description: string, status: 400 | 401 = 400, basic = false) {
  if (basic) c.header("WWW-Authenticate", 'Basic realm="gatehouse"');
  c.header("Pragma", "no-cache");
  return c.json({ error, error_description: description }, status);
}

/** The form body (RFC 6749 3.2: application/x-www-form-urlencoded), or null when it is not one. */
export async function formBody(c: C): Promise<URLSearchParams | null> {
  if (!isForm(c)) return null;
  const body = await decodeForm(c);
  // RFC 6749 3.2: parameters sent without a value are as if omitted; none may be repeated.
  return hasRepeats(body) ? null : body;
}

/** The client, or the invalid_client answer (401; with WWW-Authenticate when Basic was tried). */
export async function clientOf(c: C, body: URLSearchParams): Promise<OidcClient | Response> {
  try {
    return await authenticateClient(c.env, c.req.header("authorization"), {
      clientId: body.get("client_id") ?? undefined,
      // RFC 6749 3.2: a parameter sent without a value is as if omitted.
      secret: body.get("client_secret") || undefined,
    });
  } catch (err) {
    if (err instanceof ClientAuthError) return oauthError(c, "invalid_client", "Client authentication failed.", 401, err.basic);
    throw err;
  }
}

async function tokens(c: C, client: OidcClient, route: Route, result: OidcResult<TokenGrant>, refreshToken: string) {
  if (!result.ok) {
    if (result.error === "invalid_scope") return oauthError(c, "invalid_scope", "The request asks for a scope the grant does not hold.");
    return oauthError(c, "invalid_grant", "The code or refresh token is invalid, expired, spent or not this client's.");
  }
  const grant = result.value;
  const issuer = issuerOf(c);
  c.header("Pragma", "no-cache");
  return c.json({
    access_token: await signAccessToken(c.env, issuer, client.id, grant, route),
    token_type: "Bearer",
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    id_token: await signIdToken(c.env, issuer, client.id, grant),
    scope: grant.scope,
    ...(grant.refresh ? { refresh_token: refreshToken } : {}),
  });
}

export const tokenRoutes = new Hono<AppEnv>()
  .post("/token", async (c) => {
    const body = await formBody(c);
    if (!body) return oauthError(c, "invalid_request", "Send one of each parameter as application/x-www-form-urlencoded.");
    const client = await clientOf(c, body);
    if (client instanceof Response) return client;
    const grantType = body.get("grant_type");
    // RFC 6749 5.2: a required parameter missing is invalid_request; unsupported_grant_type is for one we do not offer.
    if (!grantType) return oauthError(c, "invalid_request", "grant_type is required.");
    if (grantType === "authorization_code") {
      const code = body.get("code") ?? "";
      const verifier = body.get("code_verifier") ?? "";
      const redirectUri = body.get("redirect_uri") ?? "";
      if (!PKCE_VERIFIER.test(verifier))
        return oauthError(c, "invalid_request", "code_verifier is required (RFC 7636: 43-128 characters).");
      const route = parseRouted("oa", code);
      if (!route || !clientAdmits(client, route.slug)) return oauthError(c, "invalid_grant", "The code is invalid.");
      const refresh = await newSecret(c.env.HASH_KEY, "or", route);
      const result = await orgStub(c.env, route.slug, route.jurisdiction).redeemAuthCode({
        codeHash: await keyedHash(c.env.HASH_KEY, code),
        clientId: client.id,
        redirectUri,
        verifierChallenge: await s256(verifier),
        grantId: newId("grant"),
        refreshHash: refresh.hash,
        meta: requestMeta(c),
      });
      return tokens(c, client, route, result, refresh.token);
    }
    if (grantType === "refresh_token") {
      const presented = body.get("refresh_token") ?? "";
      const route = parseRouted("or", presented);
      if (!route || !clientAdmits(client, route.slug)) return oauthError(c, "invalid_grant", "The refresh token is invalid.");
      const next = await newSecret(c.env.HASH_KEY, "or", route);
      // RFC 6749 3.2: a parameter without a value is as if omitted.
      const scope = body.get("scope")?.split(" ").filter(Boolean);
      // Narrower, but still OpenID: the answer carries an ID token, and userinfo is what its access token is for.
      if (scope?.length && !scope.includes("openid")) return oauthError(c, "invalid_scope", "The openid scope is required.");
      const result = await orgStub(c.env, route.slug, route.jurisdiction).refreshGrant({
        refreshHash: await keyedHash(c.env.HASH_KEY, presented),
        clientId: client.id,
        newRefreshHash: next.hash,
        scope: scope?.length ? scope : null,
        meta: requestMeta(c),
      });
      return tokens(c, client, route, result, next.token);
    }
    return oauthError(c, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token.");
  })
  // RFC 7009: the answer is 200 whether or not the token was valid, so it tells nothing to whoever holds one.
  .post("/revoke", async (c) => {
    const body = await formBody(c);
    if (!body?.get("token")) return oauthError(c, "invalid_request", "token is required, as application/x-www-form-urlencoded.");
    const client = await clientOf(c, body);
    if (client instanceof Response) return client;
    const token = body.get("token") as string;
    const meta = requestMeta(c);
    const refreshRoute = parseRouted("or", token);
    if (refreshRoute) {
      const stub = orgStub(c.env, refreshRoute.slug, refreshRoute.jurisdiction);
      await stub.revokeOidcToken({ refreshHash: await keyedHash(c.env.HASH_KEY, token), clientId: client.id, meta });
    } else {
      const access = await verifyAccessToken(c.env, issuerOf(c), token);
      if (access && access.clientId === client.id) {
        await orgStub(c.env, access.slug, access.jurisdiction).revokeOidcToken({ grantId: access.grantId, clientId: client.id, meta });
      }
    }
    return c.body(null, 200);
  });
