// Flooding the audit log with failures anyone can cause never evicts a security event: noise is capped apart.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { AUDIT_NOISE_MAX_EVENTS, AUDIT_NOISE_WINDOW_SECONDS } from "../../src/constants";
import { type AuditType, recordEvent } from "../../src/org/audit";
import { call, callJson, createOrg, PASSWORD } from "../support/api";
import { auditRows, auditTypes } from "../support/audit";
import { advance, useTestClock } from "../support/clock";
import { enrolledTechnician } from "../support/flows";

useTestClock();

const HOUR_MS = 3_600_000;
const USERS = 25;
/** 25 users x 2 types x 210 windows = 10,500 noise rows, more than the cap. */
const WINDOWS = 210;
const FAILURES_PER_WINDOW = 3;

describe("audit flooding", () => {
  it("keeps every security event however much noise arrives, and caps noise at AUDIT_NOISE_MAX_EVENTS rows", async () => {
    // Security events through the real API: the org, users, sign-ins, a technician's 2FA, an admin's API key.
    const u = await enrolledTechnician();
    const key = await callJson<{ id: string; key: string }>("/api/org/api-keys", {
      cookie: u.adminCookie,
      body: { name: "backup script", role: "admin" },
    });
    expect(key.status).toBe(201);
    const security = (await auditRows(u.org.slug)).filter((r) => r.class === "security");
    expect(security.map((r) => r.type)).toEqual(expect.arrayContaining(["org.created", "2fa.enabled", "api_key.created"]));

    // Days of failures for 25 emails, through the same recordEvent the sign-in actions call.
    const start = Date.now();
    const stub = env.ORG.getByName(u.org.slug);
    await runInDurableObject(stub, (_o, state) => {
      state.storage.transactionSync(() => {
        for (let w = 0; w < WINDOWS; w++)
          for (let n = 0; n < USERS; n++)
            for (const type of ["login.failed", "account.locked"] satisfies AuditType[])
              for (let f = 0; f < FAILURES_PER_WINDOW; f++)
                recordEvent(
                  state.storage.sql,
                  {
                    type,
                    actor: { type: "user", id: `flood-${n}` },
                    subject: { id: `flood-${n}`, label: `flood-${n}@example.com` },
                    meta: { ip: "198.51.100.66", userAgent: "flood/1" },
                  },
                  start + (w + 1) * AUDIT_NOISE_WINDOW_SECONDS * 1000 + f * 60_000,
                );
      });
    });
    const flooded = await auditRows(u.org.slug);
    const noiseBefore = flooded.filter((r) => r.class === "noise");
    expect(noiseBefore).toHaveLength(USERS * 2 * WINDOWS);
    expect(noiseBefore.every((r) => r.repeats === FAILURES_PER_WINDOW - 1)).toBe(true);

    // The alarm's housekeeping (every 6 h) runs once the clock is past the flood.
    advance((WINDOWS + 7) * HOUR_MS);
    expect(await runDurableObjectAlarm(stub)).toBe(true);

    const after = await auditRows(u.org.slug);
    expect(after.filter((r) => r.class === "security")).toEqual(security);
    const noise = after.filter((r) => r.class === "noise");
    expect(noise).toHaveLength(AUDIT_NOISE_MAX_EVENTS);
    // The newest noise rows are the ones kept.
    expect(noise.map((r) => r.id)).toEqual(noiseBefore.slice(-AUDIT_NOISE_MAX_EVENTS).map((r) => r.id));

    // The admin still reads them through the API, past the noise (the key signs the request: sessions went idle).
    const oldestNoise = noise[0]?.id ?? 0;
    const page = await callJson<{ events: { type: string; count: number }[] }>(`/api/org/audit?limit=200&before=${oldestNoise}`, {
      bearer: key.body.key,
    });
    expect(page.status).toBe(200);
    expect(page.body.events.map((e) => e.type)).toEqual(security.map((r) => r.type).reverse());
    expect(page.body.events.map((e) => e.type)).toEqual(expect.arrayContaining(["2fa.enabled", "api_key.created"]));
  });

  it("does not log every attempt on a locked account", async () => {
    const org = await createOrg();
    for (let i = 0; i < 10; i++) await call("/auth/login", { body: { email: org.admin.email, password: "wrong password" } });
    const before = (await auditTypes(org.slug)).length;
    for (let i = 0; i < 20; i++)
      expect((await call("/auth/login", { body: { email: org.admin.email, password: PASSWORD } })).status).toBe(429);
    expect((await auditTypes(org.slug)).length).toBe(before);
  });
});
