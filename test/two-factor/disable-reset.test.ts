import { describe, expect, it } from "vitest";
import { call, callJson, createOrg, PASSWORD, signIn } from "../support/api";
import { nextStep, useTestClock } from "../support/clock";
import { challengeFor, enrolledTechnician } from "../support/flows";
import { wrongCode } from "../support/codes";
import { TEST_SECRETS } from "../support/secrets";
import { codeFor } from "../support/totp";

useTestClock();

describe("disabling 2FA", () => {
  it("removes the secret and codes with a current code, keeps this session and revokes the others", async () => {
    const u = await enrolledTechnician();
    const other = await call("/auth/login/2fa", { body: { challenge: await challengeFor(u.email), code: codeFor(u.enrollment.secret) } });
    const otherCookie = other.headers.getSetCookie()[0]?.split(";")[0] as string;
    nextStep();
    const r = await call("/api/me/2fa/disable", { cookie: u.cookie, body: { code: codeFor(u.enrollment.secret) } });
    expect(r.status).toBe(204);
    const me = await callJson<{ twoFactor: unknown }>("/api/me", { cookie: u.cookie });
    expect(me.body.twoFactor).toEqual({ enabled: false, recoveryCodesRemaining: 0 });
    expect((await call("/api/me", { cookie: otherCookie })).status).toBe(401);
    const login = await callJson("/auth/login", { body: { email: u.email, password: PASSWORD } });
    expect(login.body).toEqual({ status: "authenticated" });
  });

  it("refuses a wrong code with 401 and keeps 2FA on", async () => {
    const u = await enrolledTechnician();
    const r = await callJson<{ error: { code: string } }>("/api/me/2fa/disable", {
      cookie: u.cookie,
      body: { code: wrongCode(codeFor(u.enrollment.secret)) },
    });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("invalid_code");
    expect((await callJson<{ status: string }>("/auth/login", { body: { email: u.email, password: PASSWORD } })).body.status).toBe(
      "2fa_required",
    );
  });

  it("answers 409 conflict, one of the contract's 409 codes, to disabling or new codes without 2FA", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    for (const path of ["/api/me/2fa/disable", "/api/me/2fa/recovery-codes"]) {
      const r = await callJson<{ error: { code: string; message: string } }>(path, { cookie, body: { code: "123456" } });
      expect([r.status, r.body.error.code, r.body.error.message], path).toEqual([
        409,
        "conflict",
        "Two-factor authentication is not enabled.",
      ]);
    }
  });
});

describe("resetting 2FA", () => {
  it("by the operator removes secret and codes and revokes every session", async () => {
    const u = await enrolledTechnician();
    const r = await call(`/api/platform/orgs/${u.org.slug}/users/${u.id}/2fa/reset`, {
      method: "POST",
      bearer: TEST_SECRETS.PLATFORM_TOKEN,
    });
    expect(r.status).toBe(204);
    expect((await call("/api/me", { cookie: u.cookie })).status).toBe(401);
    const cookie = await signIn(u.email);
    const me = await callJson<{ twoFactor: unknown }>("/api/me", { cookie });
    expect(me.body.twoFactor).toEqual({ enabled: false, recoveryCodesRemaining: 0 });
    const recovery = await call("/auth/login/recovery", { body: { challenge: "x", code: u.enrollment.recoveryCodes[0] } });
    expect(recovery.status).toBe(401);
  });

  it("by the operator needs the platform token, and answers 404 for an unknown org or user", async () => {
    const u = await enrolledTechnician();
    expect((await call(`/api/platform/orgs/${u.org.slug}/users/${u.id}/2fa/reset`, { method: "POST" })).status).toBe(401);
    expect((await call(`/api/platform/orgs/${u.org.slug}/users/${u.id}/2fa/reset`, { method: "POST", cookie: u.adminCookie })).status).toBe(
      401,
    );
    const noOrg = await call(`/api/platform/orgs/no-such-org/users/${u.id}/2fa/reset`, {
      method: "POST",
      bearer: TEST_SECRETS.PLATFORM_TOKEN,
    });
    expect(noOrg.status).toBe(404);
    const noUser = await call(`/api/platform/orgs/${u.org.slug}/users/usr_nobody/2fa/reset`, {
      method: "POST",
      bearer: TEST_SECRETS.PLATFORM_TOKEN,
    });
    expect(noUser.status).toBe(404);
  });

  it("by an org admin works the same and is audited with who did it", async () => {
    const u = await enrolledTechnician();
    const r = await call(`/api/org/users/${u.id}/2fa/reset`, { method: "POST", cookie: u.adminCookie });
    expect(r.status).toBe(204);
    expect((await call("/api/me", { cookie: u.cookie })).status).toBe(401);
    const audit = await callJson<{ events: { type: string; actor: { type: string; label?: string }; subject: { id: string } }[] }>(
      "/api/org/audit",
      { cookie: u.adminCookie },
    );
    const reset = audit.body.events.find((e) => e.type === "2fa.reset");
    expect(reset?.actor).toMatchObject({ type: "user", label: u.org.admin.email });
    expect(reset?.subject.id).toBe(u.id);
  });
});
