// An admin removing a second factor or a lock: never their own; anyone's factors, and another admin's lock, only
// with step-up; an admin's never with an API key; support may do either for anyone (docs/api.md, closing side
// doors). Granting admin needs step-up too.
import { describe, expect, it } from "vitest";
import { TEST_SECRETS } from "../support/secrets";
import { addUser, call, callJson, createOrg, sessionCookieFrom, signIn } from "../support/api";
import { advance, nextStep, useTestClock } from "../support/clock";
import { enrolledAdmin, enrolledTechnician, staleSession } from "../support/flows";
import { codeFor, enroll } from "../support/totp";

useTestClock();

async function twoFactorOf(cookie: string, id: string) {
  const users = await callJson<{ users: { id: string; twoFactorEnabled: boolean }[] }>("/api/org/users", { cookie });
  return users.body.users.find((u) => u.id === id)?.twoFactorEnabled;
}

async function adminKey(cookie: string) {
  return (await callJson<{ key: string }>("/api/org/api-keys", { cookie, body: { name: "k", role: "admin" } })).body.key;
}

/** Two enrolled admins of one org: `a` (the first) and `b`. */
async function twoEnrolledAdmins() {
  const a = await enrolledAdmin();
  const bUser = await addUser(a.cookie, "admin");
  const b = await enroll(await signIn(bUser.email));
  nextStep();
  return { a, b: { ...bUser, cookie: b.cookie, secret: b.secret } };
}

describe("resetting 2FA", () => {
  it("is refused on one's own account, even from a fresh session, and 2FA stays on", async () => {
    const { org, cookie } = await enrolledAdmin();
    const r = await callJson<{ error: { code: string } }>(`/api/org/users/${org.admin.id}/2fa/reset`, { method: "POST", cookie });
    expect([r.status, r.body.error.code]).toEqual([403, "forbidden"]);
    expect(await twoFactorOf(cookie, org.admin.id)).toBe(true);
  });

  it("of another admin needs step-up: refused from a stale session, done with a current code", async () => {
    const { a, b } = await twoEnrolledAdmins();
    staleSession();
    const refused = await callJson<{ error: { code: string } }>(`/api/org/users/${b.id}/2fa/reset`, { method: "POST", cookie: a.cookie });
    expect([refused.status, refused.body.error.code]).toEqual([403, "step_up_required"]);
    expect(await twoFactorOf(a.cookie, b.id)).toBe(true);
    const done = await call(`/api/org/users/${b.id}/2fa/reset`, { cookie: a.cookie, body: { code: codeFor(a.enrollment.secret) } });
    expect(done.status).toBe(204);
    expect(await twoFactorOf(a.cookie, b.id)).toBe(false);
  });

  it("of a technician needs step-up from a session too: the admin may know the password they set at Add user", async () => {
    const u = await enrolledTechnician();
    staleSession();
    const refused = await callJson<{ error: { code: string } }>(`/api/org/users/${u.id}/2fa/reset`, {
      method: "POST",
      cookie: u.adminCookie,
    });
    expect([refused.status, refused.body.error.code]).toEqual([403, "step_up_required"]);
    expect(await twoFactorOf(u.adminCookie, u.id)).toBe(true);
    // The admin has no second factor: their password steps up.
    const done = await call(`/api/org/users/${u.id}/2fa/reset`, { cookie: u.adminCookie, body: { password: u.org.admin.password } });
    expect(done.status).toBe(204);
    expect(await twoFactorOf(u.adminCookie, u.id)).toBe(false);
  });

  it("by API key: a technician's yes, an admin's never, the key's maker's never", async () => {
    const { a, b } = await twoEnrolledAdmins();
    const key = await adminKey(a.cookie);
    const tech = await addUser(a.cookie, "technician");
    await enroll(await signIn(tech.email));
    for (const id of [a.org.admin.id, b.id]) {
      const r = await callJson<{ error: { code: string } }>(`/api/org/users/${id}/2fa/reset`, { method: "POST", bearer: key });
      expect([r.status, r.body.error.code]).toEqual([403, "forbidden"]);
      expect(await twoFactorOf(a.cookie, id)).toBe(true);
    }
    expect((await call(`/api/org/users/${tech.id}/2fa/reset`, { method: "POST", bearer: key })).status).toBe(204);
  });

  it("by support works on anyone, admins included", async () => {
    const { org, cookie } = await enrolledAdmin();
    const r = await call(`/api/platform/orgs/${org.slug}/users/${org.admin.id}/2fa/reset`, {
      method: "POST",
      bearer: TEST_SECRETS.PLATFORM_TOKEN,
    });
    expect(r.status).toBe(204);
    expect((await call("/api/me", { cookie })).status).toBe(401); // every session of the user ended
  });
});

