// Deactivation ends every way into an account at once (sessions, keys, challenges, links) and keeps it shut:
// the right password is told "deactivated", a wrong one the usual 401, and no side door lets the user in.
import { describe, expect, it } from "vitest";
import { addUser, call, callJson, createOrg, PASSWORD, sessionCookieFrom, signIn } from "../support/api";
import { auditRows } from "../support/audit";
import { advance, nextStep, useTestClock } from "../support/clock";
import { challengeFor, enrolledTechnician, staleSession } from "../support/flows";
import { mailedPairingToken, outbox } from "../support/mail";
import { codeFor } from "../support/totp";

useTestClock();

type Err = { error: { code: string } };

const patch = (cookie: string, id: string, body: Record<string, unknown>) =>
  callJson<Err & { id: string; active: boolean }>(`/api/org/users/${id}`, { method: "PATCH", cookie, body });

async function apiKey(cookie: string, role: "admin" | "technician" = "admin"): Promise<string> {
  const r = await callJson<{ key: string }>("/api/org/api-keys", { cookie, body: { name: "ci", role } });
  if (r.status !== 201) throw new Error(`api key: ${r.status}`);
  return r.body.key;
}

const login = (email: string, password = PASSWORD) => callJson<Err & { status: string }>("/auth/login", { body: { email, password } });

