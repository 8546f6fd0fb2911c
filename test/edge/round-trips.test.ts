// Round trips from the Worker to Durable Objects per user action (x-gatehouse-trips, counted under TEST_SEAMS by
// src/http/trips.ts): each object call is a network trip in production, so a change that adds one fails here.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { hashPassword, kdfStats, shouldUpgrade } from "../../src/crypto/password";
import { addUser, call, callJson, createOrg, PASSWORD, randomEmail, signIn } from "../support/api";
import { useTestClock, nextStep } from "../support/clock";
import { enrolledAdmin, enrolledTechnician } from "../support/flows";
import { codeFor } from "../support/totp";

useTestClock();

/** [calls, sequential] of one answer. */
function trips(res: Response): [number, number] {
  const h = res.headers.get("x-gatehouse-trips");
  if (!h) throw new Error("no x-gatehouse-trips header: is TEST_SEAMS on?");
  const [calls, sequential] = h.split(" ").map(Number);
  return [calls as number, sequential as number];
}

describe("round trips per user action", () => {
  it("password step: directory, then org; the same for an unknown email and a wrong password", async () => {
    const t = await enrolledTechnician();
    const known = await call("/auth/login", { body: { email: t.email, password: PASSWORD } });
    expect(known.status).toBe(200);
    expect(trips(known)).toEqual([2, 2]);
    const wrong = await call("/auth/login", { body: { email: t.email, password: "wrong-password-123" } });
    expect(wrong.status).toBe(401);
    expect(trips(wrong)).toEqual([2, 2]);
    const unknown = await call("/auth/login", { body: { email: randomEmail("nobody"), password: PASSWORD } });
    expect(unknown.status).toBe(401);
    expect(trips(unknown)).toEqual([2, 2]);
    // Without 2FA the password step ends in a session, still in the same one org call.
    const org = await createOrg();
    const plain = await call("/auth/login", { body: { email: org.admin.email, password: PASSWORD } });
    expect(plain.status).toBe(200);
    expect(trips(plain)).toEqual([2, 2]);
  });

  it("a hash from before user salts takes the old check once (3 trips), then is upgraded (2 trips)", async () => {
    const org = await createOrg();
    const stub = env.ORG.getByName(org.slug);
    const legacy = await hashPassword(env.PASSWORD_PEPPER, PASSWORD, 100_000);
    await runInDurableObject(stub, (_o, state) => {
      state.storage.sql.exec("UPDATE users SET password_hash = ? WHERE id = ?", legacy, org.admin.id);
    });
    // A wrong password changes nothing (no upgrade without the right one).
    const wrong = await call("/auth/login", { body: { email: org.admin.email, password: "wrong-password-123" } });
    expect([wrong.status, ...trips(wrong)]).toEqual([401, 3, 3]);
    expect(await stub.passwordHashOf(org.admin.id)).toBe(legacy);
    const before = kdfStats.calls;
    const old = await call("/auth/login", { body: { email: org.admin.email, password: PASSWORD } });
    expect([old.status, ...trips(old), kdfStats.calls - before]).toEqual([200, 3, 3, 2]);
    const upgraded = await stub.passwordHashOf(org.admin.id);
    expect(upgraded).toBe(await hashPassword(env.PASSWORD_PEPPER, PASSWORD, 100_000, org.admin.id));
    const again = await call("/auth/login", { body: { email: org.admin.email, password: PASSWORD } });
    expect([again.status, ...trips(again)]).toEqual([200, 2, 2]);
  });

  it("user salts: the same for one user, different between users, and never a cheaper rehash", async () => {
    const a = await hashPassword(env.PASSWORD_PEPPER, PASSWORD, 1000, "usr_a");
    expect(await hashPassword(env.PASSWORD_PEPPER, PASSWORD, 1000, "usr_a")).toBe(a);
    expect(await hashPassword(env.PASSWORD_PEPPER, PASSWORD, 1000, "usr_b")).not.toBe(a);
    expect(await hashPassword("another pepper", PASSWORD, 1000, "usr_a")).not.toBe(a);
    expect(shouldUpgrade("pbkdf2-sha256:1000:salt:hash", 100_000)).toBe(true);
    expect(shouldUpgrade("pbkdf2-sha256:100000:randomsalt:hash", 100_000)).toBe(true);
    expect(shouldUpgrade("pbkdf2-sha256:200000:salt:hash", 100_000)).toBe(false);
  });

  it("code step and recovery step: one call", async () => {
    const t = await enrolledTechnician();
    const first = await callJson<{ challenge: string }>("/auth/login", { body: { email: t.email, password: PASSWORD } });
    const code = await call("/auth/login/2fa", {
      body: { challenge: first.body.challenge, code: codeFor(t.enrollment.secret, Date.now(), t.enrollment.period) },
    });
    expect(code.status).toBe(200);
    expect(trips(code)).toEqual([1, 1]);
    const second = await callJson<{ challenge: string }>("/auth/login", { body: { email: t.email, password: PASSWORD } });
    const recovery = await call("/auth/login/recovery", {
      body: { challenge: second.body.challenge, code: t.enrollment.recoveryCodes[0] },
    });
    expect(recovery.status).toBe(200);
    expect(trips(recovery)).toEqual([1, 1]);
  });

  it("session check: one call", async () => {
    const t = await enrolledTechnician();
    const me = await call("/api/me", { cookie: t.cookie });
    expect(me.status).toBe(200);
    expect(trips(me)).toEqual([1, 1]);
  });

  it("enrollment: setup and confirm", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const user = await addUser(admin);
    const cookie = await signIn(user.email);
    const setup = await callJson<{ secret: string; period: number }>("/api/me/2fa/setup", { method: "POST", cookie });
    expect(setup.status).toBe(200);
    expect(trips(setup.res)).toEqual([2, 2]);
    const confirm = await call("/api/me/2fa/confirm", {
      cookie,
      body: { code: codeFor(setup.body.secret, Date.now(), setup.body.period) },
    });
    expect(confirm.status).toBe(200);
    expect(trips(confirm)).toEqual([2, 2]);
  });

  it("admin reads", async () => {
    const { cookie } = await enrolledAdmin();
    nextStep();
    const seen: Record<string, [number, number]> = {};
    for (const path of ["/api/org/users", "/api/org/compliance", "/api/org/audit", "/api/org/settings", "/api/org/api-keys"]) {
      const r = await call(path, { cookie });
      expect(r.status, path).toBe(200);
      seen[path] = trips(r);
    }
    expect(seen).toEqual({
      "/api/org/users": [2, 2],
      "/api/org/compliance": [2, 2],
      "/api/org/audit": [2, 2],
      "/api/org/settings": [1, 1],
      "/api/org/api-keys": [2, 2],
    });
  });
});
