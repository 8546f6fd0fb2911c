// A real, independent OpenID client (openid-client) against `wrangler dev`: discovery, code + PKCE, token,
// ID token and JWKS verification, userinfo, refresh and revocation, as any relying party would use Gatehouse.
import { rmSync } from "node:fs";
import * as oidc from "openid-client";
import { afterAll, describe, expect, it } from "vitest";
import { PASSWORD, TEST_SECRETS } from "../support/secrets";
import { freshStateDir, http, startWorker } from "./worker";

const dir = freshStateDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("openid-client against wrangler dev", () => {
  it("signs in with code + PKCE, verifies the ID token, reads userinfo, refreshes and revokes", async () => {
    const worker = await startWorker(dir);
    try {
      const slug = `oc-${Date.now().toString(36)}`;
      const email = `ada-${slug}@example.com`;
      await http(worker.url, "/api/platform/orgs", {
        bearer: TEST_SECRETS.PLATFORM_TOKEN,
        body: { slug, name: "OIDC", admin: { email, password: PASSWORD } },
      });
      const login = await http(worker.url, "/auth/login", { body: { email, password: PASSWORD } });
      const redirectUri = "https://app.example.com/callback";
      const reg = await http(worker.url, "/api/org/oidc-clients", {
        cookie: login.cookie,
        body: { name: "E2E", type: "confidential", redirectUris: [redirectUri] },
      });
      expect(reg.status).toBe(201);

      const config = await oidc.discovery(
        new URL(worker.url),
        reg.body.clientId,
        undefined,
        oidc.ClientSecretBasic(reg.body.clientSecret),
        {
          execute: [oidc.allowInsecureRequests],
        },
      );
      expect(config.serverMetadata().issuer).toBe(worker.url);
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: "openid email profile offline_access",
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: "S256",
        state,
        nonce,
      });
      const res = await fetch(url, { headers: { cookie: login.cookie as string }, redirect: "manual" });
      const back = new URL(res.headers.get("location") as string);
      const tokens = await oidc.authorizationCodeGrant(config, back, {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
      });
      const claims = tokens.claims();
      expect(claims).toMatchObject({ iss: worker.url, email, org: slug, role: "admin", amr: ["pwd"] });
      const info = await oidc.fetchUserInfo(config, tokens.access_token, claims?.sub as string);
      expect(info).toMatchObject({ email, org: slug });
      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token as string);
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
      await oidc.tokenRevocation(config, refreshed.refresh_token as string);
      await expect(oidc.refreshTokenGrant(config, refreshed.refresh_token as string)).rejects.toMatchObject({ error: "invalid_grant" });
      await expect(oidc.fetchUserInfo(config, refreshed.access_token, claims?.sub as string)).rejects.toThrow();
    } finally {
      await worker.dispose();
    }
  });
});