describe("deactivating a user", () => {
  it("ends their sessions and keys at once; the right password says deactivated, a wrong one the usual 401", async () => {
    const org = await createOrg();
    const adminCookie = await signIn(org.admin.email);
    const user = await addUser(adminCookie, "admin");
    const userCookie = await signIn(user.email);
    const key = await apiKey(userCookie);
    expect((await call("/api/me", { bearer: key })).status).toBe(200);

    const r = await patch(adminCookie, user.id, { active: false });
    expect([r.status, r.body.active]).toEqual([200, false]);

    expect((await call("/api/me", { cookie: userCookie })).status).toBe(401);
    expect((await call("/api/me", { bearer: key })).status).toBe(401);
    const right = await login(user.email);
    expect([right.status, right.body.error.code]).toEqual([403, "account_deactivated"]);
    const wrong = await login(user.email, "not the password at all");
    expect([wrong.status, wrong.body.error.code]).toEqual([401, "invalid_credentials"]);

    const list = await callJson<{ users: { id: string; active: boolean }[] }>("/api/org/users", { cookie: adminCookie });
    expect(list.body.users.find((u) => u.id === user.id)?.active).toBe(false);
    expect(list.body.users.find((u) => u.id === org.admin.id)?.active).toBe(true);
    const types = (await auditRows(org.slug)).filter((e) => e.subject_id === user.id).map((e) => e.type);
    expect(types).toContain("user.deactivated");
    expect((await auditRows(org.slug)).some((e) => e.type === "api_key.revoked" && e.detail?.includes("deactivated"))).toBe(true);
    // The refused right password is a login failure in the log, as a wrong one is.
    const failures = (await auditRows(org.slug)).filter((e) => e.subject_id === user.id && e.type === "login.failed");
    expect(JSON.parse(failures[0]?.detail ?? "{}").reason).toBe("account_deactivated");
    // The wrong one after it is the same failure again (the log aggregates repeats).
    expect(failures.reduce((n, e) => n + 1 + e.repeats, 0)).toBe(2);
    expect((await outbox(org.slug)).some((m) => m.kind === "account.deactivated" && m.to === user.email)).toBe(true);
  });

  it("lets no old challenge, recovery code or pairing link in", async () => {
    const tech = await enrolledTechnician();
    const challenge = await challengeFor(tech.email);
    const plain = await addUser(tech.adminCookie);
    const token = await mailedPairingToken(tech.org.slug, tech.adminCookie, plain.id);
    await patch(tech.adminCookie, tech.id, { active: false });
    await patch(tech.adminCookie, plain.id, { active: false });

    const code = codeFor(tech.enrollment.secret, Date.now(), tech.enrollment.period);
    expect((await callJson<Err>("/auth/login/2fa", { body: { challenge, code } })).status).toBe(401);
    const recovery = tech.enrollment.recoveryCodes[0];
    expect((await callJson<Err>("/auth/login/recovery", { body: { challenge, code: recovery } })).status).toBe(401);
    const setup = await callJson<Err>(`/api/pair/${token}/setup`, { body: { password: PASSWORD } });
    expect(setup.status).toBeGreaterThanOrEqual(400);
    expect(setup.status).toBeLessThan(500);
  });

  it("answers a forced enrollment's dead challenge as dead at every step (401 invalid_code), not as an unknown user", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const tech = await addUser(admin);
    expect((await call("/api/org/settings", { method: "PATCH", cookie: admin, body: { require2fa: true } })).status).toBe(200);
    const started = await login(tech.email);
    expect(started.body.status).toBe("enrollment_required");
    const { challenge } = started.body as unknown as { challenge: string };
    await patch(admin, tech.id, { active: false });
    for (const [path, body] of [
      ["/auth/login/enroll", { challenge }],
      ["/auth/login/enroll/confirm", { challenge, code: "123456" }],
    ] as const) {
      const r = await callJson<Err>(path, { body });
      expect([path, r.status, r.body.error.code]).toEqual([path, 401, "invalid_code"]);
    }
  });

  it("keeps a session started by a racing sign-in out: it cannot authenticate once the user is deactivated", async () => {
    const org = await createOrg();
    const adminCookie = await signIn(org.admin.email);
    const user = await addUser(adminCookie);
    const [signedIn] = await Promise.all([login(user.email), patch(adminCookie, user.id, { active: false })]);
    const cookie = sessionCookieFrom(signedIn.res);
    if (cookie) expect((await call("/api/me", { cookie })).status).toBe(401);
  });

  it("reactivation lets them sign in again, and their killed keys stay dead", async () => {
    const org = await createOrg();
    const adminCookie = await signIn(org.admin.email);
    const user = await addUser(adminCookie, "admin");
    const key = await apiKey(await signIn(user.email));
    await patch(adminCookie, user.id, { active: false });
    const back = await patch(adminCookie, user.id, { active: true });
    expect([back.status, back.body.active]).toEqual([200, true]);
    expect((await login(user.email)).status).toBe(200);
    expect((await call("/api/me", { bearer: key })).status).toBe(401);
    expect((await auditRows(org.slug)).map((e) => e.type)).toContain("user.reactivated");
  });

  it("refuses oneself, unknown ids, technicians and API keys on admins; an admin needs step-up", async () => {
    const org = await createOrg();
    const adminCookie = await signIn(org.admin.email);
    const other = await addUser(adminCookie, "admin");
    const tech = await addUser(adminCookie);
    const self = await patch(adminCookie, org.admin.id, { active: false });
    expect([self.status, self.body.error.code]).toEqual([409, "conflict"]);
    expect((await patch(adminCookie, "usr_nobody", { active: false })).status).toBe(404);
    expect((await patch(await signIn(tech.email), other.id, { active: false })).status).toBe(403);
    const key = await apiKey(adminCookie);
    const byKey = await callJson<Err>(`/api/org/users/${other.id}`, { method: "PATCH", bearer: key, body: { active: false } });
    expect([byKey.status, byKey.body.error.code]).toEqual([403, "forbidden"]);
    staleSession();
    const stale = await patch(adminCookie, other.id, { active: false });
    expect([stale.status, stale.body.error.code]).toEqual([403, "step_up_required"]);
    expect((await login(other.email)).status).toBe(200);
    // A technician needs no step-up: deactivating them grants nothing.
    expect((await patch(adminCookie, tech.id, { active: false })).status).toBe(200);
  });

  it("counts only active admins: the last active one cannot step down while another admin is deactivated", async () => {
    const org = await createOrg();
    const adminCookie = await signIn(org.admin.email);
    const other = await addUser(adminCookie, "admin");
    expect((await patch(adminCookie, other.id, { active: false })).status).toBe(200);
    const demote = await patch(adminCookie, org.admin.id, { role: "technician" });
    expect([demote.status, demote.body.error.code]).toEqual([409, "conflict"]);
  });

  it("changes role, name and active together or not at all: a refused part leaves the others unchanged", async () => {
    const org = await createOrg();
    const adminCookie = await signIn(org.admin.email);
    const other = await addUser(adminCookie, "admin");
    const users = async () =>
      (await callJson<{ users: { id: string; name: string; role: string; active: boolean }[] }>("/api/org/users", { cookie: adminCookie }))
        .body.users;
    // Oneself: the rename would be allowed alone, the deactivation is refused, so neither happens.
    const self = await patch(adminCookie, org.admin.id, { name: "Renamed Admin", active: false });
    expect([self.status, self.body.error.code]).toEqual([409, "conflict"]);
    // Stepping down is allowed alone (another admin exists); deactivating oneself is not: the role stays.
    const both = await patch(adminCookie, org.admin.id, { role: "technician", active: false });
    expect([both.status, both.body.error.code]).toEqual([409, "conflict"]);
    const after = await users();
    expect(after.find((u) => u.id === org.admin.id)).toMatchObject({ name: "Ada Admin", role: "admin", active: true });
    expect((await auditRows(org.slug)).map((e) => e.type)).not.toContain("user.renamed");
    expect((await auditRows(org.slug)).map((e) => e.type)).not.toContain("user.role_changed");
    // All parts allowed: all land, in one answer.
    const ok = await patch(adminCookie, other.id, { name: "Ops Lead", role: "technician", active: false });
    expect([ok.status, ok.body]).toEqual([200, { id: other.id, email: other.email, name: "Ops Lead", role: "technician", active: false }]);
  });

  it("mails the person in their language", async () => {
    const org = await createOrg();
    const adminCookie = await signIn(org.admin.email);
    const user = await addUser(adminCookie);
    const fr = await call("/auth/login", { body: { email: user.email, password: PASSWORD }, headers: { "accept-language": "fr" } });
    expect(fr.status).toBe(200);
    nextStep();
    await patch(adminCookie, user.id, { active: false });
    advance(1000);
    const mail = (await outbox(org.slug)).find((m) => m.kind === "account.deactivated");
    expect(mail?.subject).toBe("Votre compte a été désactivé");
  });
});
