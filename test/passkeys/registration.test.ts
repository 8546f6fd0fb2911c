// Adding passkeys: the registration is verified by @simplewebauthn/server inside workerd against answers made by a
// software authenticator; what is stored, what the API shows, and the refusals (origin, RP ID, reuse, step-up).
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addUser, call, callJson, createOrg, PASSWORD, sessionCookieFrom, signIn } from "../support/api";
import { SoftAuthenticator } from "../support/authenticator";
import { advance, useTestClock } from "../support/clock";
import { staleSession } from "../support/flows";
import { addPasskey, passkeyTechnician } from "../support/passkeys";

useTestClock();

async function freshUser() {
  const org = await createOrg();
  const user = await addUser(await signIn(org.admin.email));
  return { org, ...user, cookie: await signIn(user.email) };
}

function storedPasskeys(slug: string) {
  return runInDurableObject(env.ORG.getByName(slug), (_o, state) =>
    state.storage.sql
      .exec<Record<string, SqlStorageValue>>("SELECT * FROM passkeys")
      .toArray()
      .map((r) => ({ ...r })),
  );
}

describe("adding a passkey", () => {
  it("names a passkey sent without a name 'Passkey', and still refuses a blank or multi-line one", async () => {
    const u = await freshUser();
    const add = async (extra: Record<string, unknown>) => {
      const options = await callJson<{ challenge: string; user: { id: string } }>("/api/me/passkeys/options", {
        cookie: u.cookie,
        body: {},
      });
      const response = await new SoftAuthenticator().register(options.body);
      return callJson<{ passkey: { name: string } }>("/api/me/passkeys", { cookie: u.cookie, body: { response, ...extra } });
    };
    const unnamed = await add({});
    expect([unnamed.status, unnamed.body.passkey.name]).toEqual([201, "Passkey"]);
    u.cookie = sessionCookieFrom(unnamed.res) ?? "";
    // Nor anything that reshapes the mail quoting it: line or paragraph separators, direction marks or overrides.
    for (const name of ["  ", "a\nb", "a\u2028b", "a\u2029b", "a\u200Fb", "a\u061Cb", "a\u202Eb"]) {
      expect((await add({ name })).status, JSON.stringify(name)).toBe(400);
    }
    expect((await add({ name: "Laptop \u{1F469}\u200D\u{1F4BB}" })).status).toBe(201);
  });

  it("stores the verified credential and lists it as the contract says, with no key material", async () => {
    const u = await freshUser();
    const { auth, passkey, cookie } = await addPasskey(u.cookie, new SoftAuthenticator(), "Work laptop");
    const list = await callJson<{ passkeys: Record<string, unknown>[] }>("/api/me/passkeys", { cookie });
    expect(list.status).toBe(200);
    expect(list.body.passkeys).toEqual([{ id: passkey.id, name: "Work laptop", createdAt: "2031-03-14T15:09:00.000Z", lastUsedAt: null }]);
    const [row] = await storedPasskeys(u.org.slug);
    expect(row).toMatchObject({
      user_id: u.id,
      credential_id: auth.id,
      sign_count: 0,
      transports: JSON.stringify(["internal"]),
      device_type: "singleDevice",
      backed_up: 0,
      aaguid: "00000000-0000-0000-0000-000000000000",
    });
    expect(typeof row?.public_key).toBe("string");
  });

  it("makes the first passkey a second factor that brings the recovery codes; a second one brings none", async () => {
    const u = await freshUser();
    const first = await addPasskey(u.cookie);
    expect(first.recoveryCodes).toHaveLength(10);
    const me = await callJson<{ twoFactor: { enabled: boolean; recoveryCodesRemaining: number } }>("/api/me", { cookie: first.cookie });
    expect(me.body.twoFactor).toEqual({ enabled: true, recoveryCodesRemaining: 10 });
    const second = await addPasskey(first.cookie, new SoftAuthenticator(), "Phone");
    expect(second.recoveryCodes).toEqual([]);
    // A second passkey keeps the session's token.
    expect(second.cookie).toBe(first.cookie);
  });

  it("gives the session a new token with the first passkey, as turning on 2FA does, and signs every other one out", async () => {
    const u = await freshUser();
    const elsewhere = await signIn(u.email);
    // Two hours into the session (kept busy every 20 minutes, inside the idle limit), the first passkey.
    const busy = async (cookie: string, turns: number) => {
      for (let i = 0; i < turns; i++) {
        advance(20 * 60_000);
        expect((await call("/api/me", { cookie })).status).toBe(200);
      }
    };
    await busy(u.cookie, 6);
    const first = await addPasskey(u.cookie, new SoftAuthenticator(), "Laptop", { password: PASSWORD });
    // The session cookie's value changes when the user enables 2FA (docs/api.md): a copy of the old one is dead.
    expect(first.cookie).not.toBe(u.cookie);
    expect((await call("/api/me", { cookie: u.cookie })).status).toBe(401);
    expect((await call("/api/me", { cookie: elsewhere })).status).toBe(401);
    const me = await callJson<{ user: { email: string } }>("/api/me", { cookie: first.cookie });
    expect([me.status, me.body.user.email]).toEqual([200, u.email]);
    // The new token goes on with the old session's sign-in: its time and how it was made.
    const sessions = await callJson<{ sessions: { createdAt: string; current: boolean }[] }>("/api/me/sessions", { cookie: first.cookie });
    expect(sessions.body.sessions).toHaveLength(1);
    // A new token is no new sign-in: the session still ends 12 hours after it, not 12 hours after the passkey.
    await busy(first.cookie, 29);
    advance(20 * 60_000 + 1000);
    expect((await call("/api/me", { cookie: first.cookie })).status).toBe(401);
  });

  it("leaves the new token no fresher than the session it replaced: registering proves no factor the user had", async () => {
    const u = await freshUser();
    advance(10 * 60_000);
    const first = await addPasskey(u.cookie);
    // 16 minutes after the sign-in's check, 6 after the passkey: the step-up window (15 minutes) is the sign-in's.
    advance(6 * 60_000);
    const r = await callJson<{ error: { code: string } }>("/api/me/passkeys/options", { cookie: first.cookie, body: {} });
    expect([r.status, r.body.error.code]).toEqual([403, "step_up_required"]);
  });

  it("excludes the user's own passkeys from a new registration", async () => {
    const u = await passkeyTechnician();
    const options = await callJson<{ excludeCredentials: { id: string }[]; authenticatorSelection: Record<string, string> }>(
      "/api/me/passkeys/options",
      { cookie: u.cookie, body: {} },
    );
    expect(options.body.excludeCredentials.map((c) => c.id)).toEqual([u.auth.id]);
    expect(options.body.authenticatorSelection).toMatchObject({ residentKey: "preferred", userVerification: "preferred" });
  });

  for (const [what, ceremony] of [
    ["another origin", { origin: "https://gatehouse.evil.test" }],
    ["another RP ID", { rpId: "evil.test" }],
  ] as const) {
    it(`refuses a registration made for ${what}`, async () => {
      const u = await freshUser();
      const options = await callJson<{ challenge: string }>("/api/me/passkeys/options", { cookie: u.cookie, body: {} });
      const r = await callJson("/api/me/passkeys", {
        cookie: u.cookie,
        body: { name: "x", response: await new SoftAuthenticator().register(options.body, ceremony) },
      });
      expect(r.status).toBe(401);
      expect(await storedPasskeys(u.org.slug)).toEqual([]);
    });
  }

  it("refuses a registration challenge used a second time", async () => {
    const u = await freshUser();
    const options = await callJson<{ challenge: string }>("/api/me/passkeys/options", { cookie: u.cookie, body: {} });
    const ok = await callJson("/api/me/passkeys", {
      cookie: u.cookie,
      body: { name: "a", response: await new SoftAuthenticator().register(options.body) },
    });
    expect(ok.status).toBe(201);
    const again = await callJson("/api/me/passkeys", {
      cookie: u.cookie,
      body: { name: "b", response: await new SoftAuthenticator().register(options.body) },
    });
    expect(again.status).toBe(401);
    expect(await storedPasskeys(u.org.slug)).toHaveLength(1);
  });

  it("refuses a registration challenge after five minutes", async () => {
    const u = await freshUser();
    const options = await callJson<{ challenge: string }>("/api/me/passkeys/options", { cookie: u.cookie, body: {} });
    advance(5 * 60_000 + 1);
    const r = await callJson("/api/me/passkeys", {
      cookie: u.cookie,
      body: { name: "a", response: await new SoftAuthenticator().register(options.body) },
    });
    expect(r.status).toBe(401);
  });

  it("asks a stale session to step up before a passkey is added", async () => {
    const u = await passkeyTechnician();
    staleSession();
    const r = await callJson<{ error: { code: string } }>("/api/me/passkeys/options", { cookie: u.cookie, body: {} });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("step_up_required");
  });

  it("does not let a password step a passkey user up (the passkey would be skipped)", async () => {
    const u = await passkeyTechnician();
    staleSession();
    const r = await callJson<{ error: { code: string } }>("/api/me/passkeys/options", { cookie: u.cookie, body: { password: PASSWORD } });
    expect(r.status).toBe(403);
  });
});
