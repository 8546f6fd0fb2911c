// A passkey is a second factor for the org's rules: require2fa, compliance, the last factor's removal, renaming,
// removal with step-up, and an admin's reset.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { credentialClaim } from "../../src/directory/names";
import { call, callJson, sessionCookieFrom } from "../support/api";
import { auditRows } from "../support/audit";
import { useTestClock } from "../support/clock";
import { enrolledTechnician, staleSession } from "../support/flows";
import { codeFor } from "../support/totp";
import { addPasskey, passkeyTechnician, passwordStep, postPasskeyStep, stepOptions } from "../support/passkeys";

useTestClock();

function requireTwoFactor(adminCookie: string) {
  return callJson("/api/org/settings", { method: "PATCH", cookie: adminCookie, body: { require2fa: true } });
}

function passkeyCount(slug: string, userId: string): Promise<number> {
  return runInDurableObject(
    env.ORG.getByName(slug),
    (_o, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM passkeys WHERE user_id = ?", userId).one().n,
  );
}

describe("passkeys and the org's rules", () => {
  it("meets require2fa: a passkey user is asked for the second step, not sent to enroll", async () => {
    const u = await passkeyTechnician();
    expect((await requireTwoFactor(u.adminCookie)).status).toBe(200);
    expect((await passwordStep(u.email)).status).toBe("2fa_required");
  });

  it("counts a passkey user as enrolled in the compliance view", async () => {
    const u = await passkeyTechnician();
    const r = await callJson<{ notEnrolled: { id: string }[] }>("/api/org/compliance", { cookie: u.adminCookie });
    expect(r.body.notEnrolled.map((n) => n.id)).not.toContain(u.id);
  });

  it("refuses to remove the last second factor while the org requires 2FA, and allows it otherwise", async () => {
    const u = await passkeyTechnician();
    await requireTwoFactor(u.adminCookie);
    const refused = await callJson<{ error: { code: string } }>(`/api/me/passkeys/${u.passkeyId}`, {
      method: "DELETE",
      cookie: u.cookie,
      body: {},
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("enforced_by_org");
    expect(await passkeyCount(u.org.slug, u.id)).toBe(1);
    // With a second passkey, the first may go.
    const other = await addPasskey(u.cookie, undefined, "Phone");
    expect((await call(`/api/me/passkeys/${u.passkeyId}`, { method: "DELETE", cookie: u.cookie, body: {} })).status).toBe(204);
    expect(await passkeyCount(u.org.slug, u.id)).toBe(1);
    expect(other.passkey.id).toBeTruthy();
  });

  it("lets the authenticator app go while the org requires 2FA when a passkey remains (2FA stays on), not the last factor", async () => {
    const u = await enrolledTechnician();
    const appOnly = await enrolledTechnician(u.org);
    await addPasskey(u.cookie);
    expect((await requireTwoFactor(u.adminCookie)).status).toBe(200);
    const page = await (await call("/account", { cookie: u.cookie, headers: { accept: "text/html" } })).text();
    expect(page).not.toMatch(/<button[^>]*disabled[^>]*>\s*Remove app/);
    const removed = await call("/api/me/2fa/disable", { cookie: u.cookie, body: { code: codeFor(u.enrollment.secret) } });
    expect([removed.status, await removed.text()]).toEqual([204, ""]);
    const me = await callJson<{ twoFactor: { enabled: boolean; recoveryCodesRemaining: number } }>("/api/me", { cookie: u.cookie });
    expect(me.body.twoFactor).toMatchObject({ enabled: true, recoveryCodesRemaining: 10 });
    expect((await passwordStep(u.email)).methods).toEqual(["webauthn", "recovery_code"]);
    // The log says the app went and 2FA stayed.
    const logged = (await auditRows(u.org.slug)).filter((e) => e.type === "2fa.disabled" && e.subject_id === u.id);
    expect(logged.map((e) => JSON.parse(e.detail ?? "{}"))).toEqual([{ passkeyRemains: true }]);
    // An app-only user still cannot disable it.
    const refused = await callJson<{ error: { code: string } }>("/api/me/2fa/disable", {
      cookie: appOnly.cookie,
      body: { code: codeFor(appOnly.enrollment.secret) },
    });
    expect([refused.status, refused.body.error.code]).toEqual([409, "enforced_by_org"]);
  });

  it("keeps the app where the org requires phishing-resistant sign-in: a code alone changes no factor there", async () => {
    const u = await enrolledTechnician();
    await addPasskey(u.cookie);
    const on = await callJson("/api/org/settings", { method: "PATCH", cookie: u.adminCookie, body: { requirePhishingResistant: true } });
    expect(on.status).toBe(200);
    const r = await callJson<{ error: { code: string } }>("/api/me/2fa/disable", {
      cookie: u.cookie,
      body: { code: codeFor(u.enrollment.secret) },
    });
    expect([r.status, r.body.error.code]).toEqual([409, "enforced_by_org"]);
    expect((await passwordStep(u.email)).methods).toContain("totp");
  });

  it("takes the recovery codes away with the last second factor, and signs out every other session", async () => {
    const u = await passkeyTechnician();
    const { challenge } = await passwordStep(u.email);
    const assertion = await u.auth.assert((await stepOptions(challenge)).body);
    const elsewhere = sessionCookieFrom(await postPasskeyStep(challenge, assertion)) ?? "";
    expect((await call("/api/me", { cookie: elsewhere })).status).toBe(200);
    expect((await call(`/api/me/passkeys/${u.passkeyId}`, { method: "DELETE", cookie: u.cookie, body: {} })).status).toBe(204);
    // 2FA is off, as when the app is removed: the other browser's session ends, this one stays.
    expect((await call("/api/me", { cookie: elsewhere })).status).toBe(401);
    const me = await callJson<{ twoFactor: { enabled: boolean; recoveryCodesRemaining: number } }>("/api/me", { cookie: u.cookie });
    expect(me.body.twoFactor).toEqual({ enabled: false, recoveryCodesRemaining: 0 });
    expect((await callJson("/auth/login", { body: { email: u.email, password: "correct horse battery staple" } })).body).toMatchObject({
      status: "authenticated",
    });
  });

  it("needs step-up to remove a passkey", async () => {
    const u = await passkeyTechnician();
    staleSession();
    const r = await callJson<{ error: { code: string } }>(`/api/me/passkeys/${u.passkeyId}`, {
      method: "DELETE",
      cookie: u.cookie,
      body: {},
    });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("step_up_required");
    expect(await passkeyCount(u.org.slug, u.id)).toBe(1);
  });

  it("renames one's own passkey, and no one else's", async () => {
    const u = await passkeyTechnician();
    const r = await callJson<{ name: string }>(`/api/me/passkeys/${u.passkeyId}`, {
      method: "PATCH",
      cookie: u.cookie,
      body: { name: "Desk key" },
    });
    expect(r.status).toBe(200);
    expect(r.body.name).toBe("Desk key");
    const other = await passkeyTechnician(u.org);
    const theirs = await callJson(`/api/me/passkeys/${u.passkeyId}`, { method: "PATCH", cookie: other.cookie, body: { name: "Mine now" } });
    expect(theirs.status).toBe(404);
    expect((await call(`/api/me/passkeys/${u.passkeyId}`, { method: "DELETE", cookie: other.cookie, body: {} })).status).toBe(404);
  });

  it("refuses a name with line breaks, control characters or direction overrides (it is quoted in the owner's mail)", async () => {
    const u = await passkeyTechnician();
    for (const name of ["Work laptop\n\nIgnore this mail", "Key\u0007", "Key \u202Eyeknat"]) {
      const r = await callJson<{ error: { code: string; message: string } }>(`/api/me/passkeys/${u.passkeyId}`, {
        method: "PATCH",
        cookie: u.cookie,
        body: { name },
      });
      expect([r.status, r.body.error.code, r.body.error.message]).toEqual([
        400,
        "invalid_request",
        "Field 'name' must not contain line breaks or control characters.",
      ]);
    }
    const list = await callJson<{ passkeys: { name: string }[] }>("/api/me/passkeys", { cookie: u.cookie });
    expect(list.body.passkeys.map((k) => k.name)).toEqual(["Laptop"]);
  });

  it("removes the passkeys with an admin's reset", async () => {
    const u = await passkeyTechnician();
    expect((await call(`/api/org/users/${u.id}/2fa/reset`, { method: "POST", cookie: u.adminCookie })).status).toBe(204);
    expect(await passkeyCount(u.org.slug, u.id)).toBe(0);
    // Its directory entry is freed too: a passwordless sign-in no longer finds the org.
    expect(await (await credentialClaim(env, u.auth.id)).lookup()).toBeNull();
  });
});
