// Failures anyone can cause are one audit row per user, type and hour, with a count, not a row each.
import { describe, expect, it } from "vitest";
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { type AuditEvent, LATER_SECURITY_EVENT } from "../../src/org/audit";
import { AUDIT_NOISE_WINDOW_SECONDS, LOCKOUT_SECONDS, MAX_CONSECUTIVE_FAILURES } from "../../src/constants";
import { call, callJson, createOrg, PASSWORD, signIn } from "../support/api";
import { auditRows } from "../support/audit";
import { advance, useTestClock } from "../support/clock";
import { challengeFor, enrolledTechnician } from "../support/flows";
import { wrongCode } from "../support/codes";
import { codeFor } from "../support/totp";

useTestClock();

/** Reads as the admin, signed in afresh: the clock moved past an earlier session's idle limit. */
async function events(adminEmail: string, type: string): Promise<AuditEvent[]> {
  const r = await callJson<{ events: AuditEvent[] }>("/api/org/audit?limit=200", { cookie: await signIn(adminEmail) });
  expect(r.status).toBe(200);
  return r.body.events.filter((e) => e.type === type);
}

async function rows(slug: string, type: string): Promise<number> {
  return (await auditRows(slug)).filter((r) => r.type === type).length;
}

/** Wrong passwords in bursts of 10 (each burst locks the account for 15 minutes, then the clock moves on). */
async function failSignIns(email: string, n: number, ip: string): Promise<void> {
  for (let i = 0; i < n; i++) {
    if (i > 0 && i % MAX_CONSECUTIVE_FAILURES === 0) advance(LOCKOUT_SECONDS * 1000 + 1000);
    const r = await call("/auth/login", {
      body: { email, password: "wrong wrong" },
      headers: { "cf-connecting-ip": ip, "user-agent": "probe/1" },
    });
    expect(r.status).toBe(401);
  }
}

