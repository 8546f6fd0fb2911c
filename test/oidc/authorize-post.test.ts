// POST /oauth/authorize (OIDC Core 3.1.2.1): the same parameters as a form, checked exactly as GET checks them,
// then a 303 to the equal GET. It is a cross-site form post by nature, so it is let through the same-origin guard,
// but it never acts on the session: no code is issued by the POST itself, and no cookie is read or set.
import { describe, expect, it } from "vitest";
import { BASE, call, createOrg, signIn } from "../support/api";
import { useTestClock } from "../support/clock";
import { type Client, authorize, authorizeUrl, orgClient, pkce, redeem, verifyIdToken } from "./support";

useTestClock();

const CROSS_SITE = { origin: "https://app.example.com", "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" };

async function setup() {
  const org = await createOrg();
  const admin = await signIn(org.admin.email);
  const client = await orgClient(admin);
  return { org, admin, client, ...(await pkce()) };
}

/** The parameters of authorizeUrl, as a form body. */
function formOf(client: Client, challenge: string, extra: Record<string, string> = {}): URLSearchParams {
  return new URL(authorizeUrl(client, challenge, extra), BASE).searchParams;
}

async function post(body: string, opts: { cookie?: string; type?: string | null; query?: string } = {}) {
  const headers: Record<string, string> = { ...CROSS_SITE };
  if (opts.type !== null) headers["content-type"] = opts.type ?? "application/x-www-form-urlencoded";
  return call(`/oauth/authorize${opts.query ?? ""}`, { method: "POST", body, headers, ...(opts.cookie ? { cookie: opts.cookie } : {}) });
}

describe("POST /oauth/authorize", () => {
  it("checks a cross-site form post like a GET and answers a 303 to the equal GET, which then signs in to the client", async () => {
    const { admin, client, challenge, verifier } = await setup();
    const form = formOf(client, challenge, { nonce: "n-post" });
    const res = await post(form.toString(), { cookie: admin });
    expect(res.status).toBe(303);
    const location = res.headers.get("location") ?? "";
    expect(location.startsWith("/oauth/authorize?")).toBe(true);
    expect([...new URL(location, BASE).searchParams].sort()).toEqual([...form].sort());
    // The POST itself issued nothing and touched no cookie, though the session cookie came with it.
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(location).not.toContain("code=");

    const got = await call(location, { cookie: admin });
    const back = new URL(got.headers.get("location") ?? "", BASE).searchParams;
    expect(back.get("state")).toBe("st-123");
    expect(back.get("iss")).toBe(BASE);
    const tokens = await redeem(client, back.get("code") ?? "", verifier);
    expect(tokens.status).toBe(200);
    expect((await verifyIdToken(tokens.body.id_token as string, client.clientId)).nonce).toBe("n-post");
  });

  it("sends a signed-out person to the sign-in pages through the GET, as a link would", async () => {
    const { client, challenge } = await setup();
    const res = await post(formOf(client, challenge).toString());
    expect(res.status).toBe(303);
    const got = await call(res.headers.get("location") ?? "");
    expect([got.status, got.headers.get("location")]).toEqual([302, "/"]);
  });

  it("shows an error page, never a redirect, until the client and its redirect URI are known good", async () => {
    const { admin, client, challenge } = await setup();
    const twice = formOf(client, challenge);
    twice.append("client_id", client.clientId);
    for (const body of [
      formOf({ ...client, clientId: "oc.nope.-.AAAAAAAAAAAAAAAAAAAAAA" }, challenge),
      formOf({ ...client, redirectUri: "https://evil.example/callback" }, challenge),
      formOf({ ...client, redirectUri: `${client.redirectUri}/` }, challenge),
      twice,
      new URLSearchParams(),
      new URLSearchParams({ redirect_uri: "https://evil.example/" }),
    ]) {
      const res = await post(body.toString(), { cookie: admin });
      expect(res.status, body.toString()).toBe(400);
      expect(res.headers.get("location")).toBeNull();
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    }
  });

  it("sends other errors back to the client as the GET does (state, iss, no code), with a 303", async () => {
    const { admin, client, challenge } = await setup();
    const cases: [Record<string, string>, string][] = [
      [{ code_challenge_method: "plain" }, "invalid_request"],
      [{ response_type: "token" }, "unsupported_response_type"],
      [{ scope: "email" }, "invalid_scope"],
      [{ prompt: "none login" }, "invalid_request"],
      [{ request: "eyJ" }, "request_not_supported"],
    ];
    for (const [extra, error] of cases) {
      const res = await post(formOf(client, challenge, extra).toString(), { cookie: admin });
      expect(res.status).toBe(303);
      const location = res.headers.get("location") ?? "";
      expect(location.startsWith(`${client.redirectUri}?`)).toBe(true);
      const back = new URL(location).searchParams;
      expect(back.get("error"), JSON.stringify(extra)).toBe(error);
      expect([back.get("state"), back.get("iss"), back.get("code")]).toEqual(["st-123", BASE, null]);
      // The GET with the same parameters answers the same error.
      const viaGet = await authorize(client, admin, challenge, extra);
      expect(viaGet.params.get("error")).toBe(error);
    }
  });

  it("refuses any other content type with 415, and parameters in both the query and the body with 400", async () => {
    const { admin, client, challenge } = await setup();
    const body = formOf(client, challenge).toString();
    for (const type of ["application/json", "text/plain", "multipart/form-data; boundary=x", null]) {
      const res = await post(type === "application/json" ? JSON.stringify(Object.fromEntries(formOf(client, challenge))) : body, {
        cookie: admin,
        type,
      });
      expect(res.status, String(type)).toBe(415);
      expect(res.headers.get("location")).toBeNull();
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    }
    const charset = await post(body, { cookie: admin, type: "application/x-www-form-urlencoded; charset=UTF-8" });
    expect(charset.status).toBe(303);
    for (const query of [`?${body}`, `?client_id=${encodeURIComponent(client.clientId)}`, "?x=1"]) {
      const res = await post(body, { cookie: admin, query });
      expect(res.status, query).toBe(400);
      expect(res.headers.get("location")).toBeNull();
    }
  });

  it("is the only cross-site post let through: other methods on it and other endpoints stay refused", async () => {
    const { admin, client, challenge } = await setup();
    const body = formOf(client, challenge).toString();
    const put = await call("/oauth/authorize", {
      method: "PUT",
      body,
      cookie: admin,
      headers: { ...CROSS_SITE, "content-type": "application/x-www-form-urlencoded" },
    });
    expect(put.status).toBe(403);
    const login = await call("/login", {
      body,
      cookie: admin,
      headers: { ...CROSS_SITE, "content-type": "application/x-www-form-urlencoded" },
    });
    expect(login.status).toBe(403);
    const register = await call("/api/org/oidc-clients", { body: { name: "x" }, cookie: admin, headers: CROSS_SITE });
    expect(register.status).toBe(403);
  });
});
