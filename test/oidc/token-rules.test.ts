// /oauth/token: a code is single-use (a second use revokes what the first issued), expires after 60 s, and is
// bound to its client, redirect URI and PKCE challenge; clients authenticate as registered. Nothing is issued
// to a bad request.
import { describe, expect, it } from "vitest";
import { callJson, createOrg, signIn } from "../support/api";
import { advance, useTestClock } from "../support/clock";
import { authorize, orgClient, pkce, redeem, tokenRequest, userinfo } from "./support";

useTestClock();

async function codeFor(extra: Record<string, string> = {}, clientBody: Record<string, unknown> = {}) {
  const org = await createOrg();
  const admin = await signIn(org.admin.email);
  const client = await orgClient(admin, clientBody);
  const { verifier, challenge } = await pkce();
  const { params } = await authorize(client, admin, challenge, extra);
  return { org, admin, client, verifier, code: params.get("code") as string };
}

describe("/oauth/token", () => {
  it("refuses a verifier that does not match the challenge, and the code is then spent", async () => {
    const { client, verifier, code } = await codeFor();
    const wrong = await redeem(client, code, (await pkce()).verifier);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe("invalid_grant");
    expect(wrong.body.access_token).toBeUndefined();
    expect((await redeem(client, code, verifier)).body.error).toBe("invalid_grant");
  });

  it("refuses a second use of a code and revokes the tokens the first use issued", async () => {
    const { admin, client, verifier, code } = await codeFor({ scope: "openid offline_access" });
    const first = await redeem(client, code, verifier);
    expect(first.status).toBe(200);
    expect((await userinfo(first.body.access_token as string)).status).toBe(200);
    const second = await redeem(client, code, verifier);
    expect(second.body.error).toBe("invalid_grant");
    expect((await userinfo(first.body.access_token as string)).status).toBe(401);
    expect(
      (await tokenRequest(client, { grant_type: "refresh_token", refresh_token: first.body.refresh_token as string })).body.error,
    ).toBe("invalid_grant");
    const audit = await callJson<{ events: { type: string }[] }>("/api/org/audit", { cookie: admin });
    expect(audit.body.events.map((e) => e.type)).toContain("oidc.code_reuse");
  });

  it("refuses a code after 60 seconds", async () => {
    const { client, verifier, code } = await codeFor();
    advance(61_000);
    expect((await redeem(client, code, verifier)).body.error).toBe("invalid_grant");
  });

  it("refuses a code sent with another redirect URI, or by another client", async () => {
    const a = await codeFor();
    const wrongUri = await tokenRequest(a.client, {
      grant_type: "authorization_code",
      code: a.code,
      redirect_uri: "https://app.example.com/other",
      code_verifier: a.verifier,
    });
    expect(wrongUri.body.error).toBe("invalid_grant");
    const b = await codeFor();
    const other = await orgClient(b.admin, { name: "Other" });
    expect((await redeem(other, b.code, b.verifier)).body.error).toBe("invalid_grant");
    expect((await redeem(b.client, b.code, b.verifier)).body.error).toBe("invalid_grant");
  });

  it("needs the secret of a confidential client (invalid_client otherwise), and lets a public client use PKCE alone", async () => {
    const { client, verifier, code } = await codeFor();
    const noSecret = await tokenRequest(
      client,
      { grant_type: "authorization_code", code, redirect_uri: client.redirectUri, code_verifier: verifier },
      false,
    );
    expect(noSecret.status).toBe(401);
    expect(noSecret.body.error).toBe("invalid_client");
    const wrongSecret = await redeem({ ...client, clientSecret: "not-the-secret" }, code, verifier);
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.headers.get("www-authenticate")).toMatch(/^Basic/);
    const pub = await codeFor({}, { type: "public", redirectUris: ["http://127.0.0.1:7777/cb"] });
    const ok = await redeem(pub.client, pub.code, pub.verifier);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("cache-control")).toContain("no-store");
  });

  it("refuses bodies that are not a form, repeated parameters and unknown grant types", async () => {
    const { client, verifier, code } = await codeFor();
    const json = await callJson("/oauth/token", { body: { grant_type: "authorization_code", code, code_verifier: verifier } });
    expect(json.status).toBe(400);
    const repeated = await callJson("/oauth/token", {
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `grant_type=authorization_code&code=${code}&code=${code}&client_id=${client.clientId}`,
    });
    expect(repeated.status).toBe(400);
    expect((await tokenRequest(client, { grant_type: "password", username: "x", password: "y" })).body.error).toBe(
      "unsupported_grant_type",
    );
    // A required parameter missing is invalid_request (RFC 6749 5.2), not an unsupported grant type.
    const noGrant = await tokenRequest(client, { code, redirect_uri: client.redirectUri, code_verifier: verifier });
    expect([noGrant.status, noGrant.body.error]).toEqual([400, "invalid_request"]);
    expect((await redeem(client, code, verifier)).status).toBe(200);
  });

  it("takes a confidential client's secret in the body (client_secret_post) as in Basic, and refuses it from a public client or beside Basic", async () => {
    const pub = await codeFor({}, { type: "public", redirectUris: ["http://127.0.0.1:7777/cb"] });
    const fields = { grant_type: "authorization_code", code: pub.code, redirect_uri: pub.client.redirectUri, code_verifier: pub.verifier };
    const withSecret = await tokenRequest(pub.client, { ...fields, client_secret: "anything" });
    expect([withSecret.status, withSecret.body.error, withSecret.body.access_token]).toEqual([401, "invalid_client", undefined]);
    // RFC 6749 3.2: a parameter without a value is as if omitted.
    expect((await tokenRequest(pub.client, { ...fields, client_secret: "" })).status).toBe(200);

    const conf = await codeFor();
    const secret = conf.client.clientSecret as string;
    const fieldsOf = (c: typeof conf) => ({
      grant_type: "authorization_code",
      code: c.code,
      redirect_uri: c.client.redirectUri,
      code_verifier: c.verifier,
    });
    // Two methods in one request (RFC 6749 2.3): Basic, and the secret again in the body.
    const both = await tokenRequest(conf.client, { ...fieldsOf(conf), client_secret: secret });
    expect([both.status, both.body.error]).toEqual([401, "invalid_client"]);
    expect(both.headers.get("www-authenticate")).toMatch(/^Basic/);
    // A wrong secret in the body, or another client's id with it: refused, the code untouched.
    const wrong = await tokenRequest(conf.client, { ...fieldsOf(conf), client_secret: `${secret}x` }, false);
    expect([wrong.status, wrong.body.error]).toEqual([401, "invalid_client"]);
    const elsewhere = await codeFor();
    const swapped = await tokenRequest(elsewhere.client, { ...fieldsOf(conf), client_secret: secret }, false);
    expect([swapped.status, swapped.body.error]).toEqual([401, "invalid_client"]);
    const post = await tokenRequest(conf.client, { ...fieldsOf(conf), client_secret: secret }, false);
    expect(post.status).toBe(200);
    expect(post.body.access_token).toBeTruthy();
  });
});
