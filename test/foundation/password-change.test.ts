// Changing one's password: it needs the current one, and everything signed in or half signed in with the old one dies.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addUser, call, callJson, createOrg, PASSWORD, signIn } from "../support/api";
import { useTestClock } from "../support/clock";
import { pageOf, postForm } from "../support/pages";

useTestClock();

const NEW_PASSWORD = "an entirely new passphrase";

describe("changing one's password", () => {
  it("needs the current password, keeps this session and revokes every other", async () => {
    const org = await createOrg();
    const here = await signIn(org.admin.email);
    const elsewhere = await signIn(org.admin.email);
    const r = await call("/api/me/password", { cookie: here, body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } });
    expect(r.status).toBe(204);
    expect((await call("/api/me", { cookie: here })).status).toBe(200);
    expect((await call("/api/me", { cookie: elsewhere })).status).toBe(401);
    expect((await call("/auth/login", { body: { email: org.admin.email, password: PASSWORD } })).status).toBe(401);
    await signIn(org.admin.email, NEW_PASSWORD);
    const audit = await callJson<{ events: { type: string }[] }>("/api/org/audit", { cookie: here });
    expect(audit.body.events.map((e) => e.type)).toContain("user.password_changed");
  });

  it("refuses the current password as the new one: 400 naming the field, nothing changed, no failure counted", async () => {
    const org = await createOrg();
    const here = await signIn(org.admin.email);
    const elsewhere = await signIn(org.admin.email);
    for (let i = 0; i < 10; i++) {
      const r = await callJson<{ error: { code: string; message: string } }>("/api/me/password", {
        cookie: here,
        body: { currentPassword: PASSWORD, newPassword: PASSWORD },
      });
      expect([r.status, r.body.error.code, r.body.error.message]).toEqual([
        400,
        "invalid_request",
        "Field 'newPassword' must differ from the current password.",
      ]);
    }
    expect((await call("/api/me", { cookie: elsewhere })).status).toBe(200);
    // Ten of them neither paused the account nor were counted as wrong passwords.
    expect((await callJson<{ status: string }>("/auth/login", { body: { email: org.admin.email, password: PASSWORD } })).status).toBe(200);
    const page = await pageOf("/account", here);
    const form = await postForm("/account/password", page, { currentPassword: PASSWORD, newPassword: PASSWORD });
    expect(form.status).toBe(400);
    expect(await form.text()).toContain("Choose a password other than your current one.");
    const audit = await callJson<{ events: { type: string }[] }>("/api/org/audit", { cookie: here });
    expect(audit.body.events.map((e) => e.type)).not.toContain("user.password_changed");
  });

  it("refuses a wrong current password with 401 and counts it toward the lockout", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    for (let i = 0; i < 10; i++) {
      const r = await callJson<{ error: { code: string } }>("/api/me/password", {
        cookie,
        body: { currentPassword: "not it at all", newPassword: NEW_PASSWORD },
      });
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe("invalid_credentials");
    }
    expect((await call("/api/me/password", { cookie, body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } })).status).toBe(429);
    expect((await call("/auth/login", { body: { email: org.admin.email, password: PASSWORD } })).status).toBe(429);
  });

  it("validates the new password and refuses API keys", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const short = await callJson<{ error: { message: string } }>("/api/me/password", {
      cookie,
      body: { currentPassword: PASSWORD, newPassword: "short" },
    });
    expect(short.status).toBe(400);
    expect(short.body.error.message).toContain("newPassword");
    const key = await callJson<{ key: string }>("/api/org/api-keys", { cookie, body: { name: "k", role: "admin" } });
    expect(
      (await call("/api/me/password", { bearer: key.body.key, body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } })).status,
    ).toBe(403);
  });

  it("kills a half-done sign-in (an enrollment challenge) when the password changes", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const tech = await addUser(admin);
    const techCookie = await signIn(tech.email);
    await call("/api/org/settings", { method: "PATCH", cookie: admin, body: { require2fa: true } });
    const login = await callJson<{ status: string; challenge: string }>("/auth/login", { body: { email: tech.email, password: PASSWORD } });
    expect(login.body.status).toBe("enrollment_required");
    const changed = await call("/api/me/password", { cookie: techCookie, body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } });
    expect(changed.status).toBe(204);
    expect((await call("/auth/login/enroll", { body: { challenge: login.body.challenge } })).status).toBe(401);
  });

  it("refuses a sign-in checked against a password hash that has since been replaced, without counting a failure", async () => {
    const org = await createOrg();
    const stub = env.ORG.getByName(org.slug);
    // The edge checked the password against a hash the object no longer holds (a change landed in between).
    const r = await stub.completePasswordStep({
      userId: org.admin.id,
      checkedHash: "pbkdf2-sha256:1:old:old",
      passed: true,
      sessionTokenHash: "x",
      meta: {},
    });
    expect(r).toEqual({ ok: false, reason: "invalid_credentials" });
    const failed = await runInDurableObject(
      stub,
      (_o, state) => state.storage.sql.exec<{ n: number }>("SELECT failed_passwords AS n FROM users").one().n,
    );
    expect(failed).toBe(0);
  });
});
