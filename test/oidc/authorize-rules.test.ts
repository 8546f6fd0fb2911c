// /oauth/authorize: errors go back to the client only once its redirect URI is known good (never an open
// redirect), PKCE S256 is required, iss and state come back, org clients refuse other orgs' users, and a request
// without a fitting session goes to Gatehouse's own sign-in.
import { describe, expect, it } from "vitest";
import { BASE, call, createOrg, signIn } from "../support/api";
import { advance, useTestClock } from "../support/clock";
import { authorize, authorizeUrl, orgClient, pkce, platformClient, redeem } from "./support";

useTestClock();

async function setup() {
  const org = await createOrg();
  const admin = await signIn(org.admin.email);
  return { org, admin, client: await orgClient(admin), challenge: (await pkce()).challenge };
}

describe("/oauth/authorize", () => {
  it("shows an error page, never a redirect, for an unknown client or an unregistered redirect URI", async () => {
    const { admin, client, challenge } = await setup();
    for (const bad of [
      { ...client, clientId: "oc.nope.-.AAAAAAAAAAAAAAAAAAAAAA" },
      { ...client, clientId: "" },
      { ...client, redirectUri: "https://evil.example/callback" },
      { ...client, redirectUri: "https://app.example.com/callback/" },
      { ...client, redirectUri: "https://app.example.com/callback?x=1" },
    ]) {
      const { res } = await authorize(bad, admin, challenge);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.headers.get("location")).toBeNull();
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    }
  });

  it("sends other errors back to the client with state and iss, and issues no code", async () => {
    const { admin, client, challenge } = await setup();
    const cases: [Record<string, string>, string][] = [
      [{ code_challenge_method: "plain" }, "invalid_request"],
      [{ code_challenge: "short" }, "invalid_request"],
      [{ response_type: "token" }, "unsupported_response_type"],
      [{ scope: "email" }, "invalid_scope"],
      [{ prompt: "none login" }, "invalid_request"],
      [{ max_age: "soon" }, "invalid_request"],
      [{ request: "eyJ" }, "request_not_supported"],
      [{ acr_values: "x".repeat(2600) }, "invalid_request"],
    ];
    for (const [extra, error] of cases) {
      const { res, params } = await authorize(client, admin, challenge, extra);
      expect(res.status).toBe(302);
      expect(res.headers.get("location")?.startsWith(`${client.redirectUri}?`)).toBe(true);
      expect(params.get("error"), JSON.stringify(extra)).toBe(error);
      expect(params.get("state")).toBe("st-123");
      expect(params.get("iss")).toBe(BASE);
      expect(params.get("code")).toBeNull();
    }
    const noPkce = new URL(authorizeUrl(client, challenge), BASE);
    noPkce.searchParams.delete("code_challenge");
    noPkce.searchParams.delete("code_challenge_method");
    const r = await call(`${noPkce.pathname}${noPkce.search}`, { cookie: admin });
    expect(new URL(r.headers.get("location") as string).searchParams.get("error")).toBe("invalid_request");
    // A required parameter missing is invalid_request (RFC 6749 4.1.2.1), not an unsupported value.
    const noType = new URL(authorizeUrl(client, challenge), BASE);
    noType.searchParams.delete("response_type");
    const t = await call(`${noType.pathname}${noType.search}`, { cookie: admin });
    const back = new URL(t.headers.get("location") as string).searchParams;
    expect([back.get("error"), back.get("code")]).toEqual(["invalid_request", null]);
  });

  it("lets a native app's loopback IP redirect registered without a port name any port (RFC 8252 7.3), and nothing else vary", async () => {
    const { admin } = await setup();
    const registered = ["http://127.0.0.1/cb", "http://[::1]/cb", "http://localhost/cb", "http://127.0.0.1:5000/fixed"];
    const client = await orgClient(admin, { type: "public", redirectUris: registered });
    const { verifier, challenge } = await pkce();
    const { res, params } = await authorize({ ...client, redirectUri: "http://127.0.0.1:6123/cb" }, admin, challenge);
    expect(res.headers.get("location")?.startsWith("http://127.0.0.1:6123/cb?")).toBe(true);
    const code = params.get("code") as string;
    expect(code).toMatch(/^oa\./);
    // The code stays bound to the URI of its request: the registered one does not redeem it.
    expect((await redeem({ ...client, redirectUri: "http://127.0.0.1/cb" }, code, verifier)).body.error).toBe("invalid_grant");
    expect((await authorize({ ...client, redirectUri: "http://[::1]:4444/cb" }, admin, challenge)).params.get("code")).toMatch(/^oa\./);
    for (const uri of [
      "http://127.0.0.1:6123/cb2",
      "http://127.0.0.1:6123/cb?x=1",
      "http://127.0.0.1:6123/cb/",
      "http://127.0.0.1:6123",
      "http://127.0.0.1:06123/cb",
      "http://127.0.0.2:5000/cb",
      "https://127.0.0.1:6123/cb",
      "http://127.0.0.1:6123@evil.example/cb",
      "http://127.0.0.1:99999/cb",
      "http://[::1]:4444/cb#x",
      // "localhost" is a name, not a loopback IP (RFC 8252 8.3): matched exactly.
      "http://localhost:6123/cb",
      // Registered with a port: that port only.
      "http://127.0.0.1:5001/fixed",
    ]) {
      const refused = await authorize({ ...client, redirectUri: uri }, admin, challenge);
      expect(refused.res.status, uri).toBe(400);
      expect(refused.res.headers.get("location"), uri).toBeNull();
    }
  });

  it("matches a confidential client's loopback redirect exactly: no port of someone else's choosing", async () => {
    const { admin } = await setup();
    const client = await orgClient(admin, {
      type: "confidential",
      redirectUris: ["http://127.0.0.1/cb", "http://localhost:3000/callback"],
    });
    const { challenge } = await pkce();
    for (const uri of ["http://127.0.0.1/cb", "http://localhost:3000/callback"]) {
      expect((await authorize({ ...client, redirectUri: uri }, admin, challenge)).params.get("code"), uri).toMatch(/^oa\./);
    }
    for (const uri of ["http://127.0.0.1:4444/cb", "http://localhost:3001/callback"]) {
      const refused = await authorize({ ...client, redirectUri: uri }, admin, challenge);
      expect([refused.res.status, refused.res.headers.get("location")], uri).toEqual([400, null]);
    }
  });

  it("returns a code with state and iss (RFC 9207) for a signed-in person", async () => {
    const { admin, client, challenge } = await setup();
    const { params } = await authorize(client, admin, challenge);
    expect(params.get("code")).toMatch(/^oa\./);
    expect(params.get("state")).toBe("st-123");
    expect(params.get("iss")).toBe(BASE);
  });

  it("refuses another org's user on an org client, and admits anyone on a platform client", async () => {
    const { client, challenge } = await setup();
    const other = await createOrg();
    const stranger = await signIn(other.admin.email);
    const { params } = await authorize(client, stranger, challenge);
    expect(params.get("error")).toBe("access_denied");
    expect(params.get("code")).toBeNull();
    const platform = await platformClient();
    expect((await authorize(platform, stranger, challenge)).params.get("code")).toMatch(/^oa\./);
  });

  it("sends a person without a session to the sign-in page, or answers login_required with prompt=none", async () => {
    const { client, challenge } = await setup();
    const { res } = await authorize(client, undefined, challenge);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/");
    expect(res.headers.getSetCookie().some((c) => c.startsWith("__Host-oidc-request="))).toBe(true);
    const none = await authorize(client, undefined, challenge, { prompt: "none" });
    expect(none.params.get("error")).toBe("login_required");
  });

  it("asks for a fresh sign-in with prompt=login or an exceeded max_age, even with a session", async () => {
    const { admin, client, challenge } = await setup();
    expect((await authorize(client, admin, challenge, { prompt: "login" })).res.headers.get("location")).toBe("/");
    advance(120_000);
    expect((await authorize(client, admin, challenge, { max_age: "60" })).res.headers.get("location")).toBe("/");
    expect((await authorize(client, admin, challenge, { max_age: "600" })).params.get("code")).toMatch(/^oa\./);
    expect((await authorize(client, admin, challenge, { max_age: "60", prompt: "none" })).params.get("error")).toBe("login_required");
  });

  it("asks for a sign-in with a second factor when acr_values wants MFA and the session used a password only", async () => {
    const { admin, client, challenge } = await setup();
    expect((await authorize(client, admin, challenge, { acr_values: "mfa" })).res.headers.get("location")).toBe("/");
    expect((await authorize(client, admin, challenge, { acr_values: "mfa", prompt: "none" })).params.get("error")).toBe(
      "interaction_required",
    );
  });
});