describe("granting or removing admin", () => {
  it("needs step-up from a session: a new admin or a promotion from a stale session is refused", async () => {
    const { org, cookie, enrollment } = await enrolledAdmin();
    const tech = await addUser(cookie, "technician");
    staleSession();
    const body = { email: "new-admin@example.com", password: "long enough pw", role: "admin" };
    const add = await callJson<{ error: { code: string } }>("/api/org/users", { cookie, body });
    expect([add.status, add.body.error.code]).toEqual([403, "step_up_required"]);
    const promote = await callJson<{ error: { code: string } }>(`/api/org/users/${tech.id}`, {
      method: "PATCH",
      cookie,
      body: { role: "admin" },
    });
    expect([promote.status, promote.body.error.code]).toEqual([403, "step_up_required"]);
    // A technician is no lasting power: added without step-up.
    expect((await call("/api/org/users", { cookie, body: { ...body, email: "tech2@example.com", role: "technician" } })).status).toBe(201);
    const users = await callJson<{ users: { role: string }[] }>("/api/org/users", { cookie });
    expect(users.body.users.filter((u) => u.role === "admin")).toHaveLength(1);
    const withCode = await call(`/api/org/users/${tech.id}`, {
      method: "PATCH",
      cookie,
      body: { role: "admin", code: codeFor(enrollment.secret) },
    });
    expect(withCode.status).toBe(200);
    expect(org.slug).toBeTruthy();
  });

  it("is never done with an API key: no admin made, promoted or demoted by a key (403)", async () => {
    const { a, b } = await twoEnrolledAdmins();
    const key = await adminKey(a.cookie);
    const tech = await addUser(a.cookie, "technician");
    const add = await callJson<{ error: { code: string } }>("/api/org/users", {
      bearer: key,
      body: { email: "key-made-admin@example.com", password: "long enough pw", role: "admin" },
    });
    expect([add.status, add.body.error.code]).toEqual([403, "forbidden"]);
    for (const [id, role] of [
      [tech.id, "admin"],
      [b.id, "technician"],
    ] as const) {
      const r = await callJson<{ error: { code: string } }>(`/api/org/users/${id}`, { method: "PATCH", bearer: key, body: { role } });
      expect([r.status, r.body.error.code]).toEqual([403, "forbidden"]);
    }
    // A technician is still the key's to add.
    const body = { email: "key-made-tech@example.com", password: "long enough pw", role: "technician" };
    expect((await call("/api/org/users", { bearer: key, body })).status).toBe(201);
    const users = await callJson<{ users: { role: string }[] }>("/api/org/users", { cookie: a.cookie });
    expect(users.body.users.filter((u) => u.role === "admin")).toHaveLength(2);
  });

  it("keeps the step-up time of the session it replaces: a new token is no new proof", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    await addUser(cookie, "admin");
    advance(10 * 60_000);
    const r = await call(`/api/org/users/${org.admin.id}`, { method: "PATCH", cookie, body: { role: "technician" } });
    expect(r.status).toBe(200);
    const renewed = sessionCookieFrom(r) as string;
    advance(6 * 60_000); // 16 minutes since the password was checked
    const setup = await callJson<{ error: { code: string } }>("/api/me/2fa/setup", { method: "POST", cookie: renewed });
    expect([setup.status, setup.body.error.code]).toEqual([403, "step_up_required"]);
  });

  it("gives the caller a new session token when they change their own role; the old one dies", async () => {
    const { a } = await twoEnrolledAdmins();
    const r = await call(`/api/org/users/${a.org.admin.id}`, { method: "PATCH", cookie: a.cookie, body: { role: "technician" } });
    expect(r.status).toBe(200);
    const renewed = sessionCookieFrom(r);
    expect(renewed).toBeDefined();
    expect(renewed).not.toBe(a.cookie);
    expect((await call("/api/me", { cookie: a.cookie })).status).toBe(401);
    const me = await callJson<{ user: { role: string } }>("/api/me", { cookie: renewed });
    expect(me.body.user.role).toBe("technician");
  });
});