describe("audit aggregation", () => {
  it("makes 30 failed sign-ins within an hour one row with count 30, and its locks one row with count 3", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const tech = await callJson<{ id: string; email: string }>("/api/org/users", {
      cookie: admin,
      body: { email: `tess-${crypto.randomUUID().slice(0, 8)}@example.com`, password: PASSWORD, name: "Tess", role: "technician" },
    });
    const started = new Date(Date.now()).toISOString();
    await failSignIns(tech.body.email, 20, "203.0.113.7");
    advance(LOCKOUT_SECONDS * 1000 + 1000);
    await failSignIns(tech.body.email, 10, "198.51.100.9");
    // Within the hour: 30 failures over three 15-minute locks.
    expect(Date.now() - Date.parse(started)).toBeLessThan(AUDIT_NOISE_WINDOW_SECONDS * 1000);
    const last = new Date(Date.now()).toISOString();

    expect(await rows(org.slug, "login.failed")).toBe(1);
    const [failed] = await events(org.admin.email, "login.failed");
    expect(failed).toMatchObject({
      at: started,
      count: 30,
      lastAt: last,
      subject: { id: tech.body.id },
      // The first attempt's origin stays; the latest IP is in detail while it differs.
      ip: "203.0.113.7",
      userAgent: "probe/1",
      detail: { reason: "wrong_password", lastIp: "198.51.100.9" },
    });
    expect(await rows(org.slug, "account.locked")).toBe(1);
    expect((await events(org.admin.email, "account.locked"))[0]).toMatchObject({ count: 3, subject: { id: tech.body.id } });
    // A security event next to them is still one row per event, with count 1 and no lastAt.
    const [signedIn] = await events(org.admin.email, "login.succeeded");
    expect(signedIn?.count).toBe(1);
    expect(signedIn).not.toHaveProperty("lastAt");
  }, 30_000); // 30 sign-ins, each a password hash: slow on a loaded machine

  it("starts a new row when the window has passed, and keeps users and types apart", async () => {
    const u = await enrolledTechnician();
    const other = await callJson<{ email: string }>("/api/org/users", {
      cookie: u.adminCookie,
      body: { email: `theo-${crypto.randomUUID().slice(0, 8)}@example.com`, password: PASSWORD, name: "Theo", role: "technician" },
    });
    // The wrong code comes first: a security event about the user after a row would start a new one (next test).
    await call("/auth/login/2fa", { body: { challenge: await challengeFor(u.email), code: wrongCode(codeFor(u.enrollment.secret)) } });
    await failSignIns(u.email, 2, "203.0.113.7");
    await failSignIns(other.body.email, 1, "203.0.113.7");
    advance(AUDIT_NOISE_WINDOW_SECONDS * 1000 - 2000);
    await failSignIns(u.email, 1, "203.0.113.7"); // still the first window
    advance(3000);
    await failSignIns(u.email, 3, "203.0.113.7"); // a new window

    const failed = await events(u.org.admin.email, "login.failed");
    expect(await rows(u.org.slug, "login.failed")).toBe(3);
    expect(failed.map((e) => [e.subject?.id === u.id, e.count])).toEqual([
      [true, 3],
      [false, 1],
      [true, 3],
    ]);
    expect(failed[2]?.detail).toEqual({ reason: "wrong_password" });
    expect((await events(u.org.admin.email, "2fa.code_failed")).map((e) => e.count)).toEqual([1]);
  });

  it("starts a new row after a security event about the same user, so the list stays newest first", async () => {
    const u = await enrolledTechnician();
    const wrong = async () =>
      expect(
        (await call("/auth/login/2fa", { body: { challenge: await challengeFor(u.email), code: wrongCode(codeFor(u.enrollment.secret)) } }))
          .status,
      ).toBe(401);
    const since = Date.now();
    await wrong();
    advance(60_000);
    const ok = await call("/auth/login/2fa", { body: { challenge: await challengeFor(u.email), code: codeFor(u.enrollment.secret) } });
    expect(ok.status).toBe(200);
    advance(60_000);
    await wrong();
    advance(60_000);
    await wrong(); // joins the row just started: nothing happened to the user in between
    const r = await callJson<{ events: AuditEvent[] }>("/api/org/audit?limit=200", { cookie: await signIn(u.org.admin.email) });
    const mine = r.body.events.filter(
      (e) => e.subject?.id === u.id && Date.parse(e.at) >= since && ["2fa.code_failed", "login.succeeded"].includes(e.type),
    );
    expect(mine.map((e) => [e.type, e.count])).toEqual([
      ["2fa.code_failed", 2],
      ["login.succeeded", 1],
      ["2fa.code_failed", 1],
    ]);
  });

  it("asks whether a security event came after the open row with one probe of its index, not a scan", async () => {
    const org = await createOrg();
    const plan = await runInDurableObject(env.ORG.getByName(org.slug), (_o, state) =>
      state.storage.sql
        .exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${LATER_SECURITY_EVENT}`, "usr_x", 1)
        .toArray()
        .map((r) => r.detail),
    );
    expect(plan.join("; ")).toMatch(/SEARCH audit USING COVERING INDEX audit_security_by_subject \(subject_id=\? AND id>\?\)/);
  });

  it("pages by id as before, aggregated rows included", async () => {
    const org = await createOrg();
    for (let i = 0; i < 3; i++) {
      await failSignIns(org.admin.email, 2, "203.0.113.7");
      await call("/auth/login", { body: { email: org.admin.email, password: PASSWORD } });
      advance(AUDIT_NOISE_WINDOW_SECONDS * 1000);
    }
    const cookie = await signIn(org.admin.email);
    const all = await callJson<{ events: AuditEvent[] }>("/api/org/audit", { cookie });
    expect(all.body.events.filter((e) => e.type === "login.failed").map((e) => e.count)).toEqual([2, 2, 2]);
    const first = await callJson<{ events: AuditEvent[]; nextBefore: number }>("/api/org/audit?limit=3", { cookie });
    expect(first.body.events).toEqual(all.body.events.slice(0, 3));
    const second = await callJson<{ events: AuditEvent[] }>(`/api/org/audit?limit=3&before=${first.body.nextBefore}`, { cookie });
    expect(second.body.events).toEqual(all.body.events.slice(3, 6));
  });

  it("shows the count and the last time on the Audit page, in English and French", async () => {
    const org = await createOrg();
    await failSignIns(org.admin.email, 4, "203.0.113.7");
    advance(20 * 60_000);
    await failSignIns(org.admin.email, 1, "203.0.113.7");
    const cookie = await signIn(org.admin.email);
    const page = async (lang: string) => {
      const res = await call(`/audit?lang=${lang}`, { cookie, headers: { accept: "text/html" } });
      expect(res.status).toBe(200);
      return res.text();
    };
    // 14 March 2031 15:09 UTC, then 15:29 (useTestClock's start).
    expect(await page("en")).toContain("×5, last 14 Mar 2031, 15:29");
    expect(await page("fr")).toContain("5 fois, la dernière le 14 mars 2031, 15:29");
    // A single event shows no count.
    expect(await page("en")).not.toContain("×1");
  });
});
