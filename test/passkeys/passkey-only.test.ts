// A user whose only second factor is a passkey: recovery codes regenerated with the passkey (never without it), an
// authenticator app added alongside, and what /api/me says.
import { describe, expect, it } from "vitest";
import { callJson, PASSWORD } from "../support/api";
import { useTestClock } from "../support/clock";
import { staleSession } from "../support/flows";
import { passkeyTechnician } from "../support/passkeys";

useTestClock();

type Codes = { recoveryCodes: string[]; error?: { code: string } };

async function stepUpAnswer(u: Awaited<ReturnType<typeof passkeyTechnician>>) {
  const options = await callJson<{ challenge: string }>("/api/me/step-up/passkey", { method: "POST", cookie: u.cookie });
  return u.auth.assert(options.body);
}

describe("a passkey-only account", () => {
  it("counts as two-factor in /api/me, with its recovery codes", async () => {
    const u = await passkeyTechnician();
    const me = await callJson<{ twoFactor: { enabled: boolean; recoveryCodesRemaining: number } }>("/api/me", { cookie: u.cookie });
    expect(me.body.twoFactor).toEqual({ enabled: true, recoveryCodesRemaining: 10 });
  });

  it("regenerates recovery codes with the passkey; the old ones stop working", async () => {
    const u = await passkeyTechnician();
    const r = await callJson<Codes>("/api/me/2fa/recovery-codes", { cookie: u.cookie, body: { webauthn: await stepUpAnswer(u) } });
    expect(r.status).toBe(200);
    expect(r.body.recoveryCodes).toHaveLength(10);
    expect(r.body.recoveryCodes).not.toContain(u.recoveryCodes[0]);
    const login = await callJson<{ challenge: string }>("/auth/login", { body: { email: u.email, password: PASSWORD } });
    const old = await callJson("/auth/login/recovery", { body: { challenge: login.body.challenge, code: u.recoveryCodes[0] } });
    expect(old.status).toBe(401);
  });

  it("does not regenerate them without a factor, with a reused answer, or with another user's passkey", async () => {
    const u = await passkeyTechnician();
    expect((await callJson<Codes>("/api/me/2fa/recovery-codes", { cookie: u.cookie, body: {} })).status).toBe(400);
    expect((await callJson<Codes>("/api/me/2fa/recovery-codes", { cookie: u.cookie, body: { code: "123456" } })).status).not.toBe(200);
    const answer = await stepUpAnswer(u);
    expect((await callJson<Codes>("/api/me/2fa/recovery-codes", { cookie: u.cookie, body: { webauthn: answer } })).status).toBe(200);
    expect((await callJson<Codes>("/api/me/2fa/recovery-codes", { cookie: u.cookie, body: { webauthn: answer } })).status).toBe(401);
    const other = await passkeyTechnician(u.org);
    const options = await callJson<{ challenge: string }>("/api/me/step-up/passkey", { method: "POST", cookie: u.cookie });
    const theirs = await other.auth.assert(options.body);
    expect((await callJson<Codes>("/api/me/2fa/recovery-codes", { cookie: u.cookie, body: { webauthn: theirs } })).status).toBe(401);
  });

  it("adds an authenticator app alongside, after a passkey step-up (never the password)", async () => {
    const u = await passkeyTechnician();
    staleSession();
    const withPassword = await callJson("/api/me/2fa/setup", { cookie: u.cookie, body: { password: PASSWORD } });
    expect(withPassword.status).toBe(403);
    const r = await callJson<{ otpauthUri: string }>("/api/me/2fa/setup", { cookie: u.cookie, body: { webauthn: await stepUpAnswer(u) } });
    expect(r.status).toBe(200);
    expect(JSON.stringify(r.body)).toContain("otpauth://");
  });
});
