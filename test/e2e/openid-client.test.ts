// The OpenID provider as a stock relying party sees it: openid-client (an independent, certified implementation)
// discovers Gatehouse, runs code + PKCE, verifies the id_token against the JWKS, nonce, state and the RFC 9207
// `iss`, reads userinfo, refreshes and revokes, against the Worker served by wrangler; the person signs in
// through Gatehouse's own HTTP API with codes from oathtool.
import { rmSync } from "node:fs";
import * as oidc from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { oathtoolCode } from "../support/oathtool";
import { PASSWORD, TEST_SECRETS } from "../support/secrets";
import { freshStateDir, http, type RunningWorker, startWorker } from "./worker";

const REDIRECT = "https://app.example.com/callback";
let dir: string;
let worker: RunningWorker;

beforeAll(async () => {
  dir = freshStateDir();
  worker = await startWorker(dir);
});
afterAll(async () => {
  await worker?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** A tiny cookie jar: the browser's part of the flow (Gatehouse's waiting-request cookie and its session). */
class Jar {
  private cookies = new Map<string, string>();
  take(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const at = (pair as string).indexOf("=");
      const name = (pair as string).slice(0, at);
      const value = (pair as string).slice(at + 1);
      if (value === "" || /max-age=0/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("cookie", this.header());
    const res = await fetch(url, { ...init, headers, redirect: "manual" });
    this.take(res);
    return res;
  }
  async json(url: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await this.fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }
}

async function newOrg() {
  const slug = `oc-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  const email = `ada-${slug}@example.com`;
  const created = await http(worker.url, "/api/platform/orgs", {
    bearer: TEST_SECRETS.PLATFORM_TOKEN,
    body: { slug, name: "OpenID e2e", admin: { email, password: PASSWORD, name: "Ada" } },
  });
  expect(created.status).toBe(201);
  return { slug, email };
}

async function relyingParty(clientId: string, clientSecret: string) {
  // The library's own default for a secret (client_secret_post), as a stock relying party would leave it; Basic is
  // pinned by test/oidc/token-rules.test.ts. Plain http only because wrangler serves the test Worker on 127.0.0.1.
  return oidc.discovery(new URL(worker.url), clientId, clientSecret, undefined, {
    execute: [oidc.allowInsecureRequests],
  });
}

async function startAuthorization(config: oidc.Configuration, jar: Jar, scope = "openid email profile offline_access") {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope,
    state,
    nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
  });
  // Nobody is signed in: Gatehouse keeps the request and sends the person to its own sign-in.
  const res = await jar.fetch(url.toString());
  expect(res.status).toBe(302);
  expect(res.headers.get("location")).toBe("/");
  return { verifier, state, nonce };
}

/** Back from the sign-in: Gatehouse resumes the request and sends the person to the client with code, state and iss. */
async function callbackUrl(jar: Jar): Promise<URL> {
  const res = await jar.fetch(`${worker.url}/oauth/authorize/continue`);
  // A page that navigates on (its refresh), not a redirect: see src/oidc/leave-page.ts.
  expect(res.status).toBe(200);
  const refresh = /<meta http-equiv="refresh" content="0; url=([^"]+)">/.exec(await res.text())?.[1] ?? "";
  const location = new URL(refresh.replace(/&amp;/g, "&"));
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
  return location;
}

async function rejects(p: Promise<unknown>): Promise<Record<string, unknown>> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e, "the call should have failed").toBeInstanceOf(Error);
  return e as Record<string, unknown>;
}

describe("openid-client against wrangler dev", () => {
  it("platform client: discovery, code + PKCE, id_token via JWKS, amr pwd, userinfo, refresh rotation and reuse", async () => {
    const registered = await http(worker.url, "/api/platform/oidc-clients", {
      bearer: TEST_SECRETS.PLATFORM_TOKEN,
      body: { name: "e2e platform app", type: "confidential", redirectUris: [REDIRECT] },
    });
    expect(registered.status).toBe(201);
    const config = await relyingParty(registered.body.clientId, registered.body.clientSecret);
    const meta = config.serverMetadata();
    expect(meta.issuer).toBe(worker.url);
    expect(meta.authorization_response_iss_parameter_supported).toBe(true);
    expect(meta.code_challenge_methods_supported).toEqual(["S256"]);

    const { slug, email } = await newOrg();
    const jar = new Jar();
    const checks = await startAuthorization(config, jar);
    const login = await jar.json(`${worker.url}/auth/login`, { email, password: PASSWORD, org: slug });
    expect(login.body.status).toBe("authenticated");
    const callback = await callbackUrl(jar);
    expect(callback.searchParams.get("iss")).toBe(worker.url);

    // openid-client checks iss (RFC 9207) and state itself: a forged iss or a wrong state is refused.
    const forged = new URL(callback);
    forged.searchParams.set("iss", "https://evil.example.com");
    await rejects(oidc.authorizationCodeGrant(config, forged, { pkceCodeVerifier: checks.verifier, expectedState: checks.state }));
    await rejects(
      oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: checks.verifier,
        expectedState: "another",
        expectedNonce: checks.nonce,
      }),
    );

    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: checks.verifier,
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    expect(claims).toMatchObject({ iss: worker.url, aud: registered.body.clientId, email, org: slug, role: "admin", nonce: checks.nonce });
    // No second factor was used: amr says password only (RFC 8176).
    expect(claims?.amr).toEqual(["pwd"]);
    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims?.sub as string);
    expect(info).toMatchObject({ email, org: slug, amr: ["pwd"] });

    const first = tokens.refresh_token as string;
    expect(first).toBeTruthy();
    const rotated = await oidc.refreshTokenGrant(config, first);
    expect(rotated.refresh_token).toBeTruthy();
    expect(rotated.refresh_token).not.toBe(first);
    // The old refresh token again: refused, and it takes the whole family with it.
    const reuse = await rejects(oidc.refreshTokenGrant(config, first));
    expect(reuse.error).toBe("invalid_grant");
    const family = await rejects(oidc.refreshTokenGrant(config, rotated.refresh_token as string));
    expect(family.error).toBe("invalid_grant");
    // The same code again is refused (single use).
    const again = await rejects(
      oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: checks.verifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
      }),
    );
    expect(again.error).toBe("invalid_grant");
  });

  it("org client registered by an admin: a TOTP sign-in gives amr pwd otp mfa; revocation ends the grant", async () => {
    const { slug, email } = await newOrg();
    const admin = new Jar();
    expect((await admin.json(`${worker.url}/auth/login`, { email, password: PASSWORD, org: slug })).body.status).toBe("authenticated");
    const registered = await admin.json(`${worker.url}/api/org/oidc-clients`, {
      name: "e2e org app",
      type: "confidential",
      redirectUris: [REDIRECT],
      password: PASSWORD,
    });
    expect(registered.status).toBe(201);
    // The admin turns on 2FA with oathtool's codes.
    const setup = await admin.json(`${worker.url}/api/me/2fa/setup`, { password: PASSWORD });
    expect(setup.status).toBe(200);
    const secret = new URL(setup.body.otpauthUri as string).searchParams.get("secret") as string;
    const now = Date.now();
    expect((await admin.json(`${worker.url}/api/me/2fa/confirm`, { code: oathtoolCode(secret, now) })).status).toBe(200);

    const config = await relyingParty(registered.body.clientId as string, registered.body.clientSecret as string);
    const jar = new Jar();
    const checks = await startAuthorization(config, jar);
    const step = await jar.json(`${worker.url}/auth/login`, { email, password: PASSWORD, org: slug });
    expect(step.body.status).toBe("2fa_required");
    // The confirming step is spent; the next one is within the accepted drift.
    const done = await jar.json(`${worker.url}/auth/login/2fa`, {
      challenge: step.body.challenge,
      code: oathtoolCode(secret, now + 30_000),
    });
    expect(done.status).toBe(200);
    const tokens = await oidc.authorizationCodeGrant(config, await callbackUrl(jar), {
      pkceCodeVerifier: checks.verifier,
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    expect(claims?.amr).toEqual(["pwd", "otp", "mfa"]);
    expect(claims).toMatchObject({ org: slug, role: "admin", email });
    expect((await oidc.fetchUserInfo(config, tokens.access_token, claims?.sub as string)).amr).toEqual(["pwd", "otp", "mfa"]);

    // RFC 7009: revoking the refresh token ends the grant: no refresh, and its access token stops working.
    await oidc.tokenRevocation(config, tokens.refresh_token as string, { token_type_hint: "refresh_token" });
    expect((await rejects(oidc.refreshTokenGrant(config, tokens.refresh_token as string))).error).toBe("invalid_grant");
    await rejects(oidc.fetchUserInfo(config, tokens.access_token, claims?.sub as string));
  });

  it("an org client refuses another org's user", async () => {
    const owner = await newOrg();
    const admin = new Jar();
    await admin.json(`${worker.url}/auth/login`, { email: owner.email, password: PASSWORD, org: owner.slug });
    const registered = await admin.json(`${worker.url}/api/org/oidc-clients`, {
      name: "only for owner",
      type: "confidential",
      redirectUris: [REDIRECT],
      password: PASSWORD,
    });
    expect(registered.status).toBe(201);
    const config = await relyingParty(registered.body.clientId as string, registered.body.clientSecret as string);
    const other = await newOrg();
    const jar = new Jar();
    const checks = await startAuthorization(config, jar);
    expect((await jar.json(`${worker.url}/auth/login`, { email: other.email, password: PASSWORD, org: other.slug })).body.status).toBe(
      "authenticated",
    );
    const callback = await callbackUrl(jar);
    expect(callback.searchParams.get("code")).toBeNull();
    const refused = await rejects(
      oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: checks.verifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
      }),
    );
    expect(refused.error).toBe("access_denied");
  });
});
