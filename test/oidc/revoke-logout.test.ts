// RFC 7009 revocation (a client revokes only its own tokens; the answer is 200 either way) and RP-initiated
// logout (ends the session only for its own id_token_hint; returns only to a registered URI).
import { describe, expect, it } from "vitest";
import { BASE, call, callJson, createOrg, signIn } from "../support/api";
import { useTestClock } from "../support/clock";
import { basic, codeFlow, orgClient, tokenRequest, userinfo } from "./support";

useTestClock();

async function revoke(client: { clientId: string; clientSecret?: string; redirectUri: string }, token: string) {
  return call("/oauth/revoke", {
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: basic(client) },
    body: new URLSearchParams({ token }).toString(),
  });
}

describe("revocation and logout", () => {
  it("revokes a refresh token's grant for its own client, and answers 200 without effect for another client", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const client = await orgClient(admin);
    const other = await orgClient(admin, { name: "Other" });
    const tokens = await codeFlow(client, admin, { scope: "openid offline_access" });
    expect((await revoke(other, tokens.refresh_token as string)).status).toBe(200);
    expect((await userinfo(tokens.access_token as string)).status).toBe(200);
    expect((await revoke(client, tokens.refresh_token as string)).status).toBe(200);
    expect((await userinfo(tokens.access_token as string)).status).toBe(401);
    expect((await tokenRequest(client, { grant_type: "refresh_token", refresh_token: tokens.refresh_token as string })).body.error).toBe(
      "invalid_grant",
    );
    expect((await revoke(client, "not-a-token")).status).toBe(200);
    const audit = await callJson<{ events: { type: string }[] }>("/api/org/audit", { cookie: admin });
    expect(audit.body.events.map((e) => e.type)).toContain("oidc.tokens_revoked");
  });

  it("revokes an access token's grant", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const client = await orgClient(admin);
    const tokens = await codeFlow(client, admin);
    expect((await revoke(client, tokens.access_token as string)).status).toBe(200);
    expect((await userinfo(tokens.access_token as string)).status).toBe(401);
  });

  it("logs out the session of its id_token_hint and returns to a registered URI with state", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const client = await orgClient(admin);
    const tokens = await codeFlow(client, admin, { scope: "openid offline_access" });
    const q = new URLSearchParams({
      id_token_hint: tokens.id_token as string,
      post_logout_redirect_uri: "https://app.example.com/bye",
      state: "s1",
    });
    const res = await call(`/oauth/logout?${q}`, { cookie: admin });
    expect(res.headers.get("location")).toBe("https://app.example.com/bye?state=s1");
    expect((await call("/api/me", { cookie: admin })).status).toBe(401);
    expect((await userinfo(tokens.access_token as string)).status).toBe(401);
  });

  it("refuses an unregistered post_logout_redirect_uri with a page, and a hint of another session logs nobody out", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const client = await orgClient(admin);
    const tokens = await codeFlow(client, admin);
    const evil = new URLSearchParams({ id_token_hint: tokens.id_token as string, post_logout_redirect_uri: "https://evil.example/" });
    const refused = await call(`/oauth/logout?${evil}`, { cookie: admin });
    expect(refused.status).toBe(400);
    expect(refused.headers.get("location")).toBeNull();
    const otherSession = await signIn(org.admin.email);
    const hint = new URLSearchParams({ id_token_hint: tokens.id_token as string });
    await call(`/oauth/logout?${hint}`, { cookie: otherSession });
    expect((await call("/api/me", { cookie: otherSession })).status).toBe(200);
    expect((await call("/oauth/logout", { cookie: otherSession })).headers.get("location")).toBe("/");
    expect((await call("/api/me", { cookie: otherSession })).status).toBe(200);
  });

  it("takes the request as a cross-site form POST too (RP-Initiated Logout 1.0 section 2): a 303 to the equal GET, which logs out", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const client = await orgClient(admin);
    const tokens = await codeFlow(client, admin);
    const form = new URLSearchParams({
      id_token_hint: tokens.id_token as string,
      post_logout_redirect_uri: "https://app.example.com/bye",
      state: "s2",
    });
    const crossSite = { origin: "https://app.example.com", "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" };
    const post = (body: string, type = "application/x-www-form-urlencoded", query = "") =>
      call(`/oauth/logout${query}`, { body, headers: { ...crossSite, "content-type": type }, cookie: admin });
    const res = await post(form.toString());
    expect(res.status).toBe(303);
    const location = res.headers.get("location") ?? "";
    expect([...new URL(location, BASE).searchParams].sort()).toEqual([...form].sort());
    // The POST itself ends nothing and touches no cookie, though the session cookie came with it.
    expect(res.headers.getSetCookie()).toEqual([]);
    expect((await call("/api/me", { cookie: admin })).status).toBe(200);
    // Not a form, the query and a form at once, a parameter twice or a hint too long for the GET: a page, and nothing happens.
    for (const refused of [
      await post(JSON.stringify({ state: "x" }), "application/json"),
      await post(form.toString(), undefined, "?state=q"),
      await post(`${form}&state=again`),
      await post(new URLSearchParams({ id_token_hint: "x".repeat(8192) }).toString()),
    ]) {
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expect(refused.headers.get("location")).toBeNull();
    }
    const followed = await call(location, { cookie: admin });
    expect(followed.headers.get("location")).toBe("https://app.example.com/bye?state=s2");
    expect((await call("/api/me", { cookie: admin })).status).toBe(401);
  });
});
