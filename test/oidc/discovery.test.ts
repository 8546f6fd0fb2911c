// Discovery 1.0 and the JWKS: the issuer is ISSUER_URL or the request's origin; every configured key is
// published (public half only) and the first one signs; a bad OIDC_SIGNING_KEYS is named by config.ts.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { compactVerify, createLocalJWKSet, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { configProblems } from "../../src/config";
import type { Env } from "../../src/env";
import app from "../../src/index";
import { signingKeys } from "../../src/oidc/keys";
import { BASE, callJson } from "../support/api";
import { TEST_SECRETS } from "../support/secrets";

const with_ = (overrides: Partial<Record<keyof Env, unknown>>) => ({ ...env, ...overrides }) as Env;

async function fetchWith(overrides: Partial<Record<keyof Env, unknown>>, path: string) {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`${BASE}${path}`), with_(overrides), ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

describe("OpenID discovery and keys", () => {
  it("describes the provider with the request's origin as issuer when ISSUER_URL is unset", async () => {
    const { status, body } = await callJson("/.well-known/openid-configuration");
    expect(status).toBe(200);
    expect(body).toMatchObject({
      issuer: BASE,
      authorization_endpoint: `${BASE}/oauth/authorize`,
      token_endpoint: `${BASE}/oauth/token`,
      jwks_uri: `${BASE}/oauth/jwks`,
      response_types_supported: ["code"],
      code_challenge_methods_supported: ["S256"],
      id_token_signing_alg_values_supported: ["RS256"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
      authorization_response_iss_parameter_supported: true,
    });
    // Every claim an ID token may carry is listed (OpenID Discovery 3), acr among them.
    expect(body.claims_supported).toEqual(expect.arrayContaining(["sub", "amr", "acr", "auth_time", "sid", "org", "role"]));
  });

  it("uses ISSUER_URL when set, for the issuer and every endpoint", async () => {
    const res = await fetchWith({ ISSUER_URL: "https://login.example.com" }, "/.well-known/openid-configuration");
    const body = (await res.json()) as Record<string, string>;
    expect(body.issuer).toBe("https://login.example.com");
    expect(body.token_endpoint).toBe("https://login.example.com/oauth/token");
  });

  it("publishes every key's public half, and tokens signed with the first key verify against it", async () => {
    const { body } = await callJson<{ keys: Record<string, string>[] }>("/oauth/jwks");
    const configured = JSON.parse(TEST_SECRETS.OIDC_SIGNING_KEYS) as { kid: string }[];
    expect(body.keys.map((k) => k.kid)).toEqual(configured.map((k) => k.kid));
    for (const key of body.keys) {
      expect(Object.keys(key).sort()).toEqual(["alg", "e", "kid", "kty", "n", "use"]);
      expect(key).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig" });
    }
    const { signer } = await signingKeys(TEST_SECRETS.OIDC_SIGNING_KEYS);
    expect(signer.kid).toBe(configured[0]?.kid);
    const jwt = await new SignJWT({ a: 1 }).setProtectedHeader({ alg: "RS256", kid: signer.kid }).sign(signer.key);
    await expect(compactVerify(jwt, createLocalJWKSet(body as never))).resolves.toBeTruthy();
  });

  it("names a missing or malformed OIDC_SIGNING_KEYS, and an ISSUER_URL with a path", () => {
    const [first] = JSON.parse(TEST_SECRETS.OIDC_SIGNING_KEYS) as Record<string, string>[];
    const bad: [unknown, RegExp][] = [
      [undefined, /^OIDC_SIGNING_KEYS is missing/],
      ["not json", /^OIDC_SIGNING_KEYS is not JSON/],
      ["[]", /non-empty JSON array/],
      [JSON.stringify([{ ...first, kid: undefined }]), /distinct, non-empty kid/],
      [JSON.stringify([first, first]), /distinct, non-empty kid/],
      [JSON.stringify([{ ...first, d: undefined }]), /not a private RSA key/],
      [JSON.stringify([{ ...first, alg: "HS256" }]), /not for RS256/],
      [JSON.stringify([{ kty: "oct", kid: "x", k: "abc" }]), /not an RSA JWK/],
    ];
    for (const [value, message] of bad) {
      const problems = configProblems(with_({ OIDC_SIGNING_KEYS: value }));
      expect(problems, String(value)).toHaveLength(1);
      expect(problems[0]).toMatch(message);
    }
    for (const issuer of ["https://login.example.com/", "https://login.example.com/auth", "login.example.com", "https://x.test?q=1"]) {
      expect(configProblems(with_({ ISSUER_URL: issuer })), issuer).toEqual([
        expect.stringMatching(/^ISSUER_URL must be the service's origin/),
      ]);
    }
    expect(configProblems(with_({ ISSUER_URL: "https://login.example.com" }))).toEqual([]);
  });
});
