// Property-based junk at the OpenID endpoints: never a 5xx, never a redirect anywhere but the client's own
// registered URI (or Gatehouse's own sign-in), and nothing issued to bad input: no code, no token.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BASE, call, createOrg, signIn } from "../support/api";
import { useTestClock } from "../support/clock";
import { authorizeUrl, basic, orgClient, pkce } from "../oidc/support";

useTestClock();

const RUNS = Number(process.env.FUZZ_RUNS ?? 25);

const junk = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.constantFrom(
    "",
    "https://evil.example/cb",
    "javascript:alert(1)",
    "//evil.example",
    "plain",
    "none login",
    "-1",
    "openid",
    "code token",
  ),
);
const KEYS = [
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
  "request",
];

describe("OpenID endpoints under junk", () => {
  it("authorize: no 5xx, no redirect off the registered URI, no code for a bad request", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const client = await orgClient(admin);
    const { challenge } = await pkce();
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom(...KEYS), junk, { maxKeys: 5 }), fc.boolean(), async (overrides, signedIn) => {
        const url = new URL(authorizeUrl(client, challenge), BASE);
        for (const [k, v] of Object.entries(overrides)) url.searchParams.set(k, v);
        const res = await call(`${url.pathname}${url.search}`, signedIn ? { cookie: admin } : {});
        expect(res.status).toBeLessThan(500);
        const location = res.headers.get("location");
        if (location === null) return;
        if (location === "/") return;
        expect(location.startsWith(`${client.redirectUri}?`)).toBe(true);
        const back = new URL(location).searchParams;
        // A code only for a request that is valid as sent: the fuzzed values kept the valid ones.
        if (back.get("code")) {
          expect(overrides.client_id ?? client.clientId).toBe(client.clientId);
          expect(overrides.code_challenge_method ?? "S256").toBe("S256");
          expect(overrides.response_type ?? "code").toBe("code");
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("authorize by POST: no 5xx, no redirect but the equal GET or the registered URI, never a code from the POST", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const client = await orgClient(admin);
    const { challenge } = await pkce();
    const types = fc.constantFrom(
      "application/x-www-form-urlencoded",
      "application/x-www-form-urlencoded; charset=UTF-8",
      "application/json",
      "text/plain",
      "multipart/form-data; boundary=zz",
      "",
    );
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom(...KEYS), junk, { maxKeys: 5 }),
        fc.boolean(),
        types,
        fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
        async (overrides, signedIn, type, query) => {
          const form = new URL(authorizeUrl(client, challenge), BASE).searchParams;
          for (const [k, v] of Object.entries(overrides)) form.set(k, v);
          const headers: Record<string, string> = { origin: "https://app.example.com", "sec-fetch-site": "cross-site" };
          if (type) headers["content-type"] = type;
          const path = query === undefined ? "/oauth/authorize" : `/oauth/authorize?${encodeURIComponent(query)}`;
          const res = await call(path, { method: "POST", body: form.toString(), headers, ...(signedIn ? { cookie: admin } : {}) });
          expect(res.status).toBeLessThan(500);
          expect(res.headers.getSetCookie()).toEqual([]);
          const location = res.headers.get("location");
          if (location === null) return;
          if (location.startsWith("/oauth/authorize?")) {
            // Only a request that passed every check, sent as a form with nothing in the query (a bare "?" is nothing).
            expect(query ?? "").toBe("");
            expect(type.startsWith("application/x-www-form-urlencoded")).toBe(true);
            expect(new URL(location, BASE).searchParams.toString()).toBe(form.toString());
            return;
          }
          expect(location.startsWith(`${client.redirectUri}?`)).toBe(true);
          const back = new URL(location).searchParams;
          expect(back.get("code")).toBeNull();
          expect(back.get("error")).toBeTruthy();
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("token, revoke, userinfo and logout: no 5xx, and no token for junk", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const client = await orgClient(admin);
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom("grant_type", "code", "redirect_uri", "code_verifier", "refresh_token", "client_id", "token"), junk, {
          maxKeys: 5,
        }),
        fc.constantFrom("/oauth/token", "/oauth/revoke"),
        fc.boolean(),
        async (fields, path, withSecret) => {
          const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
          if (withSecret) headers.authorization = basic(client);
          const res = await call(path, { headers, body: new URLSearchParams(fields).toString() });
          expect(res.status).toBeLessThan(500);
          const text = await res.text();
          expect(text).not.toContain("access_token");
          const info = await call("/oauth/userinfo", {
            headers: { authorization: `Bearer ${encodeURIComponent(fields.token ?? fields.code ?? "x")}` },
          });
          expect([400, 401]).toContain(info.status);
          const logout = await call(`/oauth/logout?${new URLSearchParams(fields)}`);
          expect(logout.status).toBeLessThan(500);
          const loc = logout.headers.get("location");
          if (loc !== null) expect(loc).toBe("/");
        },
      ),
      { numRuns: RUNS },
    );
  });
});
