// Unbounded slow guessing is closed: 100 wrong second factors in a row, however spread over time, lock sign-in
// (423 account_locked, even with the right factors) until an admin unlocks or support resets 2FA (NIST SP 800-63B
// 5.2.2). The clock is moved past each 15-minute lock, never waited for.
import { describe, expect, it } from "vitest";
import { TEST_SECRETS } from "../support/secrets";
import { addUser, call, callJson, createOrg, PASSWORD, signIn } from "../support/api";
import { advance, nextStep, useTestClock } from "../support/clock";
import { auditTypes } from "../support/audit";
import { challengeFor, type EnrolledUser, enrolledTechnician } from "../support/flows";
import { wrongCode } from "../support/codes";
import { mailedPairingToken, outbox } from "../support/mail";
import { codeFor } from "../support/totp";

useTestClock();

const LOCK_MS = 15 * 60_000;

/** Sends `n` wrong codes at sign-in, a new challenge every 5 and the clock moved past each 15-minute lock. */
async function wrongCodesOverTime(u: EnrolledUser, n: number): Promise<string> {
  let challenge = "";
  for (let i = 0; i < n; i++) {
    if (i % 10 === 0 && i > 0) advance(LOCK_MS + 1000);
    if (i % 5 === 0) challenge = await challengeFor(u.email);
    const r = await call("/auth/login/2fa", { body: { challenge, code: wrongCode(codeFor(u.enrollment.secret)) } });
    expect(r.status).toBe(401);
  }
  return challenge;
}

async function kinds(slug: string, to?: string) {
  return (await outbox(slug)).filter((m) => !to || m.to === to).map((m) => m.kind);
}

describe("the lasting lock", () => {
  it("locks sign-in after 100 wrong codes spread over hours: 423 with the right password, 401 with a wrong one", async () => {
    const u = await enrolledTechnician();
    await wrongCodesOverTime(u, 99);
    advance(LOCK_MS + 1000);
    const challenge = await challengeFor(u.email); // the 99th did not lock for good
    expect((await call("/auth/login/2fa", { body: { challenge, code: wrongCode(codeFor(u.enrollment.secret)) } })).status).toBe(401);
    advance(LOCK_MS + 1000);
    const right = await callJson<{ error: { code: string } }>("/auth/login", { body: { email: u.email, password: PASSWORD } });
    expect([right.status, right.body.error.code]).toEqual([423, "account_locked"]);
    const wrong = await callJson<{ error: { code: string } }>("/auth/login", { body: { email: u.email, password: "not the password" } });
    expect([wrong.status, wrong.body.error.code]).toEqual([401, "invalid_credentials"]);
    // Days later, still locked: only a person can lift it.
    advance(7 * 86_400_000);
    expect((await call("/auth/login", { body: { email: u.email, password: PASSWORD } })).status).toBe(423);
    expect((await auditTypes(u.org.slug)).filter((t) => t === "account.locked_out")).toHaveLength(1);
  });

  it("kills the challenges issued before the lock: even a correct code there starts no session", async () => {
    const u = await enrolledTechnician();
    await wrongCodesOverTime(u, 95);
    advance(LOCK_MS + 1000);
    const early = await challengeFor(u.email);
    const other = await challengeFor(u.email);
    for (let i = 0; i < 5; i++)
      await call("/auth/login/2fa", { body: { challenge: other, code: wrongCode(codeFor(u.enrollment.secret)) } });
    nextStep();
    const r = await call("/auth/login/2fa", { body: { challenge: early, code: codeFor(u.enrollment.secret) } });
    expect(r.status).toBe(401);
    expect(r.headers.getSetCookie()).toEqual([]);
    expect((await call("/auth/login", { body: { email: u.email, password: PASSWORD } })).status).toBe(423);
  });

  it("counts only wrong codes in a row: a correct one starts the count again", async () => {
    const u = await enrolledTechnician();
    await wrongCodesOverTime(u, 95);
    advance(LOCK_MS + 1000);
    nextStep();
    const ok = await call("/auth/login/2fa", { body: { challenge: await challengeFor(u.email), code: codeFor(u.enrollment.secret) } });
    expect(ok.status).toBe(200);
    await wrongCodesOverTime(u, 10);
    advance(LOCK_MS + 1000);
    expect((await callJson<{ status: string }>("/auth/login", { body: { email: u.email, password: PASSWORD } })).body.status).toBe(
      "2fa_required",
    );
  });

  it("mails the user and the admins once when it locks", async () => {
    const u = await enrolledTechnician();
    await wrongCodesOverTime(u, 100);
    expect(await kinds(u.org.slug, u.email)).toContain("account.locked_out");
    expect(await kinds(u.org.slug, u.org.admin.email)).toContain("account.locked_out_admin");
  });

  it("is lifted by an admin's unlock (204), and the user signs in again", async () => {
    const u = await enrolledTechnician();
    await wrongCodesOverTime(u, 100);
    const admin = await signIn(u.org.admin.email); // hours have passed: a new session
    expect((await call(`/api/org/users/${u.id}/unlock`, { method: "POST", cookie: admin })).status).toBe(204);
    const users = await callJson<{ users: { id: string; locked: boolean }[] }>("/api/org/users", { cookie: admin });
    expect(users.body.users.find((x) => x.id === u.id)?.locked).toBe(false);
    nextStep();
    const ok = await call("/auth/login/2fa", { body: { challenge: await challengeFor(u.email), code: codeFor(u.enrollment.secret) } });
    expect(ok.status).toBe(200);
    expect(await auditTypes(u.org.slug)).toContain("account.unlocked");
  });

  it("is lifted by support's 2FA reset", async () => {
    const u = await enrolledTechnician();
    await wrongCodesOverTime(u, 100);
    const reset = await call(`/api/platform/orgs/${u.org.slug}/users/${u.id}/2fa/reset`, {
      method: "POST",
      bearer: TEST_SECRETS.PLATFORM_TOKEN,
    });
    expect(reset.status).toBe(204);
    expect((await callJson<{ status: string }>("/auth/login", { body: { email: u.email, password: PASSWORD } })).body.status).toBe(
      "authenticated",
    );
  });

  it("unlock racing sign-ins: every answer is the lock or the next step, and afterwards the user is unlocked", async () => {
    const u = await enrolledTechnician();
    await wrongCodesOverTime(u, 100);
    const admin = await signIn(u.org.admin.email);
    const [unlock, ...logins] = await Promise.all([
      call(`/api/org/users/${u.id}/unlock`, { method: "POST", cookie: admin }),
      ...Array.from({ length: 10 }, () => callJson<{ status?: string }>("/auth/login", { body: { email: u.email, password: PASSWORD } })),
    ]);
    expect(unlock?.status).toBe(204);
    for (const l of logins) expect(l.status === 423 || l.body.status === "2fa_required").toBe(true);
    expect((await callJson<{ status: string }>("/auth/login", { body: { email: u.email, password: PASSWORD } })).body.status).toBe(
      "2fa_required",
    );
  });

  it("ends every session of the account, the guesser's included, and unlocking brings none back", async () => {
    const u = await enrolledTechnician();
    // A thief's stale session guessing step-up codes (the regenerate form) counts toward the same lock.
    for (let i = 0; i < 100; i++) {
      if (i % 10 === 0 && i > 0) advance(LOCK_MS + 1000);
      else if (i % 5 === 0) await call("/api/me", { cookie: u.cookie }); // keep the session from going idle
      const r = await call("/api/me/2fa/recovery-codes", { cookie: u.cookie, body: { code: wrongCode(codeFor(u.enrollment.secret)) } });
      expect(r.status).toBe(401);
    }
    expect((await call("/api/me", { cookie: u.cookie })).status).toBe(401);
    const admin = await signIn(u.org.admin.email);
    expect((await call(`/api/org/users/${u.id}/unlock`, { method: "POST", cookie: admin })).status).toBe(204);
    expect((await call("/api/me", { cookie: u.cookie })).status).toBe(401);
  });

  it("cannot be lifted by the locked admin themselves, nor an admin's by a stale session", async () => {
    const u = await enrolledTechnician();
    const self = await callJson<{ error: { code: string } }>(`/api/org/users/${u.org.admin.id}/unlock`, {
      method: "POST",
      cookie: u.adminCookie,
    });
    expect([self.status, self.body.error.code]).toEqual([403, "forbidden"]);
    const tech = await callJson<{ error: { code: string } }>(`/api/org/users/${u.org.admin.id}/unlock`, {
      method: "POST",
      cookie: u.cookie,
    });
    expect(tech.status).toBe(403);
  });

  it("is lifted from a stale session only with step-up, a technician's included (each unlock gives a guesser more codes)", async () => {
    const u = await enrolledTechnician();
    await wrongCodesOverTime(u, 100);
    const admin = await signIn(u.org.admin.email);
    advance(16 * 60_000);
    const stale = await callJson<{ error: { code: string } }>(`/api/org/users/${u.id}/unlock`, { method: "POST", cookie: admin });
    expect([stale.status, stale.body.error.code]).toEqual([403, "step_up_required"]);
    const users = await callJson<{ users: { id: string; locked: boolean }[] }>("/api/org/users", { cookie: admin });
    expect(users.body.users.find((x) => x.id === u.id)?.locked).toBe(true);
    const done = await call(`/api/org/users/${u.id}/unlock`, { cookie: admin, body: { password: PASSWORD } });
    expect(done.status).toBe(204);
  });
});

