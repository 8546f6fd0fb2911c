// Races inside workerd (Promise.all against the Worker), each followed by invariant checks on storage.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addUser, call, callJson, PASSWORD, sessionCookieFrom, signIn } from "../support/api";
import { auditRows, auditTypes } from "../support/audit";
import { useTestClock } from "../support/clock";
import { challengeFor, enrolledTechnician } from "../support/flows";
import { tallyScenarios } from "../support/tally";
import { codeFor } from "../support/totp";

useTestClock();

tallyScenarios("races");

function count(slug: string, query: string, ...params: string[]) {
  return runInDurableObject(env.ORG.getByName(slug), (_o, state) => state.storage.sql.exec<{ n: number }>(query, ...params).one().n);
}

describe("races", () => {
  it("regenerating recovery codes while the old ones are used: no old code works after, counts exact", async () => {
    const u = await enrolledTechnician();
    const old = u.enrollment.recoveryCodes;
    const challenges = await Promise.all(old.map(() => challengeFor(u.email)));
    const [regen, ...uses] = await Promise.all([
      callJson<{ recoveryCodes: string[] }>("/api/me/2fa/recovery-codes", {
        cookie: u.cookie,
        body: { code: codeFor(u.enrollment.secret) },
      }),
      ...old.map((code, i) => call("/auth/login/recovery", { body: { challenge: challenges[i], code } })),
    ]);
    expect(regen?.status).toBe(200);
    const accepted = uses.filter((r) => r.status === 200).length;
    // Whatever interleaving happened: the new set is whole and no old code works any more.
    expect(await count(u.org.slug, "SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = ? AND used_at IS NULL", u.id)).toBe(10);
    for (const code of old.slice(0, 3)) {
      expect((await call("/auth/login/recovery", { body: { challenge: await challengeFor(u.email), code } })).status).toBe(401);
    }
    const sessionsFromRecovery = (await auditTypes(u.org.slug)).filter((t) => t === "2fa.recovery_code_used").length;
    expect(sessionsFromRecovery).toBe(accepted);
  });

  it("an admin reset while the user signs in: no session survives the reset, no dead challenge signs in", async () => {
    const u = await enrolledTechnician();
    const challenges = await Promise.all(Array.from({ length: 5 }, () => challengeFor(u.email)));
    const code = codeFor(u.enrollment.secret);
    const results = await Promise.all([
      call(`/api/org/users/${u.id}/2fa/reset`, { method: "POST", cookie: u.adminCookie }),
      ...challenges.map((challenge) => call("/auth/login/2fa", { body: { challenge, code } })),
    ]);
    expect(results[0]?.status).toBe(204);
    const audit = await auditRows(u.org.slug);
    const resetId = Math.max(...audit.filter((r) => r.type === "2fa.reset").map((r) => r.id));
    expect(audit.filter((r) => r.type === "login.succeeded" && r.id > resetId)).toEqual([]);
    // Sessions created before the reset were revoked by it; none were created after.
    expect(await count(u.org.slug, "SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?", u.id)).toBe(0);
    for (const challenge of challenges) expect((await call("/auth/login/2fa", { body: { challenge, code } })).status).toBe(401);
  });

  it("enforcement switched while enrollments are in flight: each user ends enrolled or signed in, never both half-way", async () => {
    const u = await enrolledTechnician();
    const techs = await Promise.all(Array.from({ length: 4 }, () => addUser(u.adminCookie)));
    const cookies = await Promise.all(techs.map((t) => signIn(t.email)));
    const setups = await Promise.all(
      cookies.map((cookie) => callJson<{ secret: string }>("/api/me/2fa/setup", { method: "POST", cookie })),
    );
    const results = await Promise.all([
      call("/api/org/settings", { method: "PATCH", cookie: u.adminCookie, body: { require2fa: true } }),
      ...cookies.map((cookie, i) => call("/api/me/2fa/confirm", { cookie, body: { code: codeFor(setups[i]?.body.secret as string) } })),
    ]);
    expect(results.every((r) => r.status === 200)).toBe(true);
    for (const t of techs) {
      const login = await callJson<{ status: string }>("/auth/login", { body: { email: t.email, password: PASSWORD } });
      expect(login.body.status).toBe("2fa_required");
    }
    expect(await count(u.org.slug, "SELECT COUNT(*) AS n FROM totp_pending")).toBe(0);
    expect(await count(u.org.slug, "SELECT COUNT(*) AS n FROM totp")).toBe(5);
  });

  it("one code sent to 20 challenges and a disable at once: at most one wins, 2FA state stays whole", async () => {
    const u = await enrolledTechnician();
    const code = codeFor(u.enrollment.secret);
    const challenges = await Promise.all(Array.from({ length: 10 }, () => challengeFor(u.email)));
    const results = await Promise.all([
      call("/api/me/2fa/disable", { cookie: u.cookie, body: { code } }),
      ...challenges.map((challenge) => call("/auth/login/2fa", { body: { challenge, code } })),
    ]);
    expect(results.filter((r) => r.status === 200 || r.status === 204)).toHaveLength(1);
    const enabled = await count(u.org.slug, "SELECT COUNT(*) AS n FROM totp WHERE user_id = ?", u.id);
    const codesLeft = await count(u.org.slug, "SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = ?", u.id);
    expect(enabled === 1 ? codesLeft === 10 : codesLeft === 0).toBe(true);
    expect(results.slice(1).filter((r) => sessionCookieFrom(r)).length).toBe(results[0]?.status === 204 ? 0 : 1);
  });
});
