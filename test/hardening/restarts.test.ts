// State survives an object being evicted or aborted mid-run; a failing transaction leaves nothing half-written;
// the code check fails closed.
import { abortAllDurableObjects, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, callJson, randomSlug } from "../support/api";
import { auditRows } from "../support/audit";
import { nextStep, useTestClock } from "../support/clock";
import { challengeFor, enrolledTechnician } from "../support/flows";
import { tallyScenarios } from "../support/tally";
import { codeFor } from "../support/totp";

useTestClock();

tallyScenarios("restarts and faults");

describe("restarts and faults", () => {
  it("keeps users, secrets, replay state and sessions when the org's object is evicted", async () => {
    const u = await enrolledTechnician();
    const code = codeFor(u.enrollment.secret);
    expect((await call("/auth/login/2fa", { body: { challenge: await challengeFor(u.email), code } })).status).toBe(200);
    await evictDurableObject(env.ORG.getByName(u.org.slug));
    expect((await call("/api/me", { cookie: u.cookie })).status).toBe(200);
    // The step accepted before the eviction is still refused after it.
    expect((await call("/auth/login/2fa", { body: { challenge: await challengeFor(u.email), code } })).status).toBe(401);
    nextStep();
    expect(
      (await call("/auth/login/2fa", { body: { challenge: await challengeFor(u.email), code: codeFor(u.enrollment.secret) } })).status,
    ).toBe(200);
  });

  it("keeps every accepted code single-use when all objects are aborted mid-run", async () => {
    const u = await enrolledTechnician();
    const code = codeFor(u.enrollment.secret);
    const challenges = await Promise.all(Array.from({ length: 10 }, () => challengeFor(u.email)));
    const results = await Promise.allSettled([
      ...challenges.slice(0, 5).map((challenge) => call("/auth/login/2fa", { body: { challenge, code } })),
      abortAllDurableObjects(),
      ...challenges.slice(5).map((challenge) => call("/auth/login/2fa", { body: { challenge, code } })),
    ]);
    const ok = results.filter((r) => r.status === "fulfilled" && r.value instanceof Response && r.value.status === 200);
    expect(ok.length).toBeLessThanOrEqual(1);
    const logins = (await auditRows(u.org.slug)).filter((r) => r.type === "login.succeeded" && r.detail?.includes("totp"));
    expect(logins).toHaveLength(ok.length);
  });

  it("rolls back a whole action when it fails half-way (no org without its admin)", async () => {
    const slug = randomSlug("tx");
    const stub = env.ORG.getByName(slug);
    const broken = { id: "usr_x", email: "x@example.com", name: "X", role: "admin" as const, passwordHash: null as unknown as string };
    // Called inside the object so the failure is caught here rather than reported as unhandled.
    const thrown = await runInDurableObject(stub, async (instance) => {
      try {
        await instance.initialize({ slug, name: "Broken", jurisdiction: null, admin: broken, actor: { type: "operator" }, meta: {} });
        return null;
      } catch (err) {
        return String(err);
      }
    });
    expect(thrown).toContain("NOT NULL");
    const rows = await runInDurableObject(stub, (_o, state) => ({
      org: state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM org").one().n,
      audit: state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM audit").one().n,
    }));
    expect(rows).toEqual({ org: 0, audit: 0 });
  });
});

describe("failing closed", () => {
  it("lets nobody in when the stored secret cannot be read, and says so without a stack", async () => {
    const u = await enrolledTechnician();
    await runInDurableObject(env.ORG.getByName(u.org.slug), (_o, state) => {
      state.storage.sql.exec("UPDATE totp SET ciphertext = 'AAAAAAAAAAAAAAAA.AAAA' WHERE user_id = ?", u.id);
    });
    const res = await callJson<{ error: { code: string } }>("/auth/login/2fa", {
      body: { challenge: await challengeFor(u.email), code: codeFor(u.enrollment.secret) },
    });
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe("internal_error");
    expect(res.headers.getSetCookie()).toEqual([]);
    const disable = await call("/api/me/2fa/disable", { cookie: u.cookie, body: { code: codeFor(u.enrollment.secret) } });
    expect(disable.status).toBe(500);
    const sessions = await runInDurableObject(
      env.ORG.getByName(u.org.slug),
      (_o, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?", u.id).one().n,
    );
    expect(sessions).toBe(1); // only the session from before
  });
});
