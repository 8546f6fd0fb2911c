import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { AUDIT_NOISE_MAX_EVENTS } from "../../src/constants";
import { call, createOrg, signIn } from "../support/api";
import { advance, useTestClock } from "../support/clock";

useTestClock();

describe("audit retention", () => {
  it("is trimmed by the object's alarm to the newest 10,000 events of the last 365 days, not by requests", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const stub = env.ORG.getByName(org.slug);
    const now = Date.now();
    await runInDurableObject(stub, (_o, state) => {
      const sql = state.storage.sql;
      sql.exec("INSERT INTO audit (at, type, actor_type) VALUES (?, 'login.failed', 'anonymous')", now - 400 * 86_400_000);
      for (let i = 0; i < AUDIT_NOISE_MAX_EVENTS + 50; i++)
        sql.exec("INSERT INTO audit (at, type, actor_type) VALUES (?, 'login.failed', 'anonymous')", now - 1000);
    });
    const count = () =>
      runInDurableObject(stub, (_o, state) => ({
        total: state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM audit").one().n,
        oldest: state.storage.sql.exec<{ at: number }>("SELECT MIN(at) AS at FROM audit").one().at,
      }));
    // Requests do not trim: the log only grows between alarms.
    await call("/api/me", { cookie });
    expect((await count()).total).toBeGreaterThan(AUDIT_NOISE_MAX_EVENTS + 50);
    advance(7 * 3_600_000);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const after = await count();
    expect(after.total).toBe(AUDIT_NOISE_MAX_EVENTS);
    expect(after.oldest).toBeGreaterThan(now - 365 * 86_400_000);
  });
});
