// Binding an authenticator needs prior authentication (NIST SP 800-63B 6.1.2.1), and a mailbox is not one: an
// anonymous request mails no link, setting up from a link needs the account's password, and a link confirms only
// a setup that went through its own password step.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { seal } from "../../src/crypto/secret-box";
import { hashCredential } from "../../src/http/credentials";
import { addUser, call, callJson, createOrg, PASSWORD, signIn } from "../support/api";
import { auditRows } from "../support/audit";
import { advance, useTestClock } from "../support/clock";
import { mailedPairingToken, outbox } from "../support/mail";
import { codeFor } from "../support/totp";

useTestClock();

const WRONG = "not the password at all";

type Setup = { secret: string; otpauthUri: string };
type ApiError = { error: { code: string; message: string } };

/** The rows behind links and the audit log of an org, read from its object. */
async function stored(slug: string) {
  const pairings = await runInDurableObject(env.ORG.getByName(slug), (_o, state) =>
    state.storage.sql.exec<{ attempts: number }>("SELECT attempts FROM pairing_tokens").toArray(),
  );
  const audit = (await auditRows(slug)).map(({ type, detail }) => ({ type, detail }));
  return { pairings, audit };
}

/** An org, a technician without 2FA, and a link an admin had mailed to them. */
async function linkedUser() {
  const org = await createOrg();
  const adminCookie = await signIn(org.admin.email);
  const user = await addUser(adminCookie);
  const token = await mailedPairingToken(org.slug, adminCookie, user.id);
  return { org, adminCookie, user, token };
}

const setup = (token: string, body?: unknown) => callJson<Setup & ApiError>(`/api/pair/${token}/setup`, { body: body ?? {} });

