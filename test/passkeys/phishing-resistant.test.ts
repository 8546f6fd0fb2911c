// The org setting "Require phishing-resistant sign-in" (NIST SP 800-63B r4 3.2.5): off by default; when on, a
// member finishes sign-in with a passkey. A code or recovery code is refused to a member who has one, and only leads
// a member without one to enroll one; passkey and passwordless sign-ins work; existing sessions and API keys stay.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addUser, call, callJson, createOrg, PASSWORD, sessionCookieFrom, signIn } from "../support/api";
import { auditTypes } from "../support/audit";
import { SoftAuthenticator } from "../support/authenticator";
import { nextStep, useTestClock } from "../support/clock";
import { type EnrolledUser, enrolledTechnician, staleSession } from "../support/flows";

import { addPasskey, passkeyTechnician, passwordStep, postPasskeyStep, stepOptions } from "../support/passkeys";
import { codeFor } from "../support/totp";

useTestClock();

type Body = { status?: string; challenge?: string; methods?: string[]; error?: { code: string; message: string } };

function setPhishingResistant(adminCookie: string, on: boolean, proof: Record<string, unknown> = {}) {
  return callJson<Body & { requirePhishingResistant?: boolean }>("/api/org/settings", {
    method: "PATCH",
    cookie: adminCookie,
    body: { requirePhishingResistant: on, ...proof },
  });
}

/** A step-up action any member may take: changing one's address (the proof, if any, goes with it). */
function changeEmail(cookie: string, email: string, proof: Record<string, unknown> = {}) {
  return callJson<Body>("/api/me/email", { cookie, body: { email: `new-${email}`, ...proof } });
}

/** Turns the setting on (a freshly signed-in admin), lets the member's session go stale, and gives a fresh code of their app. */
async function enforcedWithFreshCode(u: EnrolledUser): Promise<string> {
  expect((await setPhishingResistant(await signIn(u.org.admin.email), true)).status).toBe(200);
  staleSession();
  nextStep(u.enrollment.period);
  return codeFor(u.enrollment.secret, Date.now(), u.enrollment.period);
}

