// The passkey as the second step of a sign-in: options bound to the sign-in's challenge, the assertion verified in
// workerd and spent atomically, and every refusal (reuse, origin, RP ID, cloned counter, removed passkey, locks).
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, callJson, sessionCookieFrom } from "../support/api";
import { auditRows, auditTypes } from "../support/audit";
import { SoftAuthenticator } from "../support/authenticator";
import { useTestClock } from "../support/clock";
import { enrolledTechnician } from "../support/flows";
import { addPasskey, passkeyTechnician, passwordStep, postPasskeyStep, stepOptions } from "../support/passkeys";

useTestClock();

function sessionsOf(slug: string, userId: string): Promise<number> {
  return runInDurableObject(
    env.ORG.getByName(slug),
    (_o, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?", userId).one().n,
  );
}

describe("a passkey at the second step", () => {
  it("offers webauthn (and not totp) to a user whose second factor is a passkey", async () => {
    const u = await passkeyTechnician();
    const step = await passwordStep(u.email);
    expect(step.status).toBe("2fa_required");
    expect(step.methods).toEqual(["webauthn", "recovery_code"]);
  });

  it("offers totp and webauthn to a user with both", async () => {
    const u = await enrolledTechnician();
    await addPasskey(u.cookie);
    expect((await passwordStep(u.email)).methods).toEqual(["totp", "webauthn", "recovery_code"]);
  });

  it("signs in with the password and the passkey, and records when the passkey was used", async () => {
    const u = await passkeyTechnician();
    const { challenge } = await passwordStep(u.email);
    const options = await stepOptions(challenge);
    expect(options.status).toBe(200);
    expect(options.body.allowCredentials.map((c) => c.id)).toEqual([u.auth.id]);
    const r = await postPasskeyStep(challenge, await u.auth.assert(options.body));
    expect(r.status).toBe(200);
    const cookie = sessionCookieFrom(r) as string;
    const list = await callJson<{ passkeys: { lastUsedAt: string | null }[] }>("/api/me/passkeys", { cookie });
    expect(list.body.passkeys[0]?.lastUsedAt).toBe("2031-03-14T15:09:00.000Z");
    expect(await auditTypes(u.org.slug)).toContain("login.succeeded");
  });

  it("refuses an assertion made for another sign-in's options", async () => {
    const u = await passkeyTechnician();
    const a = await passwordStep(u.email);
    const b = await passwordStep(u.email);
    const optionsA = await stepOptions(a.challenge);
    const r = await postPasskeyStep(b.challenge, await u.auth.assert(optionsA.body));
    expect(r.status).toBe(401);
  });

  it("refuses an assertion signed by another key under the same credential id, and counts it", async () => {
    const u = await passkeyTechnician();
    const impostor = Object.assign(new SoftAuthenticator(), { credentialId: u.auth.credentialId });
    const { challenge } = await passwordStep(u.email);
    const r = await postPasskeyStep(challenge, await impostor.assert((await stepOptions(challenge)).body));
    expect(r.status).toBe(401);
    expect(await auditTypes(u.org.slug)).toContain("2fa.code_failed");
  });

  it("refuses the same assertion a second time", async () => {
    const u = await passkeyTechnician();
    const { challenge } = await passwordStep(u.email);
    const assertion = await u.auth.assert((await stepOptions(challenge)).body);
    expect((await postPasskeyStep(challenge, assertion)).status).toBe(200);
    const again = await passwordStep(u.email);
    expect((await postPasskeyStep(again.challenge, assertion)).status).toBe(401);
    expect((await postPasskeyStep(challenge, assertion)).status).toBe(401);
  });

  for (const [what, ceremony] of [
    ["another origin (a phishing proxy)", { origin: "https://gatehouse.evil.test" }],
    ["another RP ID", { rpId: "evil.test" }],
  ] as const) {
    it(`refuses an assertion made for ${what} and counts it`, async () => {
      const u = await passkeyTechnician();
      const { challenge } = await passwordStep(u.email);
      const r = await postPasskeyStep(challenge, await u.auth.assert((await stepOptions(challenge)).body, ceremony));
      expect(r.status).toBe(401);
      expect(await auditTypes(u.org.slug)).toContain("2fa.code_failed");
    });
  }

  it("refuses and audits a counter that goes backwards (a cloned authenticator)", async () => {
    const u = await passkeyTechnician();
    const first = await passwordStep(u.email);
    expect(
      (await postPasskeyStep(first.challenge, await u.auth.assert((await stepOptions(first.challenge)).body, { counter: 7 }))).status,
    ).toBe(200);
    const second = await passwordStep(u.email);
    const r = await postPasskeyStep(second.challenge, await u.auth.assert((await stepOptions(second.challenge)).body, { counter: 7 }));
    expect(r.status).toBe(401);
    const event = (await auditRows(u.org.slug)).find((e) => e.type === "passkey.counter_regressed");
    expect(JSON.parse(event?.detail ?? "{}")).toMatchObject({ passkey: u.passkeyId, stored: 7, presented: 7 });
  });

  it("refuses a passkey removed after its options were issued", async () => {
    const u = await passkeyTechnician();
    const { challenge } = await passwordStep(u.email);
    const options = await stepOptions(challenge);
    expect((await call(`/api/me/passkeys/${u.passkeyId}`, { method: "DELETE", cookie: u.cookie, body: {} })).status).toBe(204);
    expect((await postPasskeyStep(challenge, await u.auth.assert(options.body))).status).toBe(401);
  });

  it("lets exactly one of 20 simultaneous uses of one assertion in", async () => {
    const u = await passkeyTechnician();
    const before = await sessionsOf(u.org.slug, u.id);
    const { challenge } = await passwordStep(u.email);
    const assertion = await u.auth.assert((await stepOptions(challenge)).body);
    const statuses = await Promise.all(Array.from({ length: 20 }, () => postPasskeyStep(challenge, assertion).then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(await sessionsOf(u.org.slug, u.id)).toBe(before + 1);
  });

  it("counts wrong assertions toward the same lock as wrong codes", async () => {
    const u = await passkeyTechnician();
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const { challenge } = await passwordStep(u.email);
      statuses.push(
        (await postPasskeyStep(challenge, await u.auth.assert((await stepOptions(challenge)).body, { origin: "https://x.test" }))).status,
      );
    }
    expect(statuses).toEqual(Array(10).fill(401));
    // Locked now: even a right password is refused for 15 minutes.
    expect((await call("/auth/login", { body: { email: u.email, password: "correct horse battery staple" } })).status).toBe(429);
  });

  it("keeps refusing a passkey under the lasting lock", async () => {
    const u = await passkeyTechnician();
    const { challenge } = await passwordStep(u.email);
    const options = await stepOptions(challenge);
    await runInDurableObject(env.ORG.getByName(u.org.slug), (_o, state) => {
      state.storage.sql.exec("UPDATE users SET lasting_lock_at = 1 WHERE id = ?", u.id);
    });
    const r = await postPasskeyStep(challenge, await u.auth.assert(options.body));
    expect(r.status).toBe(423);
  });
});
