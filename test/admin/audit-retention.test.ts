// Audit retention, by the object's alarm only: security events by age (365 days) whatever their number; noise by
// age (90 days) and count apart.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { AUDIT_MAX_AGE_DAYS, AUDIT_NOISE_MAX_AGE_DAYS, AUDIT_NOISE_MAX_EVENTS } from "../../src/constants";
import { type AuditType, recordEvent } from "../../src/org/audit";
import { call, createOrg, signIn } from "../support/api";
import { auditRows, auditTypes } from "../support/audit";
import { advance, useTestClock } from "../support/clock";

useTestClock();

const DAY_MS = 86_400_000;

describe("audit retention", () => {
  it("drops security events after 365 days and noise after 90, and never trims security events by count", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const stub = env.ORG.getByName(org.slug);
    const now = Date.now();
    const at = (days: number) => now - days * DAY_MS;
    await runInDurableObject(stub, (_o, state) => {
      const record = (type: AuditType, subject: string, when: number) =>
        recordEvent(state.storage.sql, { type, actor: { type: "system" }, subject: { id: subject } }, when);
      state.storage.transactionSync(() => {
        record("2fa.reset", "too-old", at(AUDIT_MAX_AGE_DAYS + 1));
        record("2fa.reset", "kept", at(AUDIT_MAX_AGE_DAYS - 1));
        record("login.failed", "too-old", at(AUDIT_NOISE_MAX_AGE_DAYS + 1));
        record("login.failed", "kept", at(AUDIT_NOISE_MAX_AGE_DAYS - 1));
        // More security events within the year than the noise cap: all of them stay.
        for (let i = 0; i < AUDIT_NOISE_MAX_EVENTS + 50; i++) record("session.revoked", `many-${i}`, at(200) + i);
      });
    });
    const rows = async () =>
      (await auditRows(org.slug))
        .filter((r) => r.subject_id === "too-old" || r.subject_id === "kept")
        .map((r) => `${r.class} ${r.subject_id}`)
        .sort();
    const count = async (type: string) => (await auditTypes(org.slug)).filter((t) => t === type).length;

    // Requests do not trim: only the alarm does.
    await call("/api/me", { cookie });
    expect(await rows()).toEqual(["noise kept", "noise too-old", "security kept", "security too-old"]);

    advance(7 * 3_600_000);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    // The kept ones were a day inside their limit, so still inside it 7 hours later.
    expect(await rows()).toEqual(["noise kept", "security kept"]);
    expect(await count("session.revoked")).toBe(AUDIT_NOISE_MAX_EVENTS + 50);
    expect(await count("org.created")).toBe(1);
  });
});
