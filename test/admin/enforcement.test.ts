import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addUser, call, callJson, createOrg, PASSWORD, sessionCookieFrom, signIn } from "../support/api";
import { nextStep, useTestClock } from "../support/clock";
import { wrongCode } from "../support/codes";
import { challengeFor, enrolledAdmin, enrolledTechnician, staleSession } from "../support/flows";
import { SoftAuthenticator } from "../support/authenticator";
import { codeFor } from "../support/totp";

useTestClock();

async function requireTwoFactor(adminCookie: string, on: boolean) {
  const r = await callJson("/api/org/settings", { method: "PATCH", cookie: adminCookie, body: { require2fa: on } });
  expect(r.status).toBe(200);
  expect(r.body).toMatchObject({ require2fa: on });
}

describe("requiring 2FA for the whole org", () => {
  it("is off by default", async () => {
    const org = await createOrg();
    const r = await callJson("/api/org/settings", { cookie: await signIn(org.admin.email) });
    expect(r.body).toEqual({ require2fa: false, totpPeriod: 30, requirePhishingResistant: false });
  });

  it("makes a technician without 2FA enroll at sign-in before getting a session", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const tech = await addUser(admin);
    const earlier = await signIn(tech.email);
    await requireTwoFactor(admin, true);

    const login = await call("/auth/login", { body: { email: tech.email, password: PASSWORD } });
    const body = (await login.json()) as { status: string; challenge: string };
    expect(body.status).toBe("enrollment_required");
    expect(sessionCookieFrom(login)).toBeUndefined();

    // The enrollment challenge works nowhere else.
    expect((await call("/auth/login/2fa", { body: { challenge: body.challenge, code: "123456" } })).status).toBe(401);
    expect((await call("/api/me", { cookie: `__Host-session=${body.challenge}` })).status).toBe(401);
    expect((await call("/api/me", { bearer: body.challenge })).status).toBe(401);

    const setup = await callJson<{ secret: string; otpauthUri: string; period: number }>("/auth/login/enroll", {
      body: { challenge: body.challenge },
    });
    expect(setup.status).toBe(200);
    expect(setup.body.otpauthUri).toContain(`Gatehouse:${tech.email}`);
    const done = await call("/auth/login/enroll/confirm", { body: { challenge: body.challenge, code: codeFor(setup.body.secret) } });
    expect(done.status).toBe(200);
    const result = (await done.json()) as { status: string; recoveryCodes: string[] };
    expect(result.status).toBe("authenticated");
    expect(result.recoveryCodes).toHaveLength(10);
    const cookie = sessionCookieFrom(done) as string;
    const me = await callJson<{ twoFactor: { enabled: boolean } }>("/api/me", { cookie });
    expect(me.body.twoFactor.enabled).toBe(true);

    // The challenge is spent, and the session from before the switch still works.
    expect((await call("/auth/login/enroll", { body: { challenge: body.challenge } })).status).toBe(401);
    expect((await call("/api/me", { cookie: earlier })).status).toBe(200);
  });

  it("shows the same secret when the same sign-in's enrollment is opened again, and never another sign-in's", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const tech = await addUser(admin);
    await requireTwoFactor(admin, true);
    const setup = async (challenge: string) =>
      (await callJson<{ secret: string }>("/auth/login/enroll", { body: { challenge } })).body.secret;
    const first = await challengeFor(tech.email);
    const scanned = await setup(first);
    // A reload (the page asks again with the same challenge): the app already holds this secret, so it stays.
    expect(await setup(first)).toBe(scanned);
    // Another sign-in (whoever holds the password) gets a fresh secret, never the one staged for the first.
    const other = await challengeFor(tech.email);
    const planted = await setup(other);
    expect(planted).not.toBe(scanned);
    // The first sign-in's page opened again now makes a fresh one too: the pending secret is not its own any more.
    const again = await setup(first);
    expect([scanned, planted]).not.toContain(again);
    const done = await call("/auth/login/enroll/confirm", { body: { challenge: first, code: codeFor(again) } });
    expect(done.status).toBe(200);
  });

  it("keeps a password-only session from before the enrollment, but it steps up with the new factor, not on its password", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const tech = await addUser(admin);
    // Someone holding only the password signs in just before the owner is made to enroll.
    const earlier = await signIn(tech.email);
    await requireTwoFactor(admin, true);
    const { challenge } = (await callJson<{ challenge: string }>("/auth/login", { body: { email: tech.email, password: PASSWORD } })).body;
    const setup = await callJson<{ secret: string }>("/auth/login/enroll", { body: { challenge } });
    expect((await call("/auth/login/enroll/confirm", { body: { challenge, code: codeFor(setup.body.secret) } })).status).toBe(200);

    expect((await call("/api/me", { cookie: earlier })).status).toBe(200);
    // No credential, email or key on the strength of that old password check: the new factor is asked.
    for (const [path, body] of [
      ["/api/me/passkeys/options", {}],
      ["/api/me/email", { email: "taken-over@evil.example" }],
      ["/api/me/email", { email: "taken-over@evil.example", password: PASSWORD }],
    ] as const) {
      const r = await callJson<{ error: { code: string } }>(path, { cookie: earlier, body });
      expect([path, r.status, r.body.error?.code]).toEqual([path, 403, "step_up_required"]);
    }
    // With the new factor, it may.
    nextStep();
    const proven = await call("/api/me/passkeys/options", { cookie: earlier, body: { code: codeFor(setup.body.secret) } });
    expect(proven.status).toBe(200);
  });

  it("makes such a session step up with the passkey when the enrollment was a passkey", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const tech = await addUser(admin);
    const earlier = await signIn(tech.email);
    await requireTwoFactor(admin, true);
    const { challenge } = (await callJson<{ challenge: string }>("/auth/login", { body: { email: tech.email, password: PASSWORD } })).body;
    const options = await callJson<{ challenge: string }>("/auth/login/enroll/passkey/options", { body: { challenge } });
    const auth = new SoftAuthenticator();
    const done = await call("/auth/login/enroll/passkey", {
      body: { challenge, name: "Mine", response: await auth.register(options.body) },
    });
    expect(done.status).toBe(200);
    expect((await call("/api/me", { cookie: earlier })).status).toBe(200);
    const r = await callJson<{ error: { code: string } }>("/api/me/passkeys/options", { cookie: earlier, body: {} });
    expect([r.status, r.body.error.code]).toEqual([403, "step_up_required"]);
  });

  it("lets nothing begun on the password alone before the enrollment finish after it (attacker review)", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const tech = await addUser(admin);
    // Someone with the password: an old session, a passkey registration begun from it, and an app setup staged
    // through a sign-in's enrollment of their own.
    const earlier = await signIn(tech.email);
    await requireTwoFactor(admin, true);
    const begun = await callJson<{ challenge: string }>("/api/me/passkeys/options", { cookie: earlier, body: {} });
    expect(begun.status).toBe(200);
    const owner = (await callJson<{ challenge: string }>("/auth/login", { body: { email: tech.email, password: PASSWORD } })).body
      .challenge;
    const theirs = (await callJson<{ challenge: string }>("/auth/login", { body: { email: tech.email, password: PASSWORD } })).body
      .challenge;
    const staged = await callJson<{ secret: string }>("/auth/login/enroll", { body: { challenge: theirs } });
    expect(staged.status).toBe(200);
    // The owner enrolls a passkey at sign-in.
    const options = await callJson<{ challenge: string }>("/auth/login/enroll/passkey/options", { body: { challenge: owner } });
    const done = await call("/auth/login/enroll/passkey", {
      body: { challenge: owner, name: "Mine", response: await new SoftAuthenticator().register(options.body) },
    });
    expect(done.status).toBe(200);
    // Neither the staged app nor the begun passkey can be finished from the old session.
    nextStep();
    const confirm = await callJson<{ error: { code: string } }>("/api/me/2fa/confirm", {
      cookie: earlier,
      body: { code: codeFor(staged.body.secret) },
    });
    expect(confirm.status).toBeGreaterThanOrEqual(400);
    const finish = await callJson<{ error: { code: string } }>("/api/me/passkeys", {
      cookie: earlier,
      body: { name: "theirs", response: await new SoftAuthenticator().register(begun.body) },
    });
    expect(finish.status).toBe(401);
    // Nor through the sign-in enrollment they staged it with.
    const viaTheirs = await call("/auth/login/enroll/confirm", { body: { challenge: theirs, code: codeFor(staged.body.secret) } });
    expect(viaTheirs.status).toBeGreaterThanOrEqual(400);
    const me = await callJson<{ twoFactor: { enabled: boolean; recoveryCodesRemaining: number } }>("/api/me", { cookie: earlier });
    expect(me.body.twoFactor.enabled).toBe(true);
    const passkeys = await callJson<{ passkeys: { name: string }[] }>("/api/me/passkeys", { cookie: earlier });
    expect(passkeys.body.passkeys.map((k) => k.name)).toEqual(["Mine"]);
  });

  it("lets no passkey registration begun before an app enrollment at sign-in finish after it", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const tech = await addUser(admin);
    const earlier = await signIn(tech.email);
    await requireTwoFactor(admin, true);
    const begun = await callJson<{ challenge: string }>("/api/me/passkeys/options", { cookie: earlier, body: {} });
    expect(begun.status).toBe(200);
    const { challenge } = (await callJson<{ challenge: string }>("/auth/login", { body: { email: tech.email, password: PASSWORD } })).body;
    const setup = await callJson<{ secret: string }>("/auth/login/enroll", { body: { challenge } });
    expect((await call("/auth/login/enroll/confirm", { body: { challenge, code: codeFor(setup.body.secret) } })).status).toBe(200);
    const finish = await call("/api/me/passkeys", {
      cookie: earlier,
      body: { name: "theirs", response: await new SoftAuthenticator().register(begun.body) },
    });
    expect(finish.status).toBe(401);
  });

  it("refuses a wrong code during forced enrollment and kills the challenge after 5", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const tech = await addUser(admin);
    await requireTwoFactor(admin, true);
    const { challenge } = (await (await call("/auth/login", { body: { email: tech.email, password: PASSWORD } })).json()) as {
      challenge: string;
    };
    const setup = await callJson<{ secret: string }>("/auth/login/enroll", { body: { challenge } });
    const good = codeFor(setup.body.secret);
    const bad = wrongCode(good);
    for (let i = 0; i < 5; i++) expect((await call("/auth/login/enroll/confirm", { body: { challenge, code: bad } })).status).toBe(401);
    expect((await call("/auth/login/enroll/confirm", { body: { challenge, code: good } })).status).toBe(401);
  });

  it("refuses disabling 2FA while required, and switching it off removes nobody's 2FA", async () => {
    const u = await enrolledTechnician();
    await requireTwoFactor(u.adminCookie, true);
    const refused = await callJson<{ error: { code: string } }>("/api/me/2fa/disable", {
      cookie: u.cookie,
      body: { code: codeFor(u.enrollment.secret) },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("enforced_by_org");
    await requireTwoFactor(u.adminCookie, false);
    const login = await callJson<{ status: string }>("/auth/login", { body: { email: u.email, password: PASSWORD } });
    expect(login.body.status).toBe("2fa_required");
  });

  it("is turned off only with step-up from a session (a stale cookie cannot strip it); turned on without", async () => {
    const { cookie, enrollment } = await enrolledAdmin();
    staleSession();
    await requireTwoFactor(cookie, true);
    const refused = await callJson<{ error: { code: string } }>("/api/org/settings", {
      method: "PATCH",
      cookie,
      body: { require2fa: false },
    });
    expect([refused.status, refused.body.error.code]).toEqual([403, "step_up_required"]);
    expect((await callJson("/api/org/settings", { cookie })).body).toMatchObject({ require2fa: true });
    // Sending the value it already has takes nothing away, and the period changes freely.
    expect((await call("/api/org/settings", { method: "PATCH", cookie, body: { require2fa: true, totpPeriod: 60 } })).status).toBe(200);
    const done = await callJson("/api/org/settings", {
      method: "PATCH",
      cookie,
      body: { require2fa: false, code: codeFor(enrollment.secret) },
    });
    expect([done.status, done.body.require2fa]).toEqual([200, false]);
    // The API never asks a key for a second factor (docs/api.md): a script may still switch it.
    await requireTwoFactor(cookie, true);
    const key = (await callJson<{ key: string }>("/api/org/api-keys", { cookie, body: { name: "ops", role: "admin" } })).body.key;
    expect((await call("/api/org/settings", { method: "PATCH", bearer: key, body: { require2fa: false } })).status).toBe(200);
  });

  it("is decided against the stored setting, in the org's object: a stale caller cannot turn off what is on", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    await requireTwoFactor(admin, true);
    const stub = env.ORG.getByName(org.slug);
    const base = { actor: { type: "user" as const, id: org.admin.id }, meta: {} };
    const stale = { kind: "session" as const, userId: org.admin.id, steppedUp: false };
    expect(await stub.updateSettings({ ...base, caller: stale, require2fa: false })).toEqual({ ok: false, reason: "step_up_required" });
    // Nothing to take away: the value it already has, and the period.
    expect((await stub.updateSettings({ ...base, caller: stale, require2fa: true, totpPeriod: 60 })).ok).toBe(true);
    expect(await stub.updateSettings({ ...base, caller: stale, requirePhishingResistant: false })).toEqual({
      ok: false,
      reason: "step_up_required",
    });
    expect((await callJson("/api/org/settings", { cookie: admin })).body).toMatchObject({ require2fa: true, totpPeriod: 60 });
    expect((await stub.updateSettings({ ...base, caller: { ...stale, steppedUp: true }, require2fa: false })).ok).toBe(true);
  });

  it("after a reset, the user must enroll again at the next sign-in", async () => {
    const u = await enrolledTechnician();
    await requireTwoFactor(u.adminCookie, true);
    expect((await call(`/api/org/users/${u.id}/2fa/reset`, { method: "POST", cookie: u.adminCookie })).status).toBe(204);
    const login = await callJson<{ status: string }>("/auth/login", { body: { email: u.email, password: PASSWORD } });
    expect(login.body.status).toBe("enrollment_required");
  });

  it("shows compliance: who still has to enroll", async () => {
    const u = await enrolledTechnician();
    const other = await addUser(u.adminCookie);
    await requireTwoFactor(u.adminCookie, true);
    const r = await callJson<{
      required: boolean;
      enrolled: number;
      total: number;
      notEnrolled: { id: string; email: string; lastLoginAt: string | null }[];
    }>("/api/org/compliance", { cookie: u.adminCookie });
    expect(r.body.required).toBe(true);
    expect(r.body.total).toBe(3);
    expect(r.body.enrolled).toBe(1);
    expect(r.body.notEnrolled.map((x) => x.email).sort()).toEqual([u.org.admin.email, other.email].sort());
    expect(r.body.notEnrolled.find((x) => x.email === other.email)?.lastLoginAt).toBeNull();
    const users = await callJson<{ users: { email: string; twoFactorEnabled: boolean }[] }>("/api/org/users", { cookie: u.adminCookie });
    expect(users.body.users.find((x) => x.email === u.email)?.twoFactorEnabled).toBe(true);
    expect(users.body.users.find((x) => x.email === other.email)?.twoFactorEnabled).toBe(false);
  });
});

