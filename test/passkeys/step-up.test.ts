// A passkey as step-up proof: options bound to the user and the asking session, the assertion in the action's body
// as `webauthn`, spent once; another user's passkey, another origin, a removed passkey or a reused answer refused.
import { describe, expect, it } from "vitest";
import { call, callJson, createOrg, PASSWORD, sessionCookieFrom, signIn } from "../support/api";
import { auditTypes } from "../support/audit";
import { SoftAuthenticator } from "../support/authenticator";
import { useTestClock } from "../support/clock";
import { enrolledTechnician, staleSession } from "../support/flows";
import { addPasskey, passkeyTechnician, passwordStep, postPasskeyStep, stepOptions } from "../support/passkeys";

useTestClock();

type ErrorBody = { error: { code: string; message: string } };

function stepUpOptions(cookie: string) {
  return callJson<{ challenge: string; allowCredentials: { id: string }[]; userVerification: string }>("/api/me/step-up/passkey", {
    method: "POST",
    cookie,
  });
}

/** A step-up action: changing one's email (202 once stepped up). */
function changeEmail(cookie: string, proof: Record<string, unknown>) {
  return callJson<ErrorBody>("/api/me/email", { cookie, body: { email: `new-${crypto.randomUUID()}@example.com`, ...proof } });
}

/** A second session of the same user, signed in with the password and the passkey. */
async function secondSession(email: string, auth: SoftAuthenticator): Promise<string> {
  const { challenge } = await passwordStep(email);
  const options = await stepOptions(challenge);
  return sessionCookieFrom(await postPasskeyStep(challenge, await auth.assert(options.body))) as string;
}

