// The authorization code flow end to end inside workerd: a signed-in person, an org client, code + PKCE,
// tokens verified against the JWKS, userinfo, refresh rotation, and what each token says about the sign-in.
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { addUser, createOrg, signIn } from "../support/api";
import { useTestClock } from "../support/clock";
import { codeFor } from "../support/totp";
import { enrolledTechnician } from "../support/flows";
import { callJson } from "../support/api";
import { BASE } from "../support/api";
import { mailsTo, recordMail, tokenIn } from "../support/links";
import { codeFlow, orgClient, tokenRequest, userinfo, verifyIdToken } from "./support";

useTestClock();

describe("authorization code flow", () => {
  it("gives a signed-in person's client an ID token whose claims tell who, where and how (amr pwd)", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const client = await orgClient(admin);
    const tokens = await codeFlow(client, admin);
    expect(tokens).toMatchObject({ token_type: "Bearer", expires_in: 300, scope: "openid email profile" });
    expect(tokens.refresh_token).toBeUndefined();
    const id = await verifyIdToken(tokens.id_token as string, client.clientId);
    expect(id).toMatchObject({
      iss: BASE,
      sub: org.admin.id,
      aud: client.clientId,
      email: org.admin.email,
      email_verified: false,
      org: org.slug,
      role: "admin",
      amr: ["pwd"],
      nonce: "n-456",
    });
    expect(typeof id.sid).toBe("string");
    // A password alone is not the level discovery's acr_values_supported names: no acr claim.
    expect(id.acr).toBeUndefined();
    expect(id.auth_time).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    const info = await userinfo(tokens.access_token as string);
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ sub: org.admin.id, email: org.admin.email, org: org.slug, role: "admin", amr: ["pwd"], sid: id.sid });
  });

  it("says otp and mfa after a TOTP sign-in, and acr mfa (the value discovery offers)", async () => {
    const user = await enrolledTechnician();
    const client = await orgClient(user.adminCookie);
    const login = await callJson<{ challenge: string }>("/auth/login", {
      body: { email: user.email, password: "correct horse battery staple" },
    });
    const second = await callJson("/auth/login/2fa", { body: { challenge: login.body.challenge, code: codeFor(user.enrollment.secret) } });
    const cookie = (second.res.headers.getSetCookie().find((c) => /session=/.test(c)) ?? "").split(";")[0] as string;
    const tokens = await codeFlow(client, cookie);
    const id = await verifyIdToken(tokens.id_token as string, client.clientId);
    expect(id.amr).toEqual(["pwd", "otp", "mfa"]);
    expect(id.acr).toBe("mfa");
    expect(id.role).toBe("technician");
  });

  it("refreshes with a narrower scope for this answer only, and refuses a broader one without spending the token (RFC 6749 6)", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const client = await orgClient(admin);
    const first = await codeFlow(client, admin, { scope: "openid email offline_access" });
    const refresh = (token: unknown, scope?: string) =>
      tokenRequest(client, { grant_type: "refresh_token", refresh_token: token as string, ...(scope === undefined ? {} : { scope }) });
    for (const broader of ["openid email profile offline_access", "openid unknown", "offline_access"]) {
      const r = await refresh(first.refresh_token, broader);
      expect([r.status, r.body.error, r.body.access_token], broader).toEqual([400, "invalid_scope", undefined]);
    }
    const narrow = await refresh(first.refresh_token, "offline_access openid");
    expect([narrow.status, narrow.body.scope]).toEqual([200, "openid offline_access"]);
    const claims = decodeJwt(narrow.body.access_token as string);
    expect(claims.scope).toBe("openid offline_access");
    // The new refresh token keeps the grant's scope: without one asked, the whole scope comes back.
    const whole = await refresh(narrow.body.refresh_token, "");
    expect([whole.status, whole.body.scope]).toEqual([200, "openid email offline_access"]);
  });

  it("rotates the refresh token at every use, and a reused one kills the whole family", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const client = await orgClient(admin);
    const first = await codeFlow(client, admin, { scope: "openid offline_access" });
    expect(first.refresh_token).toMatch(/^or\./);
    const second = await tokenRequest(client, { grant_type: "refresh_token", refresh_token: first.refresh_token as string });
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    // The first token again: a thief or the client holds a stale copy; the family dies.
    const reused = await tokenRequest(client, { grant_type: "refresh_token", refresh_token: first.refresh_token as string });
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe("invalid_grant");
    const third = await tokenRequest(client, { grant_type: "refresh_token", refresh_token: second.body.refresh_token as string });
    expect(third.status).toBe(400);
    expect((await userinfo(second.body.access_token as string)).status).toBe(401);
    const audit = await callJson<{ events: { type: string }[] }>("/api/org/audit", { cookie: admin });
    expect(audit.body.events.map((e) => e.type)).toEqual(expect.arrayContaining(["oidc.refresh_reuse", "oidc.tokens_issued"]));
  });

  it("audits each sign-in to an application, and a client's refreshes as one entry per hour with a count", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const client = await orgClient(admin);
    let refresh = (await codeFlow(client, admin, { scope: "openid offline_access" })).refresh_token as string;
    for (let i = 0; i < 5; i++) {
      refresh = (await tokenRequest(client, { grant_type: "refresh_token", refresh_token: refresh })).body.refresh_token as string;
    }
    const audit = await callJson<{ events: { type: string; count: number }[] }>("/api/org/audit", { cookie: admin });
    expect(audit.body.events.filter((e) => e.type === "oidc.tokens_issued")).toHaveLength(1);
    const refreshed = audit.body.events.filter((e) => e.type === "oidc.tokens_refreshed");
    expect(refreshed).toHaveLength(1);
    expect(refreshed[0]?.count).toBe(5);
  });

  it("kills every token of a user when their sessions are revoked (password change)", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const client = await orgClient(admin);
    const tech = await addUser(admin);
    const techCookie = await signIn(tech.email);
    const tokens = await codeFlow(client, techCookie, { scope: "openid offline_access" });
    expect((await userinfo(tokens.access_token as string)).status).toBe(200);
    const changed = await callJson("/api/me/password", {
      cookie: techCookie,
      body: { currentPassword: "correct horse battery staple", newPassword: "another long password 42" },
    });
    expect(changed.status).toBeLessThan(300);
    expect((await userinfo(tokens.access_token as string)).status).toBe(401);
    const refreshed = await tokenRequest(client, { grant_type: "refresh_token", refresh_token: tokens.refresh_token as string });
    expect(refreshed.body.error).toBe("invalid_grant");
  });

  it("says email_verified only once the person followed the link mailed to their address", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const client = await orgClient(admin);
    const mail = await recordMail(org.slug);
    const user = await addUser(admin);
    const [verify] = await mailsTo(org.slug, mail, user.email);
    const before = await codeFlow(client, await signIn(user.email));
    expect((await verifyIdToken(before.id_token as string, client.clientId)).email_verified).toBe(false);
    const followed = await callJson("/api/email/confirm", { body: { token: tokenIn(verify as never, "/email-link/") } });
    expect(followed.status).toBe(200);
    const after = await codeFlow(client, await signIn(user.email));
    expect(await verifyIdToken(after.id_token as string, client.clientId)).toMatchObject({ email: user.email, email_verified: true });
    expect((await userinfo(after.access_token as string)).body).toMatchObject({ email: user.email, email_verified: true });
  });
});
