import { describe, expect, it } from "vitest";
import { addUser, call, callJson, createOrg, PASSWORD, signIn } from "../support/api";
import { addPasskey, passkeyTechnician } from "../support/passkeys";
import { nextStep, useTestClock } from "../support/clock";
import { challengeFor, enrolledTechnician } from "../support/flows";
import { outbox } from "../support/mail";
import { TEST_SECRETS } from "../support/secrets";
import { codeFor } from "../support/totp";

useTestClock();

/** The org's security notices: the link that verifies a new user's address (test/people) is left out. */
async function notices(slug: string) {
  return (await outbox(slug)).filter((m) => m.kind !== "email.verify");
}

async function mailTo(slug: string, email: string) {
  return (await notices(slug)).filter((m) => m.to === email);
}

describe("security notifications land in the outbox with the change", () => {
  it("tells the user when 2FA is turned on", async () => {
    const u = await enrolledTechnician();
    const [mail] = await mailTo(u.org.slug, u.email);
    expect(mail).toMatchObject({ kind: "2fa.enabled", subject: "Two-factor authentication is on", status: "queued" });
    expect(mail?.text).toContain("Two-factor authentication was turned on");
  });

  it("tells the user when recovery codes are regenerated and when 2FA is turned off", async () => {
    const u = await enrolledTechnician();
    const regen = await call("/api/me/2fa/recovery-codes", { cookie: u.cookie, body: { code: codeFor(u.enrollment.secret) } });
    expect(regen.status).toBe(200);
    nextStep();
    const off = await call("/api/me/2fa/disable", { cookie: u.cookie, body: { code: codeFor(u.enrollment.secret) } });
    expect(off.status).toBe(204);
    const kinds = (await mailTo(u.org.slug, u.email)).map((m) => m.kind);
    expect(kinds).toEqual(["2fa.disabled", "2fa.recovery_codes_regenerated", "2fa.enabled"]);
  });

  it("says how many recovery codes remain when one is used", async () => {
    const u = await enrolledTechnician();
    const r = await call("/auth/login/recovery", {
      body: { challenge: await challengeFor(u.email), code: u.enrollment.recoveryCodes[0] },
    });
    expect(r.status).toBe(200);
    const [mail] = await mailTo(u.org.slug, u.email);
    expect(mail?.kind).toBe("2fa.recovery_code_used");
    expect(mail?.subject).toBe("A recovery code was used to sign in");
    expect(mail?.text).toContain("You have 9 recovery codes left.");
  });

  it("says who reset the user's 2FA: an admin by name, or support", async () => {
    const u = await enrolledTechnician();
    expect((await call(`/api/org/users/${u.id}/2fa/reset`, { method: "POST", cookie: u.adminCookie })).status).toBe(204);
    const byAdmin = (await mailTo(u.org.slug, u.email))[0];
    expect(byAdmin?.kind).toBe("2fa.reset");
    expect(byAdmin?.text).toContain(`reset by an administrator (${u.org.admin.email})`);
    // Not "if this was not you": an admin did it; the person is told whom to ask.
    expect(byAdmin?.text).toContain("If you did not ask for this, tell your organization's administrator now");
    expect(byAdmin?.text).not.toContain("If this was not you");

    const v = await enrolledTechnician();
    const r = await call(`/api/platform/orgs/${v.org.slug}/users/${v.id}/2fa/reset`, {
      method: "POST",
      bearer: TEST_SECRETS.PLATFORM_TOKEN,
    });
    expect(r.status).toBe(204);
    expect((await mailTo(v.org.slug, v.email))[0]?.text).toContain("reset by Gatehouse support");

    // A reset of someone who never had 2FA changes nothing, so it mails nobody.
    const plain = await addUser(u.adminCookie);
    expect((await call(`/api/org/users/${plain.id}/2fa/reset`, { method: "POST", cookie: u.adminCookie })).status).toBe(204);
    expect(await mailTo(u.org.slug, plain.email)).toEqual([]);
  });

  it("tells every active admin, and only them, when enforcement is switched on and off", async () => {
    const org = await createOrg();
    const adminCookie = await signIn(org.admin.email);
    const second = await addUser(adminCookie, "admin");
    const tech = await addUser(adminCookie, "technician");
    const gone = await addUser(adminCookie, "admin");
    const off = await callJson(`/api/org/users/${gone.id}`, { method: "PATCH", cookie: adminCookie, body: { active: false } });
    expect(off.status).toBe(200);
    for (const require2fa of [true, false]) {
      const r = await callJson("/api/org/settings", { method: "PATCH", cookie: adminCookie, body: { require2fa } });
      expect(r.status).toBe(200);
    }
    // The deactivated admin was told of their deactivation, and of nothing after it.
    const mails = (await notices(org.slug)).filter((m) => m.kind !== "account.deactivated");
    expect(mails.map((m) => m.to).sort()).toEqual([org.admin.email, org.admin.email, second.email, second.email].sort());
    expect(mails.filter((m) => m.to === tech.email || m.to === gone.email)).toEqual([]);
    const on = mails.find((m) => m.to === second.email && m.subject === "Two-factor authentication is now required");
    expect(on?.text).toContain(
      `An administrator (${org.admin.email}) now requires two-factor authentication for everyone in Org ${org.slug}.`,
    );
    expect(mails.some((m) => m.subject === "Two-factor authentication is no longer required")).toBe(true);
  });

  it("writes in French to a user who signs in with a French browser", async () => {
    const org = await createOrg();
    const adminCookie = await signIn(org.admin.email);
    const user = await addUser(adminCookie);
    const login = await call("/auth/login", {
      body: { email: user.email, password: user.password },
      headers: { "accept-language": "fr-CA, en;q=0.5" },
    });
    const cookie = login.headers.getSetCookie()[0]?.split(";")[0] as string;
    const { enroll } = await import("../support/totp");
    await enroll(cookie);
    const [mail] = await mailTo(org.slug, user.email);
    expect(mail?.subject).toBe("La double authentification est activée");
    expect(mail?.text).toContain("Bonjour Tess Tech,");
  });

  it("queues nothing when the change is refused", async () => {
    const u = await enrolledTechnician();
    const before = (await mailTo(u.org.slug, u.email)).length;
    const r = await call("/api/me/2fa/disable", { cookie: u.cookie, body: { code: "000000" } });
    expect(r.status).toBe(401);
    expect((await mailTo(u.org.slug, u.email)).length).toBe(before);
  });

  it("tells the user of every passkey added or removed, and of a password change", async () => {
    const u = await passkeyTechnician();
    const first = (await mailTo(u.org.slug, u.email)).find((m) => m.kind === "2fa.enabled");
    expect(first?.text).toContain("turned on for your account with a passkey");
    const second = await addPasskey(u.cookie, undefined, "Desk key");
    const added = (await mailTo(u.org.slug, u.email))[0];
    expect([added?.kind, added?.subject]).toEqual(["passkey.added", "A passkey was added to your account"]);
    expect(added?.text).toContain('A passkey named "Desk key" was added');
    expect((await call(`/api/me/passkeys/${second.passkey.id}`, { method: "DELETE", cookie: u.cookie })).status).toBe(204);
    const removed = (await mailTo(u.org.slug, u.email))[0];
    expect([removed?.kind, removed?.subject]).toEqual(["passkey.removed", "A passkey was removed from your account"]);
    expect(removed?.text).toContain('The passkey named "Desk key" was removed');

    const changed = await call("/api/me/password", {
      cookie: u.cookie,
      body: { currentPassword: PASSWORD, newPassword: "a brand new passphrase" },
    });
    expect(changed.status).toBe(204);
    const mail = (await mailTo(u.org.slug, u.email))[0];
    expect([mail?.kind, mail?.subject]).toEqual(["password.changed", "Your password was changed"]);
  });

  it("says the app was removed, not that 2FA is off, when a passkey still protects the account", async () => {
    const u = await enrolledTechnician();
    await addPasskey(u.cookie);
    const off = await call("/api/me/2fa/disable", { cookie: u.cookie, body: { code: codeFor(u.enrollment.secret) } });
    expect(off.status).toBe(204);
    const mail = (await mailTo(u.org.slug, u.email))[0];
    expect([mail?.kind, mail?.subject]).toEqual(["2fa.app_removed", "Your authenticator app was removed"]);
    expect(mail?.text).toContain("Two-factor authentication stays on");
    const me = await callJson<{ twoFactor: { enabled: boolean } }>("/api/me", { cookie: u.cookie });
    expect(me.body.twoFactor.enabled).toBe(true);
  });
});
