// "Sign in with a passkey": a discoverable passkey with user verification is a whole sign-in. The credential id leads
// to the org and user through the directory; the edge-made challenge is spent once; the org's locks still hold.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { credentialClaim } from "../../src/directory/names";
import { call, callJson, sessionCookieFrom } from "../support/api";
import { auditRows } from "../support/audit";
import { SoftAuthenticator } from "../support/authenticator";
import { advance, useTestClock } from "../support/clock";
import { passkeyTechnician, passwordStep, postPasskeyStep, stepOptions } from "../support/passkeys";

useTestClock();

type Options = { challenge: string; allowCredentials?: unknown[]; userVerification: string };

async function options() {
  const r = await callJson<Options>("/auth/passkey/options", { body: {} });
  expect(r.status).toBe(200);
  return r.body;
}

function signInWith(response: unknown) {
  return call("/auth/passkey", { body: { response } });
}

function sessions(slug: string, userId: string) {
  return runInDurableObject(env.ORG.getByName(slug), (_o, state) =>
    state.storage.sql
      .exec<{ amr: string | null }>("SELECT amr FROM sessions WHERE user_id = ? ORDER BY created_at", userId)
      .toArray()
      .map((r) => r.amr),
  );
}

describe("signing in with a passkey alone", () => {
  it("asks for any discoverable passkey with user verification, and signs in with it", async () => {
    const u = await passkeyTechnician();
    const o = await options();
    expect(o.userVerification).toBe("required");
    expect(o.allowCredentials ?? []).toEqual([]);
    const r = await signInWith(await u.auth.assert(o));
    expect(r.status).toBe(200);
    const me = await callJson<{ user: { id: string } }>("/api/me", { cookie: sessionCookieFrom(r) as string });
    expect(me.body.user.id).toBe(u.id);
    expect((await sessions(u.org.slug, u.id)).at(-1)).toBe(JSON.stringify(["hwk", "mfa", "user"]));
    const login = (await auditRows(u.org.slug)).filter((e) => e.type === "login.succeeded").at(-1);
    expect(JSON.parse(login?.detail ?? "{}")).toMatchObject({ method: "passkey" });
  });

  it("records the amr of a passkey used after the password", async () => {
    const u = await passkeyTechnician();
    const { challenge } = await passwordStep(u.email);
    expect((await postPasskeyStep(challenge, await u.auth.assert((await stepOptions(challenge)).body))).status).toBe(200);
    expect((await sessions(u.org.slug, u.id)).at(-1)).toBe(JSON.stringify(["pwd", "hwk", "mfa"]));
  });

  it("refuses a passkey without user verification", async () => {
    const u = await passkeyTechnician();
    expect((await signInWith(await u.auth.assert(await options(), { userVerified: false }))).status).toBe(401);
  });

  it("refuses a challenge it did not make, and one past its five minutes", async () => {
    const u = await passkeyTechnician();
    const forged = { challenge: btoa("nonce.99999999999999.mac").replace(/=+$/, "") };
    expect((await signInWith(await u.auth.assert(forged))).status).toBe(401);
    const o = await options();
    advance(5 * 60_000 + 1);
    expect((await signInWith(await u.auth.assert(o))).status).toBe(401);
  });

  it("refuses an assertion for another origin", async () => {
    const u = await passkeyTechnician();
    expect((await signInWith(await u.auth.assert(await options(), { origin: "https://gatehouse.evil.test" }))).status).toBe(401);
  });

  it("refuses an answer that names no account, or another account than the passkey's owner (userHandle)", async () => {
    const u = await passkeyTechnician();
    const other = await passkeyTechnician(u.org);
    const signed = async (userHandle: string | undefined) => {
      const answer = await u.auth.assert(await options());
      const response = { ...answer.response, userHandle } as Record<string, unknown>;
      if (userHandle === undefined) delete response.userHandle;
      return signInWith({ ...answer, response });
    };
    expect((await signed(undefined)).status).toBe(401);
    const othersHandle = other.auth.userHandle as string;
    expect(othersHandle).not.toBe(u.auth.userHandle);
    const asOther = await signed(othersHandle);
    expect(asOther.status).toBe(401);
    expect(sessionCookieFrom(asOther)).toBeUndefined();
    // The owner's own handle still signs in.
    expect((await signed(u.auth.userHandle)).status).toBe(200);
  });

  it("refuses a passkey it does not know", async () => {
    await passkeyTechnician();
    expect((await signInWith(await new SoftAuthenticator().assert(await options()))).status).toBe(401);
  });

  it("words every refused passkey alike, naming no email or password that was never sent", async () => {
    const u = await passkeyTechnician();
    const unknown = await callJson("/auth/passkey", { body: { response: await new SoftAuthenticator().assert(await options()) } });
    // Known here, refused by the org (no user verification): the same answer as a passkey nobody holds.
    const refused = await callJson("/auth/passkey", { body: { response: await u.auth.assert(await options(), { userVerified: false }) } });
    const words = {
      error: { code: "invalid_credentials", message: "This passkey is not recognized. Sign in with your email and password." },
    };
    expect([unknown.status, unknown.body]).toEqual([401, words]);
    expect([refused.status, refused.body]).toEqual([401, words]);
  });

  it("lets exactly one of 20 simultaneous uses of one assertion in, and refuses it afterwards", async () => {
    const u = await passkeyTechnician();
    const before = (await sessions(u.org.slug, u.id)).length;
    const assertion = await u.auth.assert(await options());
    const statuses = await Promise.all(Array.from({ length: 20 }, () => signInWith(assertion).then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect((await sessions(u.org.slug, u.id)).length).toBe(before + 1);
    expect((await signInWith(assertion)).status).toBe(401);
  });

  it("refuses a removed passkey: its directory entry is freed", async () => {
    const u = await passkeyTechnician();
    const entry = await credentialClaim(env, u.auth.id);
    expect(await entry.lookup()).toEqual({ orgSlug: u.org.slug, jurisdiction: null, userId: u.id });
    const o = await options();
    expect((await call(`/api/me/passkeys/${u.passkeyId}`, { method: "DELETE", cookie: u.cookie, body: {} })).status).toBe(204);
    expect(await entry.lookup()).toBeNull();
    expect((await signInWith(await u.auth.assert(o))).status).toBe(401);
  });

  it("holds the org's locks: 429 during a 15-minute lock, 423 under the lasting one", async () => {
    const u = await passkeyTechnician();
    await runInDurableObject(env.ORG.getByName(u.org.slug), (_o, state) => {
      state.storage.sql.exec("UPDATE users SET locked_until = ? WHERE id = ?", Date.now() + 60_000, u.id);
    });
    expect((await signInWith(await u.auth.assert(await options()))).status).toBe(429);
    await runInDurableObject(env.ORG.getByName(u.org.slug), (_o, state) => {
      state.storage.sql.exec("UPDATE users SET locked_until = 0, lasting_lock_at = 1 WHERE id = ?", u.id);
    });
    expect((await signInWith(await u.auth.assert(await options()))).status).toBe(423);
  });

  it("counts wrong passkey sign-ins like wrong passwords: ten lock for 15 minutes", async () => {
    const u = await passkeyTechnician();
    for (let i = 0; i < 10; i++) {
      expect((await signInWith(await u.auth.assert(await options(), { origin: "https://x.test" }))).status).toBe(401);
    }
    expect((await signInWith(await u.auth.assert(await options()))).status).toBe(429);
  });
});