describe("Require phishing-resistant sign-in", () => {
  it("is off by default, and a TOTP second step signs in", async () => {
    const u = await enrolledTechnician();
    const settings = await callJson<{ requirePhishingResistant: boolean }>("/api/org/settings", { cookie: u.adminCookie });
    expect(settings.body.requirePhishingResistant).toBe(false);
    const { challenge } = await passwordStep(u.email);
    const r = await callJson<Body>("/auth/login/2fa", { body: { challenge, code: codeFor(u.enrollment.secret) } });
    expect(r.body.status).toBe("authenticated");
  });

  it("needs an admin with step-up to change, and audits the change", async () => {
    const u = await passkeyTechnician();
    expect((await setPhishingResistant(u.cookie, true)).status).toBe(403);
    staleSession();
    const stale = await setPhishingResistant(u.adminCookie, true);
    expect(stale.status).toBe(403);
    expect(stale.body.error?.code).toBe("step_up_required");
    const admin = await signIn(u.org.admin.email);
    const on = await setPhishingResistant(admin, true);
    expect(on.status).toBe(200);
    expect(on.body.requirePhishingResistant).toBe(true);
    expect(await auditTypes(u.org.slug)).toContain("org.require_phishing_resistant_enabled");
    expect((await setPhishingResistant(admin, false)).body.requirePhishingResistant).toBe(false);
    expect(await auditTypes(u.org.slug)).toContain("org.require_phishing_resistant_disabled");
  });

  it("refuses a TOTP code and a recovery code to a member who has a passkey, without spending them", async () => {
    const u = await enrolledTechnician();
    const auth = new SoftAuthenticator();
    const added = await addPasskey(u.cookie, auth);
    expect(added.passkey.id).toBeTruthy();
    expect((await setPhishingResistant(await signIn(u.org.admin.email), true)).status).toBe(200);
    const step = await passwordStep(u.email);
    expect(step.methods).toContain("webauthn");
    const code = await callJson<Body>("/auth/login/2fa", { body: { challenge: step.challenge, code: codeFor(u.enrollment.secret) } });
    expect(code.status).toBe(403);
    expect(code.body.error?.code).toBe("passkey_required");
    expect(code.body.error?.message).toMatch(/passkey/);
    expect(sessionCookieFrom(code.res)).toBeUndefined();
    const recovery = await callJson<Body>("/auth/login/recovery", {
      body: { challenge: step.challenge, code: u.enrollment.recoveryCodes[0] },
    });
    expect(recovery.body.error?.code).toBe("passkey_required");
    // The passkey at the same second step signs in.
    const options = await stepOptions(step.challenge);
    const r = await postPasskeyStep(step.challenge, await auth.assert(options.body));
    expect(r.status).toBe(200);
    expect(sessionCookieFrom(r)).toBeTruthy();
  });

  it("restricts a member without a passkey to enrolling one after the code, then signs in", async () => {
    const u = await enrolledTechnician();
    expect((await setPhishingResistant(await signIn(u.org.admin.email), true)).status).toBe(200);
    const step = await passwordStep(u.email);
    const r = await callJson<Body>("/auth/login/2fa", { body: { challenge: step.challenge, code: codeFor(u.enrollment.secret) } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: "enrollment_required", methods: ["webauthn"] });
    expect(sessionCookieFrom(r.res)).toBeUndefined();
    const enroll = r.body.challenge as string;
    // The enrollment challenge is not a session, and does not enroll an authenticator app.
    expect((await call("/api/me", { headers: { authorization: `Bearer ${enroll}` } })).status).toBe(401);
    expect((await callJson<Body>("/auth/login/enroll", { body: { challenge: enroll } })).body.error?.code).toBe("passkey_required");
    const options = await callJson<{ challenge: string }>("/auth/login/enroll/passkey/options", { body: { challenge: enroll } });
    expect(options.status).toBe(200);
    const auth = new SoftAuthenticator();
    const done = await callJson<Body>("/auth/login/enroll/passkey", {
      body: { challenge: enroll, name: "Laptop", response: await auth.register(options.body) },
    });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe("authenticated");
    const cookie = sessionCookieFrom(done.res) as string;
    expect((await call("/api/me", { cookie })).status).toBe(200);
    // The challenge is spent: it enrolls nothing more.
    const again = await callJson<{ challenge: string }>("/auth/login/enroll/passkey/options", { body: { challenge: enroll } });
    expect(again.status).toBe(401);
    // From now on the passkey signs in; the code no longer does.
    const next = await passwordStep(u.email);
    expect(next.methods).toContain("webauthn");
  });

  it("spends a recovery code of a member without a passkey on enrolling one, and audits it", async () => {
    const u = await enrolledTechnician();
    expect((await setPhishingResistant(await signIn(u.org.admin.email), true)).status).toBe(200);
    const step = await passwordStep(u.email);
    const r = await callJson<Body>("/auth/login/recovery", { body: { challenge: step.challenge, code: u.enrollment.recoveryCodes[0] } });
    expect(r.body).toMatchObject({ status: "enrollment_required", methods: ["webauthn"] });
    expect(sessionCookieFrom(r.res)).toBeUndefined();
    expect(await auditTypes(u.org.slug)).toContain("2fa.recovery_code_used");
    const again = await passwordStep(u.email);
    const reused = await callJson<Body>("/auth/login/recovery", {
      body: { challenge: again.challenge, code: u.enrollment.recoveryCodes[0] },
    });
    expect(reused.status).toBe(401);
  });

  it("sends a member with no second factor to enroll a passkey, not an app", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const user = await addUser(admin);
    expect((await setPhishingResistant(admin, true)).status).toBe(200);
    const r = await callJson<Body>("/auth/login", { body: { email: user.email, password: PASSWORD } });
    expect(r.body.status).toBe("enrollment_required");
    const options = await callJson<{ challenge: string }>("/auth/login/enroll/passkey/options", { body: { challenge: r.body.challenge } });
    const done = await callJson<Body & { recoveryCodes?: string[] }>("/auth/login/enroll/passkey", {
      body: { challenge: r.body.challenge, name: "Laptop", response: await new SoftAuthenticator().register(options.body) },
    });
    expect(done.body.status).toBe("authenticated");
    expect(done.body.recoveryCodes).toHaveLength(10);
  });

  it("lets passwordless sign-in through, and keeps existing sessions and API keys working", async () => {
    const u = await passkeyTechnician();
    const admin = await signIn(u.org.admin.email);
    const key = await callJson<{ key: string }>("/api/org/api-keys", { cookie: admin, body: { name: "ci", role: "technician" } });
    expect((await setPhishingResistant(admin, true)).status).toBe(200);
    expect((await call("/api/me", { cookie: u.cookie })).status).toBe(200);
    expect((await call("/api/me", { bearer: key.body.key })).status).toBe(200);
    const options = await callJson<{ challenge: string }>("/auth/passkey/options", { method: "POST" });
    const r = await call("/auth/passkey", { body: { response: await u.auth.assert(options.body) } });
    expect(r.status).toBe(200);
  });

  it("lists the members without a passkey in the compliance view", async () => {
    const u = await passkeyTechnician();
    const other = await enrolledTechnician(u.org);
    const r = await callJson<{ phishingResistant: { required: boolean; withoutPasskey: { id: string }[]; withoutPasskeyCount: number } }>(
      "/api/org/compliance",
      { cookie: u.adminCookie },
    );
    const ids = r.body.phishingResistant.withoutPasskey.map((x) => x.id);
    expect(r.body.phishingResistant.required).toBe(false);
    expect(ids).toContain(other.id);
    expect(ids).not.toContain(u.id);
    expect(r.body.phishingResistant.withoutPasskeyCount).toBe(ids.length);
  });

  it("refuses a code as step-up or for new recovery codes to a member who has a passkey, without spending it", async () => {
    const u = await enrolledTechnician();
    const { auth } = await addPasskey(u.cookie);
    const code = await enforcedWithFreshCode(u);
    const email = await changeEmail(u.cookie, u.email, { code });
    expect(email.status).toBe(403);
    expect(email.body.error?.code).toBe("passkey_required");
    expect(email.body.error?.message).toMatch(/passkey \('webauthn'\)/);
    const codes = await callJson<Body>("/api/me/2fa/recovery-codes", { cookie: u.cookie, body: { code } });
    expect(codes.body.error?.code).toBe("passkey_required");
    // The passkey steps up.
    const options = await callJson<{ challenge: string; user: { id: string } }>("/api/me/step-up/passkey", {
      cookie: u.cookie,
      method: "POST",
    });
    const webauthn = await auth.assert(options.body);
    const withPasskey = await changeEmail(u.cookie, u.email, { webauthn });
    expect(withPasskey.status).toBe(202);
    // Neither refusal spent the code (its time step is still unused) nor counted it.
    const lastStep = await runInDurableObject(
      env.ORG.getByName(u.org.slug),
      (_o, state) => state.storage.sql.exec<{ last_step: number }>("SELECT last_step FROM totp WHERE user_id = ?", u.id).one().last_step,
    );
    expect(lastStep).toBeLessThan(Math.floor(Date.now() / 1000 / u.enrollment.period));
    expect(await auditTypes(u.org.slug)).not.toContain("2fa.code_failed");
  });

  it("lets a member without a passkey use a code only to add one, and leaves the session stale for the rest", async () => {
    const u = await enrolledTechnician();
    const code = await enforcedWithFreshCode(u);
    const email = await changeEmail(u.cookie, u.email, { code });
    expect(email.status).toBe(403);
    expect(email.body.error?.code).toBe("passkey_required");
    expect(email.body.error?.message).toMatch(/add a passkey/);
    // The same code, never spent by the refusal, opens the passkey's setup.
    const options = await callJson<{ challenge: string; user: { id: string } }>("/api/me/passkeys/options", {
      cookie: u.cookie,
      body: { code },
    });
    expect(options.status).toBe(200);
    // That code was spent on the setup: the session is no fresher for anything else.
    const after = await changeEmail(u.cookie, u.email);
    expect(after.status).toBe(403);
    expect(after.body.error?.code).toBe("step_up_required");
    const added = await callJson<{ passkey: { id: string } }>("/api/me/passkeys", {
      cookie: u.cookie,
      body: { name: "Laptop", response: await new SoftAuthenticator().register(options.body) },
    });
    expect(added.status).toBe(201);
  });

  it("lets a member with no factor set up an app from an old session, which stays stale for anything but a passkey", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const user = await addUser(admin);
    const cookie = await signIn(user.email);
    expect((await setPhishingResistant(admin, true)).status).toBe(200);
    staleSession();
    const setup = await callJson<{ secret: string; period: number }>("/api/me/2fa/setup", { cookie, body: { password: PASSWORD } });
    expect(setup.status).toBe(200);
    const confirm = await call("/api/me/2fa/confirm", {
      cookie,
      body: { code: codeFor(setup.body.secret, Date.now(), setup.body.period) },
    });
    expect(confirm.status).toBe(200);
    const next = sessionCookieFrom(confirm) ?? "";
    expect(next).not.toBe("");
    // The app's code proved no passkey: the new session is as stale as the old one was.
    const email = await changeEmail(next, user.email);
    expect(email.status).toBe(403);
    expect(email.body.error?.code).toBe("step_up_required");
    // And a code from that app opens only the passkey's setup.
    nextStep(setup.body.period);
    const code = codeFor(setup.body.secret, Date.now(), setup.body.period);
    expect((await changeEmail(next, user.email, { code })).body.error?.code).toBe("passkey_required");
    expect((await call("/api/me/passkeys/options", { cookie: next, body: { code } })).status).toBe(200);
  });
});
