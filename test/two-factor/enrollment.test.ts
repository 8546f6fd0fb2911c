// Enrolling in TOTP from a session: the secret and its QR code, confirmation by a current code, and what it changes.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, callJson, createOrg, PASSWORD, signIn } from "../support/api";
import { advance, nextStep, useTestClock } from "../support/clock";
import { wrongCode } from "../support/codes";
import { decodeQrSvg } from "../support/qr";
import { codeFor, enroll } from "../support/totp";

useTestClock();

async function setup(cookie: string) {
  return callJson<{ secret: string; otpauthUri: string; qrSvg: string; algorithm: string; digits: number; period: number }>(
    "/api/me/2fa/setup",
    { method: "POST", cookie },
  );
}

describe("enrolling in TOTP", () => {
  it("returns a 160-bit base32 secret, the exact otpauth URI and a QR code of that URI", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const r = await setup(cookie);
    expect(r.status).toBe(200);
    expect(r.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(r.body).toMatchObject({ algorithm: "SHA1", digits: 6, period: 30 });
    expect(r.body.otpauthUri).toBe(
      `otpauth://totp/Gatehouse:${org.admin.email}?secret=${r.body.secret}&issuer=Gatehouse&algorithm=SHA1&digits=6&period=30`,
    );
    expect(decodeQrSvg(r.body.qrSvg)).toBe(r.body.otpauthUri);
  });

  it("confirms with a current code and returns 10 recovery codes", async () => {
    const org = await createOrg();
    const { recoveryCodes, cookie } = await enroll(await signIn(org.admin.email));
    expect(recoveryCodes).toHaveLength(10);
    const me = await callJson<{ twoFactor: unknown }>("/api/me", { cookie });
    expect(me.body.twoFactor).toEqual({ enabled: true, recoveryCodesRemaining: 10 });
  });

  it("signs out every other session when 2FA is turned on, and gives this browser a new session token", async () => {
    const org = await createOrg();
    const here = await signIn(org.admin.email);
    const elsewhere = await signIn(org.admin.email);
    const { cookie: renewed } = await enroll(here);
    expect(renewed).not.toBe(here);
    expect((await call("/api/me", { cookie: renewed })).status).toBe(200);
    // The old token dies with the change (no session fixation across the new factor), like every other one.
    expect((await call("/api/me", { cookie: here })).status).toBe(401);
    expect((await call("/api/me", { cookie: elsewhere })).status).toBe(401);
  });

  it("refuses a wrong confirmation code with 401 invalid_code and stays unenrolled", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const s = await setup(cookie);
    const wrong = wrongCode(codeFor(s.body.secret));
    const r = await callJson<{ error: { code: string } }>("/api/me/2fa/confirm", { cookie, body: { code: wrong } });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("invalid_code");
    const me = await callJson<{ twoFactor: { enabled: boolean } }>("/api/me", { cookie });
    expect(me.body.twoFactor.enabled).toBe(false);
  });

  it("ignores a pending (unconfirmed) secret at sign-in", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    expect((await setup(cookie)).status).toBe(200);
    const login = await callJson("/auth/login", { body: { email: org.admin.email, password: PASSWORD } });
    expect(login.body).toEqual({ status: "authenticated" });
  });

  it("replaces a pending secret when setup is called again", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const first = await setup(cookie);
    const second = await setup(cookie);
    expect(second.body.secret).not.toBe(first.body.secret);
    const old = await call("/api/me/2fa/confirm", { cookie, body: { code: codeFor(first.body.secret) } });
    expect(old.status).toBe(401);
    const ok = await call("/api/me/2fa/confirm", { cookie, body: { code: codeFor(second.body.secret) } });
    expect(ok.status).toBe(200);
  });

  it("answers 409 already_enrolled to setup once enrolled, and never shows the secret again", async () => {
    const org = await createOrg();
    const { secret, cookie } = await enroll(await signIn(org.admin.email));
    const again = await callJson<{ error: { code: string } }>("/api/me/2fa/setup", { method: "POST", cookie });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("already_enrolled");
    const me = await call("/api/me", { cookie });
    expect(await me.text()).not.toContain(secret);
  });

  it("asks for a code at sign-in once enrolled, and refuses the code that confirmed enrollment", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const { secret } = await enroll(cookie);
    const login = await callJson<{ status: string; challenge: string; methods: string[] }>("/auth/login", {
      body: { email: org.admin.email, password: PASSWORD },
    });
    expect(login.body.status).toBe("2fa_required");
    expect(login.body.methods).toEqual(["totp", "recovery_code"]);
    expect(login.headers.getSetCookie()).toEqual([]);
    const replay = await call("/auth/login/2fa", { body: { challenge: login.body.challenge, code: codeFor(secret) } });
    expect(replay.status).toBe(401);
    nextStep();
    const ok = await callJson("/auth/login/2fa", { body: { challenge: login.body.challenge, code: codeFor(secret) } });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ status: "authenticated" });
  });

  it("stores the secret encrypted with AES-GCM under a named key, never in plaintext", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const { secret } = await enroll(cookie);
    const rows = await runInDurableObject(env.ORG.getByName(org.slug), (_o, state) =>
      state.storage.sql.exec<{ key_id: string; ciphertext: string }>("SELECT key_id, ciphertext FROM totp").toArray(),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.key_id).toBe("k2");
    expect(rows[0]?.ciphertext).not.toContain(secret);
    expect(rows[0]?.ciphertext).toMatch(/^[\w-]{16}\.[\w-]+$/);
  });

  it("drops an unconfirmed setup after 15 minutes", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const s = await setup(cookie);
    advance(16 * 60_000);
    await call("/api/me", { cookie }); // keep the session alive
    const late = await callJson<{ error: { code: string } }>("/api/me/2fa/confirm", { cookie, body: { code: codeFor(s.body.secret) } });
    expect(late.status).toBe(409);
  });
});
