import { describe, expect, it } from "vitest";
import { call, callJson, createOrg, PASSWORD, randomEmail, sessionCookieFrom, signIn } from "../support/api";

describe("POST /auth/login with a password", () => {
  it("signs the admin in and sets a hardened session cookie", async () => {
    const org = await createOrg();
    const res = await call("/auth/login", { body: { email: org.admin.email, password: PASSWORD } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "authenticated" });
    const set = res.headers.getSetCookie().join("\n");
    expect(set).toMatch(/^__Host-session=/);
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/Secure/);
    expect(set).toMatch(/SameSite=Lax/);
    expect(set).toMatch(/Path=\//);
  });

  it("reads the signed-in user at GET /api/me", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const me = await callJson("/api/me", { cookie });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      // The first admin's address was typed by the operator: nobody has followed a link to it.
      user: { id: org.admin.id, email: org.admin.email, name: "Ada Admin", role: "admin", emailVerified: false },
      org: { slug: org.slug, name: `Org ${org.slug}`, require2fa: false },
      twoFactor: { enabled: false, recoveryCodesRemaining: 0 },
    });
  });

  it("accepts the email in any case", async () => {
    const org = await createOrg();
    await signIn(org.admin.email.toUpperCase());
  });

  it("accepts the operator code in any case and with spaces around it, as the slug it names", async () => {
    const org = await createOrg();
    const other = await createOrg();
    for (const code of [org.slug.toUpperCase(), ` ${org.slug} `]) {
      const res = await call("/auth/login", { body: { email: org.admin.email, password: PASSWORD, org: code } });
      expect(res.status).toBe(200);
    }
    const wrongOrg = await callJson("/auth/login", { body: { email: org.admin.email, password: PASSWORD, org: other.slug.toUpperCase() } });
    expect(wrongOrg.status).toBe(401);
  });

  it("answers the same 401 body for a wrong password and an unknown email", async () => {
    const org = await createOrg();
    const wrong = await callJson("/auth/login", { body: { email: org.admin.email, password: "wrong password" } });
    const unknown = await callJson("/auth/login", { body: { email: randomEmail("nobody"), password: "wrong password" } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body).toEqual({ error: { code: "invalid_credentials", message: expect.any(String) } });
  });

  it("accepts the org's operator code and refuses another org's with the same 401", async () => {
    const org = await createOrg();
    const other = await createOrg();
    const ok = await call("/auth/login", { body: { email: org.admin.email, password: PASSWORD, org: org.slug } });
    expect(ok.status).toBe(200);
    const wrongOrg = await callJson("/auth/login", { body: { email: org.admin.email, password: PASSWORD, org: other.slug } });
    const wrongPw = await callJson("/auth/login", { body: { email: org.admin.email, password: "nope nope nope" } });
    expect(wrongOrg.status).toBe(401);
    expect(wrongOrg.body).toEqual(wrongPw.body);
  });

  it("gives a new session id at every sign-in", async () => {
    const org = await createOrg();
    const a = await signIn(org.admin.email);
    const b = await signIn(org.admin.email);
    expect(a).not.toBe(b);
  });
});

describe("POST /auth/logout", () => {
  it("revokes the session on the server, so the old cookie gets 401", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    expect((await call("/api/me", { cookie })).status).toBe(200);
    const out = await call("/auth/logout", { method: "POST", cookie });
    expect(out.status).toBe(204);
    expect(sessionCookieFrom(out)).toBeUndefined();
    const after = await callJson<{ error: { code: string } }>("/api/me", { cookie });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe("unauthenticated");
  });

  it("answers 401 to a forged or malformed cookie", async () => {
    const org = await createOrg();
    const forged = `__Host-session=gs.${org.slug}.-.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
    expect((await call("/api/me", { cookie: forged })).status).toBe(401);
    expect((await call("/api/me", { cookie: "__Host-session=%%%garbage" })).status).toBe(401);
  });
});
