// The provider's JWTs, signed and verified with jose alone (RS256, the first OIDC_SIGNING_KEYS key): ID tokens
// (OIDC Core 2) and access tokens (RFC 9068 "at+jwt", audience = the issuer, whose userinfo is the resource).
// The distinct typ and audience keep one from being accepted as the other.
import { compactVerify, createLocalJWKSet, jwtVerify, SignJWT } from "jose";
import { nowMs } from "../clock";
import { config } from "../config";
import { sha256Base64Url } from "./pkce";
import type { Env } from "../env";
import type { Route } from "../http/credentials";
import type { TokenGrant } from "../org/oidc-rpc";
import { ACCESS_TOKEN_TTL_SECONDS, ID_TOKEN_TTL_SECONDS } from "../constants";
import { signingKeys } from "./keys";

const AT_TYP = "at+jwt";

function nowSeconds(): number {
  return Math.floor(nowMs() / 1000);
}

/** OIDC `sid`: derived from the session's hash, so it names the session without revealing anything of it. */
export async function sidOf(sessionHash: string): Promise<string> {
  return (await sha256Base64Url(`sid:${sessionHash}`)).slice(0, 22);
}

export async function signIdToken(env: Env, issuer: string, clientId: string, grant: TokenGrant): Promise<string> {
  const { signer } = await signingKeys(config(env).oidc.signingKeys);
  const now = nowSeconds();
  return new SignJWT({
    ...grant.claims,
    amr: grant.amr,
    // The one level discovery offers (acr_values_supported), said when the sign-in reached it; never claimed otherwise.
    ...(grant.amr.includes("mfa") ? { acr: "mfa" } : {}),
    auth_time: grant.authTime,
    sid: grant.sid,
    azp: clientId,
    ...(grant.nonce !== null ? { nonce: grant.nonce } : {}),
  })
    .setProtectedHeader({ alg: "RS256", kid: signer.kid, typ: "JWT" })
    .setIssuer(issuer)
    .setAudience(clientId)
    .setIssuedAt(now)
    .setExpirationTime(now + ID_TOKEN_TTL_SECONDS)
    .sign(signer.key);
}

export async function signAccessToken(env: Env, issuer: string, clientId: string, grant: TokenGrant, route: Route): Promise<string> {
  const { signer } = await signingKeys(config(env).oidc.signingKeys);
  const now = nowSeconds();
  return new SignJWT({ client_id: clientId, scope: grant.scope, gid: grant.grantId, org: route.slug, jur: route.jurisdiction })
    .setProtectedHeader({ alg: "RS256", kid: signer.kid, typ: AT_TYP })
    .setIssuer(issuer)
    .setSubject(grant.claims.sub)
    .setAudience(issuer)
    .setIssuedAt(now)
    .setExpirationTime(now + ACCESS_TOKEN_TTL_SECONDS)
    .setJti(crypto.randomUUID())
    .sign(signer.key);
}

async function keySet(env: Env) {
  return createLocalJWKSet({ keys: (await signingKeys(config(env).oidc.signingKeys)).publicJwks });
}

export interface AccessClaims extends Route {
  sub: string;
  grantId: string;
  clientId: string;
}

/** A valid, unexpired access token of ours, or null. */
export async function verifyAccessToken(env: Env, issuer: string, token: string): Promise<AccessClaims | null> {
  try {
    const { payload } = await jwtVerify(token, await keySet(env), {
      algorithms: ["RS256"],
      issuer,
      audience: issuer,
      typ: AT_TYP,
      currentDate: new Date(nowMs()),
    });
    const { sub, gid, org, jur, client_id } = payload;
    if (typeof sub !== "string" || typeof gid !== "string" || typeof org !== "string" || typeof client_id !== "string") return null;
    if (jur !== null && typeof jur !== "string") return null;
    return { sub, grantId: gid, slug: org, jurisdiction: jur ?? null, clientId: client_id };
  } catch {
    return null;
  }
}

/**
 * An id_token_hint (RP-initiated logout 1.0 section 2): signed by us for this issuer; an expired one is still a
 * good hint (the spec says so), so only the signature, issuer and typ are checked.
 */
export async function verifyIdTokenHint(
  env: Env,
  issuer: string,
  token: string,
): Promise<{ aud: string; sid: string; org: string } | null> {
  try {
    const { payload, protectedHeader } = await compactVerify(token, await keySet(env), { algorithms: ["RS256"] });
    if (protectedHeader.typ === AT_TYP) return null;
    const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
    const { iss, aud, sid, org } = claims;
    if (iss !== issuer || typeof aud !== "string" || typeof sid !== "string" || typeof org !== "string") return null;
    return { aud, sid, org };
  } catch {
    return null;
  }
}