describe("pairing links need the account's password", () => {
  it("an anonymous request for a link mails nothing and stores no link, even for a real user without 2FA", async () => {
    const org = await createOrg();
    const adminCookie = await signIn(org.admin.email);
    const user = await addUser(adminCookie);
    const before = await stored(org.slug);
    const r = await callJson<{ status: string; message: string }>("/api/pairing-link", { body: { email: user.email } });
    expect(r.status).toBe(202);
    // The old route did its work after answering; give any such work time to land before looking.
    for (let i = 0; i < 5; i++) await new Promise((done) => setTimeout(done, 100));
    expect((await outbox(org.slug)).filter((m) => m.kind === "pairing.link")).toEqual([]);
    const after = await stored(org.slug);
    expect(after.pairings).toEqual([]);
    expect(after.audit).toEqual(before.audit);
    expect(r.body.message).toContain("signed-in user");
  });

  it("refuses setup without a password (400, naming the field) and with a wrong one (401), keeping the link usable", async () => {
    const { org, user, token } = await linkedUser();
    const missing = await setup(token);
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe("invalid_request");
    expect(missing.body.error.message).toContain("password");
    expect((await setup(token, { password: "" })).status).toBe(400);

    const wrong = await setup(token, { password: WRONG });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe("invalid_credentials");
    expect(wrong.body).not.toHaveProperty("secret");
    // Counted and audited as a failed sign-in, but not as a wrong code against the link.
    const after = await stored(org.slug);
    expect(after.pairings).toEqual([{ attempts: 0 }]);
    expect(after.audit.filter((e) => e.type === "login.failed")).toHaveLength(1);
    expect(after.audit.find((e) => e.type === "login.failed")?.detail).toContain("pairing_link");

    const right = await setup(token, { password: PASSWORD });
    expect(right.status).toBe(200);
    expect(right.body.otpauthUri).toContain(`:${user.email}?`);
    expect((await call(`/api/pair/${token}/confirm`, { body: { code: codeFor(right.body.secret) } })).status).toBe(200);
    const login = await callJson<{ status: string }>("/auth/login", { body: { email: user.email, password: PASSWORD } });
    expect(login.body.status).toBe("2fa_required");
  });

  it("counts wrong passwords like sign-in: the tenth locks the account, the right one is then refused until the lock ends", async () => {
    const { org, user, token } = await linkedUser();
    for (let i = 0; i < 10; i++) expect((await setup(token, { password: WRONG })).status).toBe(401);
    const locked = await setup(token, { password: PASSWORD });
    expect(locked.status).toBe(429);
    expect(locked.body).not.toHaveProperty("secret");
    expect((await call("/auth/login", { body: { email: user.email, password: PASSWORD } })).status).toBe(429);
    const { audit, pairings } = await stored(org.slug);
    expect(audit.filter((e) => e.type === "account.locked")).toHaveLength(1);
    expect(pairings).toEqual([{ attempts: 0 }]);
  });

  it("refuses a dead link before looking at the password, so it cannot be used to test passwords", async () => {
    const { org, user, token } = await linkedUser();
    advance(30 * 60_000 + 1000);
    for (const password of [WRONG, PASSWORD]) {
      const r = await setup(token, { password });
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe("not_found");
    }
    // The same inside the object, for a link that dies between the edge's look-up and the decision.
    const stub = env.ORG.getByName(org.slug);
    const sealed = await seal(env.TOTP_KEYS, "JBSWY3DPEHPK3PXP", user.id);
    const checkedHash = (await stub.passwordHashOf(user.id)) ?? "";
    const tokenHash = await hashCredential(env.HASH_KEY, token);
    const late = await stub.beginEnrollment(user.id, sealed, { pairing: tokenHash, checkedHash, passed: false, meta: {} });
    expect(late).toEqual({ ok: false, reason: "invalid_pairing" });
    expect((await stored(org.slug)).audit.filter((e) => e.type === "login.failed")).toEqual([]);
  });

  it("refuses a password checked against a hash that has changed since, without counting it", async () => {
    const { org, user, token } = await linkedUser();
    // The edge read the hash, then the password changed before the decision: that check proves nothing now.
    const stub = env.ORG.getByName(org.slug);
    const tokenHash = await hashCredential(env.HASH_KEY, token);
    const sealed = await seal(env.TOTP_KEYS, "JBSWY3DPEHPK3PXP", user.id);
    const stale = await stub.beginEnrollment(user.id, sealed, {
      pairing: tokenHash,
      checkedHash: "pbkdf2-sha256:100000:c2FsdA:aGFzaA",
      passed: true,
      meta: {},
    });
    expect(stale).toEqual({ ok: false, reason: "invalid_credentials" });
    const { audit, pairings } = await stored(org.slug);
    expect(audit.filter((e) => e.type === "login.failed")).toEqual([]);
    expect(pairings).toEqual([{ attempts: 0 }]);
    expect(await runInDurableObject(stub, (_o, state) => state.storage.sql.exec("SELECT * FROM totp_pending").toArray())).toEqual([]);
    expect((await setup(token, { password: PASSWORD })).status).toBe(200);
  });

  it("a link confirms only a setup that passed its own password step, not a pending secret made elsewhere", async () => {
    const { user, token } = await linkedUser();
    const cookie = await signIn(user.email);
    // The owner starts setup in their own session: a pending secret exists, but the link never checked a password.
    const own = await callJson<Setup>("/api/me/2fa/setup", { method: "POST", cookie });
    expect(own.status).toBe(200);
    const viaLink = await callJson<ApiError>(`/api/pair/${token}/confirm`, { body: { code: codeFor(own.body.secret) } });
    expect(viaLink.status).toBe(409);
    expect(viaLink.body.error.code).toBe("conflict");
    // Nothing happened: still not enrolled, the owner is still signed in and can finish in the session.
    expect((await call("/api/me", { cookie })).status).toBe(200);
    expect((await call("/api/me/2fa/confirm", { cookie, body: { code: codeFor(own.body.secret) } })).status).toBe(200);
  });

  it("a link's password step does not vouch for a setup started elsewhere afterwards", async () => {
    const { user, token } = await linkedUser();
    const cookie = await signIn(user.email);
    expect((await setup(token, { password: PASSWORD })).status).toBe(200);
    // A later setup in the session replaces the pending secret: the link did not make this one.
    const own = await callJson<Setup>("/api/me/2fa/setup", { method: "POST", cookie });
    const viaLink = await call(`/api/pair/${token}/confirm`, { body: { code: codeFor(own.body.secret) } });
    expect(viaLink.status).toBe(409);
    expect((await call("/api/me", { cookie })).status).toBe(200);
    // Setting up through the link again (with the password) makes a secret the link may confirm.
    const again = await setup(token, { password: PASSWORD });
    expect((await call(`/api/pair/${token}/confirm`, { body: { code: codeFor(again.body.secret) } })).status).toBe(200);
  });
});
