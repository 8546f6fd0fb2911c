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

/** An admin's browser session, signed in to an org client of theirs through the code flow. */
async function signedInToClient(clientBody: Record<string, unknown> = {}, flow: Record<string, string> = {}) {
  const org = await createOrg();
  const admin = await signIn(org.admin.email);
  const client = await orgClient(admin, clientBody);
  return { org, admin, client, tokens: await codeFlow(client, admin, flow) };
}

/** The hidden fields of the sign-out question's form, as it would post them. */
function hiddenFields(page: string): URLSearchParams {
  return new URLSearchParams(
    [...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1] as string, m[2] as string]),
  );
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
    const { client, tokens } = await signedInToClient();
    expect((await revoke(client, tokens.access_token as string)).status).toBe(200);
    expect((await userinfo(tokens.access_token as string)).status).toBe(401);
  });

  it("logs out the session of its id_token_hint and returns to a registered URI with state", async () => {
    const { admin, tokens } = await signedInToClient({}, { scope: "openid offline_access" });
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

  it("refuses an unregistered post_logout_redirect_uri with a page, and a hint of another session logs nobody out unasked", async () => {
    const { org, admin, tokens } = await signedInToClient();
    const evil = new URLSearchParams({ id_token_hint: tokens.id_token as string, post_logout_redirect_uri: "https://evil.example/" });
    const refused = await call(`/oauth/logout?${evil}`, { cookie: admin });
    expect(refused.status).toBe(400);
    expect(refused.headers.get("location")).toBeNull();
    const otherSession = await signIn(org.admin.email);
    const hint = new URLSearchParams({ id_token_hint: tokens.id_token as string });
    // Another session's hint, or none: the person is asked (a page), and nothing ends until they answer.
    for (const q of [`?${hint}`, ""]) {
      const asked = await call(`/oauth/logout${q}`, { cookie: otherSession });
      expect([asked.status, asked.headers.get("location")]).toEqual([200, null]);
      expect(await asked.text()).toContain("Sign out of Gatehouse?");
      expect((await call("/api/me", { cookie: otherSession })).status).toBe(200);
    }
    // A browser without a session has nothing to end or be asked.
    expect((await call("/oauth/logout")).headers.get("location")).toBe("/");
  });

  it("asks a signed-in person when the request does not show it is their session's, and signs out only on their answer", async () => {
    const { admin, client, tokens } = await signedInToClient({ name: "Ask & Co" }, { scope: "openid offline_access" });
    const q = new URLSearchParams({ client_id: client.clientId, post_logout_redirect_uri: "https://app.example.com/bye", state: "s3" });
    const asked = await call(`/oauth/logout?${q}`, { cookie: admin });
    expect(asked.status).toBe(200);
    const page = await asked.text();
    expect(page).toContain("Ask &amp; Co asked to sign you out");
    // Staying goes to Gatehouse: back at the application with its state would read as signed out.
    expect(page).toContain('<a href="/">Stay signed in</a>');
    expect(page).not.toContain("state=s3");
    expect(page).not.toContain(tokens.id_token as string);
    const fields = hiddenFields(page);
    expect([...fields.keys()].sort()).toEqual(["_csrf", "client_id", "post_logout_redirect_uri", "state"]);
    const confirm = (body: URLSearchParams, headers: Record<string, string> = {}) =>
      call("/oauth/logout/confirm", {
        cookie: admin,
        body: body.toString(),
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      });

    // Refused, and nothing ends: a cross-site post, a wrong form token, a return address the client did not register.
    const crossSite = await confirm(fields, { origin: "https://evil.example", "sec-fetch-site": "cross-site" });
    expect(crossSite.status).toBe(403);
    const wrongToken = new URLSearchParams(fields);
    wrongToken.set("_csrf", "x".repeat(43));
    expect((await confirm(wrongToken)).status).toBe(403);
    const elsewhere = new URLSearchParams(fields);
    elsewhere.set("post_logout_redirect_uri", "https://evil.example/");
    expect((await confirm(elsewhere)).status).toBe(400);
    expect((await call("/api/me", { cookie: admin })).status).toBe(200);
    expect((await userinfo(tokens.access_token as string)).status).toBe(200);

    // The answer: signed out (the session and its applications' grants), then back to the application with its state.
    const done = await confirm(fields, { origin: BASE, "sec-fetch-site": "same-origin" });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('content="0; url=https://app.example.com/bye?state=s3"');
    expect(done.headers.getSetCookie().some((c) => /session=;/.test(c))).toBe(true);
    expect((await call("/api/me", { cookie: admin })).status).toBe(401);
    expect((await userinfo(tokens.access_token as string)).status).toBe(401);
  });

  it("takes the request as a cross-site form POST too (RP-Initiated Logout 1.0 section 2): a 303 to the equal GET, which logs out", async () => {
    const { admin, tokens } = await signedInToClient();
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

  it("lets another org's client neither name itself on the question nor take the person back to it", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const other = await createOrg();
    const theirs = await orgClient(await signIn(other.admin.email), { name: "Gatehouse Security" });
    const q = new URLSearchParams({ client_id: theirs.clientId, post_logout_redirect_uri: "https://app.example.com/bye", state: "s4" });
    const asked = await call(`/oauth/logout?${q}`, { cookie: admin });
    const page = await asked.text();
    expect(asked.status).toBe(200);
    expect(page).toContain("An application asked to sign you out");
    expect(page).not.toContain("Gatehouse Security");
    expect(page).not.toContain("app.example.com");
    const fields = hiddenFields(page);
    // Even posted with the client's parameters, the answer signs out and stays on Gatehouse.
    for (const [k, v] of q) fields.set(k, v);
    const done = await call("/oauth/logout/confirm", {
      cookie: admin,
      body: fields.toString(),
      headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE, "sec-fetch-site": "same-origin" },
    });
    expect([done.status, done.headers.get("location")]).toEqual([303, "/"]);
    expect((await call("/api/me", { cookie: admin })).status).toBe(401);
  });
});
