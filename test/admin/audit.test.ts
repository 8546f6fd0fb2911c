import { describe, expect, it } from "vitest";
import type { AuditEvent } from "../../src/org/audit";
import { BASE, call, callJson, createOrg, PASSWORD, signIn } from "../support/api";
import { useTestClock } from "../support/clock";
import { challengeFor, enrolledTechnician } from "../support/flows";
import { wrongCode } from "../support/codes";
import { pageOf } from "../support/pages";
import { codeFor } from "../support/totp";

useTestClock();

describe("the audit log", () => {
  it("records every security change, newest first, with ip and user agent", async () => {
    const u = await enrolledTechnician();
    await call("/auth/login", {
      body: { email: u.email, password: "wrong wrong" },
      headers: { "cf-connecting-ip": "203.0.113.7", "user-agent": "probe/1" },
    });
    await call("/auth/login/2fa", { body: { challenge: await challengeFor(u.email), code: wrongCode(codeFor(u.enrollment.secret)) } });
    await call("/auth/login/recovery", { body: { challenge: await challengeFor(u.email), code: u.enrollment.recoveryCodes[0] } });
    await call("/api/me/2fa/recovery-codes", { cookie: u.cookie, body: { code: codeFor(u.enrollment.secret) } });
    await call("/api/org/settings", { method: "PATCH", cookie: u.adminCookie, body: { require2fa: true } });
    const key = await callJson<{ id: string }>("/api/org/api-keys", { cookie: u.adminCookie, body: { name: "k", role: "admin" } });
    await call(`/api/org/api-keys/${key.body.id}`, { method: "DELETE", cookie: u.adminCookie });
    await call(`/api/org/users/${u.id}/2fa/reset`, { method: "POST", cookie: u.adminCookie });

    const r = await callJson<{ events: AuditEvent[] }>("/api/org/audit?limit=200", { cookie: u.adminCookie });
    const types = r.body.events.map((e) => e.type);
    for (const t of [
      "org.created",
      "user.created",
      "login.succeeded",
      "login.failed",
      "2fa.enabled",
      "2fa.code_failed",
      "2fa.recovery_code_used",
      "2fa.recovery_codes_regenerated",
      "org.require_2fa_enabled",
      "api_key.created",
      "api_key.revoked",
      "2fa.reset",
    ]) {
      expect(types).toContain(t);
    }
    const ids = r.body.events.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((x, y) => y - x));
    const failed = r.body.events.find((e) => e.type === "login.failed");
    expect(failed).toMatchObject({ ip: "203.0.113.7", userAgent: "probe/1", subject: { id: u.id } });
  });

  it("records where a sign-out came from, from the API and from the pages", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const meta = (ip: string) => ({ "cf-connecting-ip": ip, "user-agent": `probe/${ip}` });
    expect(
      (await call("/auth/logout", { method: "POST", cookie: await signIn(org.admin.email), headers: meta("203.0.113.21") })).status,
    ).toBe(204);
    const page = await pageOf("/account", await signIn(org.admin.email));
    const form = await call("/logout", {
      cookie: page.cookie,
      headers: { ...meta("203.0.113.22"), "content-type": "application/x-www-form-urlencoded", origin: BASE },
      body: new URLSearchParams({ _csrf: page.token }).toString(),
    });
    expect(form.status).toBe(303);
    const r = await callJson<{ events: AuditEvent[] }>("/api/org/audit?limit=50", { cookie: admin });
    const outs = r.body.events.filter((e) => e.type === "session.revoked" && e.detail?.reason === "logout");
    expect(outs.map((e) => [e.ip, e.userAgent])).toEqual([
      ["203.0.113.22", "probe/203.0.113.22"],
      ["203.0.113.21", "probe/203.0.113.21"],
    ]);
  });

  it("pages with limit and before", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    for (let i = 0; i < 4; i++) await call("/auth/login", { body: { email: org.admin.email, password: PASSWORD } });
    const all = await callJson<{ events: AuditEvent[] }>("/api/org/audit", { cookie });
    const first = await callJson<{ events: AuditEvent[]; nextBefore: number }>("/api/org/audit?limit=3", { cookie });
    expect(first.body.events).toEqual(all.body.events.slice(0, 3));
    const second = await callJson<{ events: AuditEvent[] }>(`/api/org/audit?limit=3&before=${first.body.nextBefore}`, { cookie });
    expect(second.body.events).toEqual(all.body.events.slice(3, 6));
    expect((await call("/api/org/audit?limit=0", { cookie })).status).toBe(400);
    expect((await call("/api/org/audit?limit=abc", { cookie })).status).toBe(400);
  });
});