describe("the lock mail", () => {
  it("goes out the first time a user is locked in a day, not at every lock", async () => {
    const u = await enrolledTechnician();
    const lockWithPasswords = async () => {
      for (let i = 0; i < 10; i++) await call("/auth/login", { body: { email: u.email, password: "wrong password" } });
      advance(LOCK_MS + 1000);
    };
    await lockWithPasswords();
    await lockWithPasswords();
    expect((await kinds(u.org.slug, u.email)).filter((k) => k === "account.locked")).toHaveLength(1);
    advance(86_400_000);
    await lockWithPasswords();
    expect((await kinds(u.org.slug, u.email)).filter((k) => k === "account.locked")).toHaveLength(2);
  });

  it("says after wrong codes that someone knows the password", async () => {
    const u = await enrolledTechnician();
    await wrongCodesOverTime(u, 10);
    const mail = (await outbox(u.org.slug)).find((m) => m.to === u.email && m.kind === "account.locked");
    expect(mail?.subject).toBe("Your account was locked after too many attempts");
  });
});

describe("a pairing link's holder without the password", () => {
  it("learns nothing of the user's locks: the link's confirm answers 409 before any lock is looked at", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const tech = await addUser(admin);
    const token = await mailedPairingToken(org.slug, admin, tech.id);
    for (let i = 0; i < 10; i++) await call("/auth/login", { body: { email: tech.email, password: "wrong password" } });
    expect((await call("/auth/login", { body: { email: tech.email, password: PASSWORD } })).status).toBe(429);
    const r = await callJson<{ error: { code: string } }>(`/api/pair/${token}/confirm`, { body: { code: "000000" } });
    expect(r.status).toBe(409);
    expect(r.headers.get("retry-after")).toBeNull();
  });
});