describe("the code period", () => {
  it("applies 60 seconds to new enrollments and keeps 30 for existing ones", async () => {
    const existing = await enrolledTechnician();
    const r = await callJson("/api/org/settings", { method: "PATCH", cookie: existing.adminCookie, body: { totpPeriod: 60 } });
    expect(r.body).toEqual({ require2fa: false, totpPeriod: 60, requirePhishingResistant: false });

    const tech = await addUser(existing.adminCookie);
    const cookie = await signIn(tech.email);
    const setup = await callJson<{ secret: string; otpauthUri: string; period: number }>("/api/me/2fa/setup", { method: "POST", cookie });
    expect(setup.body.period).toBe(60);
    expect(setup.body.otpauthUri).toMatch(/&period=60$/);
    expect((await call("/api/me/2fa/confirm", { cookie, body: { code: codeFor(setup.body.secret, Date.now(), 60) } })).status).toBe(200);
    nextStep(60);
    // A 30-second code for the moment is not a 60-second one (different step counter).
    const thirty = codeFor(setup.body.secret, Date.now(), 30);
    const sixty = codeFor(setup.body.secret, Date.now(), 60);
    if (thirty !== sixty) {
      expect((await call("/auth/login/2fa", { body: { challenge: await challengeFor(tech.email), code: thirty } })).status).toBe(401);
    }
    expect((await call("/auth/login/2fa", { body: { challenge: await challengeFor(tech.email), code: sixty } })).status).toBe(200);

    // The earlier enrollment still works with 30-second codes.
    expect(
      (
        await call("/auth/login/2fa", {
          body: { challenge: await challengeFor(existing.email), code: codeFor(existing.enrollment.secret) },
        })
      ).status,
    ).toBe(200);
  });

  it("accepts only 30 or 60, naming the field", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    for (const body of [{ totpPeriod: 45 }, { totpPeriod: "60" }, { require2fa: "yes" }, { colour: "red" }]) {
      const r = await callJson<{ error: { code: string; message: string } }>("/api/org/settings", { method: "PATCH", cookie, body });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe("invalid_request");
      expect(r.body.error.message).toContain(Object.keys(body)[0]);
    }
  });
});
