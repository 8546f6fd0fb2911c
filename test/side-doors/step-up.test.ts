// Step-up (docs/api.md): a sensitive action needs a session whose factor was checked in the last 15 minutes, or a
// current code (a password for someone without 2FA) in the body; otherwise 403 step_up_required and nothing changes.
import { describe, expect, it } from "vitest";
import { call, callJson, createOrg, signIn } from "../support/api";
import { nextStep, useTestClock } from "../support/clock";
import { enrolledAdmin, staleSession } from "../support/flows";
import { wrongCode } from "../support/codes";
import { codeFor } from "../support/totp";
import { auditTypes } from "../support/audit";

useTestClock();

const KEY = { name: "deploy script", role: "admin" };

async function keyCount(cookie: string) {
  return (await callJson<{ apiKeys: unknown[] }>("/api/org/api-keys", { cookie })).body.apiKeys.length;
}

describe("step-up", () => {
  it("lets a session whose factor was checked in the last 15 minutes act without a code", async () => {
    const { cookie } = await enrolledAdmin();
    expect((await call("/api/org/api-keys", { cookie, body: KEY })).status).toBe(201);
  });

  it("refuses a stale session without a code: 403 step_up_required, and nothing is created", async () => {
    const { cookie } = await enrolledAdmin();
    staleSession();
    const r = await callJson<{ error: { code: string; message: string } }>("/api/org/api-keys", { cookie, body: KEY });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("step_up_required");
    expect(r.body.error.message).toMatch(/code/);
    expect(await keyCount(cookie)).toBe(0);
  });

  it("tells a stale session without a second factor how it steps up too (its password), not only the code it lacks", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    staleSession();
    const r = await callJson<{ error: { code: string; message: string } }>("/api/org/api-keys", { cookie, body: KEY });
    expect([r.status, r.body.error.code]).toEqual([403, "step_up_required"]);
    expect(r.body.error.message).toContain("your password as 'password'");
    expect(r.body.error.message).toContain("'webauthn'");
    expect(await keyCount(cookie)).toBe(0);
  });

  it("refuses a wrong code with step_up_required and counts it like any wrong second factor", async () => {
    const { org, cookie, enrollment } = await enrolledAdmin();
    staleSession();
    const r = await callJson<{ error: { code: string } }>("/api/org/api-keys", {
      cookie,
      body: { ...KEY, code: wrongCode(codeFor(enrollment.secret)) },
    });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("step_up_required");
    expect(await keyCount(cookie)).toBe(0);
    expect((await auditTypes(org.slug)).filter((t) => t === "2fa.code_failed")).toHaveLength(1);
  });

  it("accepts a current code, then treats the session as fresh for the next 15 minutes", async () => {
    const { cookie, enrollment } = await enrolledAdmin();
    staleSession();
    nextStep();
    const first = await call("/api/org/api-keys", { cookie, body: { ...KEY, code: codeFor(enrollment.secret) } });
    expect(first.status).toBe(201);
    expect((await call("/api/org/api-keys", { cookie, body: KEY })).status).toBe(201);
    staleSession();
    expect((await call("/api/org/api-keys", { cookie, body: KEY })).status).toBe(403);
  });

  it("takes the password from someone without 2FA, never a code, and counts a wrong one", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    staleSession();
    const code = await callJson<{ error: { code: string } }>("/api/org/api-keys", { cookie, body: { ...KEY, code: "123456" } });
    expect([code.status, code.body.error.code]).toEqual([403, "step_up_required"]);
    const wrong = await callJson<{ error: { code: string } }>("/api/org/api-keys", {
      cookie,
      body: { ...KEY, password: "not my password" },
    });
    expect([wrong.status, wrong.body.error.code]).toEqual([403, "step_up_required"]);
    expect(await auditTypes(org.slug)).toContain("login.failed");
    const right = await call("/api/org/api-keys", { cookie, body: { ...KEY, password: org.admin.password } });
    expect(right.status).toBe(201);
  });

  it("does not take a password from someone who has 2FA: that would skip the second factor", async () => {
    const { org, cookie } = await enrolledAdmin();
    staleSession();
    const r = await callJson<{ error: { code: string } }>("/api/org/api-keys", { cookie, body: { ...KEY, password: org.admin.password } });
    expect([r.status, r.body.error.code]).toEqual([403, "step_up_required"]);
    expect(await keyCount(cookie)).toBe(0);
  });

  it("guards adding a second factor too: a stale session must give its password before setup", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    staleSession();
    const r = await callJson<{ error: { code: string }; secret?: string }>("/api/me/2fa/setup", { method: "POST", cookie });
    expect([r.status, r.body.error.code]).toEqual([403, "step_up_required"]);
    expect(r.body.secret).toBeUndefined();
    const ok = await callJson<{ secret: string }>("/api/me/2fa/setup", { cookie, body: { password: org.admin.password } });
    expect(ok.status).toBe(200);
    expect(ok.body.secret).toMatch(/^[A-Z2-7]+$/);
  });

  it("lets exactly one of 20 concurrent step-up actions with one code through", async () => {
    const { cookie, enrollment } = await enrolledAdmin();
    staleSession();
    nextStep();
    const code = codeFor(enrollment.secret);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => call("/api/org/api-keys", { cookie, body: { name: `k${i}`, role: "technician", code } })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    // The other 19 are replays, each a wrong second factor: refused, and after 10 of them the account locks.
    expect(results.every((r) => [201, 403, 429].includes(r.status))).toBe(true);
    expect(await keyCount(cookie)).toBe(1);
  });
});

describe("step-up with a password where the org requires 2FA", () => {
  it("may set up the factor, and nothing else: a password-only session mints no key", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    expect((await call("/api/org/settings", { method: "PATCH", cookie, body: { require2fa: true } })).status).toBe(200);
    staleSession();
    const key = await callJson<{ error: { code: string; message: string } }>("/api/org/api-keys", {
      cookie,
      body: { ...KEY, password: org.admin.password },
    });
    expect([key.status, key.body.error.code]).toEqual([403, "step_up_required"]);
    expect(key.body.error.message).toMatch(/requires two-factor/);
    expect(await keyCount(cookie)).toBe(0);
    const setup = await call("/api/me/2fa/setup", { cookie, body: { password: org.admin.password } });
    expect(setup.status).toBe(200);
    // The password opened the setup only: it did not make the session fresh for a key.
    const after = await callJson<{ error: { code: string } }>("/api/org/api-keys", { cookie, body: KEY });
    expect([after.status, after.body.error.code]).toEqual([403, "step_up_required"]);
    expect(await keyCount(cookie)).toBe(0);
  });
});

describe("step-up with a password where the org does not require 2FA", () => {
  it("makes the session fresh whatever it opened, a factor's setup included", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    staleSession();
    expect((await callJson("/api/org/api-keys", { cookie, body: KEY })).status).toBe(403);
    const setup = await call("/api/me/2fa/setup", { cookie, body: { password: org.admin.password } });
    expect(setup.status).toBe(200);
    // The password was the admin's whole proof (no factor yet): the next step-up action needs none again.
    expect((await callJson("/api/org/api-keys", { cookie, body: KEY })).status).toBe(201);
    expect(await keyCount(cookie)).toBe(1);
  });
});