describe("step-up with a passkey", () => {
  it("gives options naming the user's own passkeys", async () => {
    const u = await passkeyTechnician();
    const r = await stepUpOptions(u.cookie);
    expect(r.status).toBe(200);
    expect(r.body.allowCredentials.map((c) => c.id)).toEqual([u.auth.id]);
  });

  it("steps a stale session up with a fresh assertion, which then counts as fresh", async () => {
    const u = await passkeyTechnician();
    staleSession();
    expect((await changeEmail(u.cookie, {})).status).toBe(403);
    const options = await stepUpOptions(u.cookie);
    const r = await changeEmail(u.cookie, { webauthn: await u.auth.assert(options.body) });
    expect(r.status).toBe(202);
    // Another step-up action (adding a passkey) now passes without a proof.
    expect((await call("/api/me/passkeys/options", { cookie: u.cookie, body: {} })).status).toBe(200);
  });

  it("removes a passkey after a passkey step-up (the only way a passkey-only user can)", async () => {
    const u = await passkeyTechnician();
    staleSession();
    const options = await stepUpOptions(u.cookie);
    const r = await call(`/api/me/passkeys/${u.passkeyId}`, {
      method: "DELETE",
      cookie: u.cookie,
      body: { webauthn: await u.auth.assert(options.body) },
    });
    expect(r.status).toBe(204);
  });

  it("refuses an answer used a second time", async () => {
    const u = await passkeyTechnician();
    staleSession();
    const answer = await u.auth.assert((await stepUpOptions(u.cookie)).body);
    expect((await changeEmail(u.cookie, { webauthn: answer })).status).toBe(202);
    const again = await changeEmail(u.cookie, { webauthn: answer });
    expect(again.status).toBe(403);
    expect(again.body.error.code).toBe("step_up_required");
  });

  it("refuses another user's passkey, and counts it as a wrong factor", async () => {
    const u = await passkeyTechnician();
    const other = await passkeyTechnician(u.org);
    staleSession();
    const options = await stepUpOptions(u.cookie);
    const r = await changeEmail(u.cookie, { webauthn: await other.auth.assert(options.body) });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("step_up_required");
    expect(await auditTypes(u.org.slug)).toContain("2fa.code_failed");
    expect((await changeEmail(u.cookie, {})).status).toBe(403);
  });

  it("refuses options made for another session of the same user", async () => {
    const u = await passkeyTechnician();
    const other = await secondSession(u.email, u.auth);
    staleSession();
    const options = await stepUpOptions(other);
    expect((await changeEmail(u.cookie, { webauthn: await u.auth.assert(options.body) })).status).toBe(403);
  });

  it("refuses an assertion made for another origin or RP ID", async () => {
    const u = await passkeyTechnician();
    staleSession();
    const wrongOrigin = await u.auth.assert((await stepUpOptions(u.cookie)).body, { origin: "https://gatehouse.evil" });
    expect((await changeEmail(u.cookie, { webauthn: wrongOrigin })).status).toBe(403);
    const wrongRp = await u.auth.assert((await stepUpOptions(u.cookie)).body, { rpId: "gatehouse.evil" });
    expect((await changeEmail(u.cookie, { webauthn: wrongRp })).status).toBe(403);
  });

  it("refuses a passkey removed after its options were given", async () => {
    const u = await passkeyTechnician();
    const phone = await addPasskey(u.cookie, new SoftAuthenticator(), "Phone");
    const other = await secondSession(u.email, u.auth);
    staleSession();
    const answer = await phone.auth.assert((await stepUpOptions(u.cookie)).body);
    // The other session steps up with the laptop's passkey and removes the phone's.
    const fresh = await stepUpOptions(other);
    const removed = await call(`/api/me/passkeys/${phone.passkey.id}`, {
      method: "DELETE",
      cookie: other,
      body: { webauthn: await u.auth.assert(fresh.body) },
    });
    expect(removed.status).toBe(204);
    expect((await changeEmail(u.cookie, { webauthn: answer })).status).toBe(403);
  });

  it("lets a user with an authenticator app step up with a passkey too", async () => {
    const u = await enrolledTechnician();
    const auth = new SoftAuthenticator();
    await addPasskey(u.cookie, auth);
    staleSession();
    const r = await changeEmail(u.cookie, { webauthn: await auth.assert((await stepUpOptions(u.cookie)).body) });
    expect(r.status).toBe(202);
  });

  it("tells a passkey-only user to use the passkey, not a password or a code", async () => {
    const u = await passkeyTechnician();
    staleSession();
    const withPassword = await changeEmail(u.cookie, { password: PASSWORD });
    expect(withPassword.status).toBe(403);
    expect(withPassword.body.error.message).toContain("webauthn");
    const withCode = await changeEmail(u.cookie, { code: "123456" });
    expect(withCode.status).toBe(403);
    expect(withCode.body.error.message).toContain("webauthn");
  });

  it("answers 409 conflict to a user without a passkey", async () => {
    const u = await enrolledTechnician();
    const r = await callJson<ErrorBody>("/api/me/step-up/passkey", { method: "POST", cookie: u.cookie });
    expect([r.status, r.body.error.code, r.body.error.message]).toEqual([409, "conflict", "You have no passkey to confirm with."]);
  });

  it("lets a passkey-only admin add an admin with a passkey step-up (the body's password is the new user's)", async () => {
    const org = await createOrg();
    const auth = new SoftAuthenticator();
    const admin = (await addPasskey(await signIn(org.admin.email), auth)).cookie;
    staleSession();
    const body = { email: `new-admin-${crypto.randomUUID()}@example.com`, password: PASSWORD, role: "admin" };
    expect((await callJson("/api/org/users", { cookie: admin, body })).status).toBe(403);
    const options = await stepUpOptions(admin);
    const r = await callJson("/api/org/users", { cookie: admin, body: { ...body, webauthn: await auth.assert(options.body) } });
    expect(r.status).toBe(201);
  });

  it("steps up an admin invite with the assertion in the invite's body", async () => {
    const org = await createOrg();
    const { auth, cookie } = await addPasskey(await signIn(org.admin.email));
    staleSession();
    const body = { email: `admin-${crypto.randomUUID()}@example.com`, role: "admin" };
    const refused = await callJson<ErrorBody>("/api/org/invites", { cookie, body });
    expect(refused.body.error.code).toBe("step_up_required");
    const options = await stepUpOptions(cookie);
    const r = await callJson("/api/org/invites", { cookie, body: { ...body, webauthn: await auth.assert(options.body) } });
    expect(r.status).toBe(201);
  });
});
