// Helpers for the OpenID provider's tests: register clients, run the code flow against the real Worker, and
// verify what it issues with jose against the published JWKS (as any relying party would).
import { createLocalJWKSet, type JWTPayload, jwtVerify } from "jose";
import { BASE, call, callJson } from "../support/api";
import { TEST_SECRETS } from "../support/secrets";

export interface Client {
  clientId: string;
  clientSecret?: string;
  redirectUri: string;
}

export const REDIRECT = "https://app.example.com/callback";

export async function orgClient(adminCookie: string, body: Record<string, unknown> = {}): Promise<Client> {
  const r = await callJson<{ clientId: string; clientSecret?: string }>("/api/org/oidc-clients", {
    cookie: adminCookie,
    body: {
      name: "Dashboard",
      type: "confidential",
      redirectUris: [REDIRECT],
      postLogoutRedirectUris: ["https://app.example.com/bye"],
      ...body,
    },
  });
  if (r.status !== 201) throw new Error(`orgClient: ${r.status} ${JSON.stringify(r.body)}`);
  return { ...r.body, redirectUri: ((body.redirectUris as string[] | undefined) ?? [REDIRECT])[0] as string };
}

export async function platformClient(body: Record<string, unknown> = {}): Promise<Client> {
  const r = await callJson<{ clientId: string; clientSecret?: string }>("/api/platform/oidc-clients", {
    bearer: TEST_SECRETS.PLATFORM_TOKEN,
    body: { name: "Platform app", type: "confidential", redirectUris: [REDIRECT], ...body },
  });
  if (r.status !== 201) throw new Error(`platformClient: ${r.status} ${JSON.stringify(r.body)}`);
  return { ...r.body, redirectUri: REDIRECT };
}

function b64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

export async function pkce() {
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = b64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
  return { verifier, challenge };
}

export function authorizeUrl(client: Client, challenge: string, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({
    response_type: "code",
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    scope: "openid email profile",
    state: "st-123",
    nonce: "n-456",
    code_challenge: challenge,
    code_challenge_method: "S256",
    ...extra,
  });
  return `/oauth/authorize?${q}`;
}

/** Runs /oauth/authorize with a session; returns the redirect's query (code, state, iss or error). */
export async function authorize(client: Client, cookie: string | undefined, challenge: string, extra: Record<string, string> = {}) {
  const res = await call(authorizeUrl(client, challenge, extra), cookie ? { cookie } : {});
  const location = res.headers.get("location");
  return { res, location, params: location ? new URL(location, BASE).searchParams : new URLSearchParams() };
}

export function basic(client: Client): string {
  return `Basic ${btoa(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret ?? "")}`)}`;
}

export async function tokenRequest(client: Client, fields: Record<string, string>, auth = true) {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (auth && client.clientSecret) headers.authorization = basic(client);
  const body = new URLSearchParams(client.clientSecret && auth ? fields : { client_id: client.clientId, ...fields }).toString();
  return callJson<Record<string, string>>("/oauth/token", { headers, body });
}

export async function redeem(client: Client, code: string, verifier: string) {
  return tokenRequest(client, { grant_type: "authorization_code", code, redirect_uri: client.redirectUri, code_verifier: verifier });
}

/** Signs in to the client with an existing session: code, then tokens. */
export async function codeFlow(client: Client, cookie: string, extra: Record<string, string> = {}) {
  const { verifier, challenge } = await pkce();
  const { params } = await authorize(client, cookie, challenge, extra);
  const code = params.get("code");
  if (!code) throw new Error(`codeFlow: no code: ${params}`);
  const r = await redeem(client, code, verifier);
  if (r.status !== 200) throw new Error(`codeFlow: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function verifyIdToken(token: string, clientId: string): Promise<JWTPayload & Record<string, unknown>> {
  const jwks = (await callJson<{ keys: never[] }>("/oauth/jwks")).body;
  const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: BASE, audience: clientId, currentDate: new Date() });
  return payload as JWTPayload & Record<string, unknown>;
}

export async function userinfo(accessToken: string) {
  return callJson<Record<string, unknown>>("/oauth/userinfo", { headers: { authorization: `Bearer ${accessToken}` } });
}
