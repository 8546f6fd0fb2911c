import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { hashCredential, parseCredential } from "../../src/http/credentials";
import { releaseAddress, reserveNewAddress } from "../../src/flows/email";
import { emailClaim } from "../../src/directory/names";
import { addUser, call, callJson, createOrg, PASSWORD, randomEmail, signIn } from "../support/api";
import { auditTypes } from "../support/audit";
import { advance, useTestClock } from "../support/clock";
import { staleSession } from "../support/flows";
import { mailsTo, recordMail, tokenIn } from "../support/links";
import { codeFor } from "../support/totp";

useTestClock();

const canSignIn = async (email: string) => (await call("/auth/login", { body: { email, password: PASSWORD } })).status === 200;

/** A technician who asked (with a fresh session) to move to a new address; the token of the link mailed there. */
async function requested() {
  const org = await createOrg();
  const adminCookie = await signIn(org.admin.email);
  const user = await addUser(adminCookie);
  const mail = await recordMail(org.slug);
  const cookie = await signIn(user.email);
  const newEmail = randomEmail("moved");
  const r = await call("/api/me/email", { cookie, body: { email: newEmail } });
  expect(r.status).toBe(202);
  const [link] = await mailsTo(org.slug, mail, newEmail);
  return { org, adminCookie, user, mail, cookie, newEmail, token: tokenIn(link as never, "/email-link/") };
}

/** Another org's admin tries to create a user with this address: 201 when the address is free. */
async function takeElsewhere(email: string) {
  const other = await createOrg();
  return call("/api/org/users", { cookie: await signIn(other.admin.email), body: { email, password: PASSWORD, role: "technician" } });
}

interface Ended {
  owner: string;
  adminCookie: string;
  userId: string;
}

describe("changing one's email", () => {
  it("needs step-up, and an API key cannot", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    staleSession();
    const r = await callJson<{ error: { code: string } }>("/api/me/email", { cookie, body: { email: randomEmail() } });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("step_up_required");
    const withPassword = await call("/api/me/email", { cookie, body: { email: randomEmail(), password: PASSWORD } });
    expect(withPassword.status).toBe(202);
  });

  it("changes nothing until the link is followed, tells the old address, then moves the claim", async () => {
    const { org, user, mail, newEmail, token } = await requested();
    const notice = (await mailsTo(org.slug, mail, user.email)).find((m) => m.subject === "A change of your email address was requested");
    expect(notice?.text).toContain(newEmail);
    expect(await canSignIn(user.email)).toBe(true);
    expect(await canSignIn(newEmail)).toBe(false);

    const r = await callJson("/api/email/confirm", { body: { token } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: "changed", email: newEmail });
    expect(await canSignIn(newEmail)).toBe(true);
    expect(await canSignIn(user.email)).toBe(false);
    const me = await callJson<{ user: { email: string; emailVerified: boolean } }>("/api/me", { cookie: await signIn(newEmail) });
    expect(me.body.user).toMatchObject({ email: newEmail, emailVerified: true });
    const told = await mailsTo(org.slug, mail, user.email);
    expect(told.map((m) => m.subject)).toContain("Your email address was changed");
    // The link is spent, and the old address is free for anyone.
    expect((await call("/api/email/confirm", { body: { token } })).status).toBe(401);
    expect((await takeElsewhere(user.email)).status).toBe(201);
    expect(await auditTypes(org.slug)).toEqual(expect.arrayContaining(["user.email_change_requested", "user.email_changed"]));
  });

  it("answers 409 for an address that is taken, at the request or when the link is followed", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const other = await createOrg();
    expect((await call("/api/me/email", { cookie, body: { email: other.admin.email } })).status).toBe(409);

    const { user, newEmail, token } = await requested();
    expect((await takeElsewhere(newEmail)).status).toBe(201);
    expect((await call("/api/email/confirm", { body: { token } })).status).toBe(409);
    expect(await canSignIn(user.email)).toBe(true);
  });

  // A thief's session asks to move the account to the thief's mailbox; the owner, told by mail, ends that session
  // any of these ways: the link it asked for dies with it, and the address stays (attacker review).
  for (const [how, end] of [
    [
      "the owner changes the password",
      (c: Ended) =>
        call("/api/me/password", { cookie: c.owner, body: { currentPassword: PASSWORD, newPassword: "a brand new passphrase 123" } }),
    ],
    ["the owner signs out everywhere else", (c: Ended) => call("/api/me/sessions/revoke-others", { method: "POST", cookie: c.owner })],
    [
      "an admin signs the user out everywhere",
      (c: Ended) => call(`/api/org/users/${c.userId}/sessions/revoke`, { method: "POST", cookie: c.adminCookie }),
    ],
    ["an admin resets the user's 2FA", (c: Ended) => call(`/api/org/users/${c.userId}/2fa/reset`, { cookie: c.adminCookie, body: {} })],
  ] as const) {
    it(`dies when ${how}, with nothing changed`, async () => {
      const { user, adminCookie, newEmail, token } = await requested();
      const owner = await signIn(user.email);
      expect((await end({ owner, adminCookie, userId: user.id })).status).toBe(204);
      const r = await callJson<{ error: { code: string } }>("/api/email/confirm", { body: { token } });
      expect(r.status).toBe(401);
      expect(await canSignIn(newEmail)).toBe(false);
      expect((await callJson<{ user: { email: string } }>("/api/me", { cookie: adminCookie })).status).toBe(200);
      const users = await callJson<{ users: { id: string; email: string }[] }>("/api/org/users", { cookie: adminCookie });
      expect(users.body.users.find((u) => u.id === user.id)?.email).toBe(user.email);
    });
  }

  it("dies when the owner ends the session that asked for it, one session by its id", async () => {
    const { user, adminCookie, newEmail, token, cookie } = await requested();
    const owner = await signIn(user.email);
    const sessions = await callJson<{ sessions: { id: string; current: boolean }[] }>("/api/me/sessions", { cookie: owner });
    const asking = sessions.body.sessions.filter((s) => !s.current);
    expect(asking).toHaveLength(1);
    expect((await call(`/api/me/sessions/${asking[0]?.id}`, { method: "DELETE", cookie: owner })).status).toBe(204);
    expect((await call("/api/me", { cookie })).status).toBe(401);
    expect((await call("/api/email/confirm", { body: { token } })).status).toBe(401);
    expect(await canSignIn(newEmail)).toBe(false);
    // Nothing stays reserved: the address is free for anyone.
    expect((await takeElsewhere(newEmail)).status).toBe(201);
    expect((await callJson("/api/me", { cookie: adminCookie })).status).toBe(200);
  });

  it("still works after the browser that asked signs out (the link is in the new mailbox, perhaps on another device)", async () => {
    const { newEmail, token, cookie } = await requested();
    expect((await call("/auth/logout", { method: "POST", cookie })).status).toBe(204);
    const r = await callJson("/api/email/confirm", { body: { token } });
    expect([r.status, r.body]).toEqual([200, { status: "changed", email: newEmail }]);
  });

  it("dies when the owner enrolls at sign-in, closing a password-only session from before the org required 2FA", async () => {
    const { user, adminCookie, newEmail, token } = await requested();
    expect((await call("/api/org/settings", { method: "PATCH", cookie: adminCookie, body: { require2fa: true } })).status).toBe(200);
    const { challenge } = (await callJson<{ challenge: string }>("/auth/login", { body: { email: user.email, password: PASSWORD } })).body;
    const setup = await callJson<{ secret: string }>("/auth/login/enroll", { body: { challenge } });
    expect((await call("/auth/login/enroll/confirm", { body: { challenge, code: codeFor(setup.body.secret) } })).status).toBe(200);
    expect((await call("/api/email/confirm", { body: { token } })).status).toBe(401);
    expect(await canSignIn(newEmail)).toBe(false);
  });

  it("dies after 24 hours with nothing changed", async () => {
    const { user, newEmail, token } = await requested();
    advance(24 * 3_600_000 + 1000);
    expect((await call("/api/email/confirm", { body: { token } })).status).toBe(401);
    expect(await canSignIn(user.email)).toBe(true);
    expect(await canSignIn(newEmail)).toBe(false);
  });
});

describe("a change of address that crashes between its steps", () => {
  async function linkOf(token: string) {
    const route = parseCredential("gm", token);
    if (!route) throw new Error("bad token");
    return { route, stub: env.ORG.getByName(route.slug), tokenHash: await hashCredential(env.HASH_KEY, token) };
  }

  it("after reserving the new address only: the old one signs in, and the new one is freed, not given to the user", async () => {
    const { user, newEmail, token } = await requested();
    const { route } = await linkOf(token);
    expect(await reserveNewAddress(env, route, user.id, newEmail)).toBe(true);
    expect(await canSignIn(user.email)).toBe(true);
    expect(await canSignIn(newEmail)).toBe(false);
    advance(61_000);
    // The user exists but never took the address: the pending claim is dropped, not confirmed.
    expect(await (await emailClaim(env, newEmail)).lookup()).toBeNull();
    expect((await takeElsewhere(newEmail)).status).toBe(201);
  });

  it("after the org's row changed but before the directory confirmed: the new address signs in", async () => {
    const { user, newEmail, token } = await requested();
    const { route, stub, tokenHash } = await linkOf(token);
    expect(await reserveNewAddress(env, route, user.id, newEmail)).toBe(true);
    expect((await stub.followEmailLink({ tokenHash, meta: {} })).ok).toBe(true);
    expect(await canSignIn(newEmail)).toBe(true);
    // The old claim still points at the user until released; releasing frees it only now that the row moved.
    expect(await releaseAddress(env, user.id, user.email)).toBe(true);
    expect(await canSignIn(user.email)).toBe(false);
    expect((await takeElsewhere(user.email)).status).toBe(201);
  });

  it("never frees the old address of a change that did not happen", async () => {
    const { user, newEmail, token } = await requested();
    const { route } = await linkOf(token);
    expect(await reserveNewAddress(env, route, user.id, newEmail)).toBe(true);
    expect(await releaseAddress(env, user.id, user.email)).toBe(false);
    expect(await canSignIn(user.email)).toBe(true);
    expect((await takeElsewhere(user.email)).status).toBe(409);
  });
});

describe("flooding an address with change links", () => {
  it("sends at most one change link a minute per user", async () => {
    const { cookie } = await requested();
    const again = await callJson<{ error: { code: string } }>("/api/me/email", { cookie, body: { email: randomEmail("again") } });
    expect(again.status).toBe(429);
    expect(again.headers.get("retry-after")).toBeTruthy();
    advance(61_000);
    expect((await call("/api/me/email", { cookie, body: { email: randomEmail("later") } })).status).toBe(202);
  });
});

describe("a change of address that stopped before freeing the old one", () => {
  it("frees the old address when someone else asks for it, and only then", async () => {
    const { user, newEmail, token } = await requested();
    const route = parseCredential("gm", token);
    if (!route) throw new Error("bad token");
    const stub = env.ORG.getByName(route.slug);
    expect(await reserveNewAddress(env, route, user.id, newEmail)).toBe(true);
    expect((await stub.followEmailLink({ tokenHash: await hashCredential(env.HASH_KEY, token), meta: {} })).ok).toBe(true);
    await (await emailClaim(env, newEmail)).confirm(user.id);
    // The last step (freeing the old address) never ran: whoever wants it next gets it, as the user moved.
    expect(await canSignIn(newEmail)).toBe(true);
    expect((await takeElsewhere(user.email)).status).toBe(201);
    expect(await canSignIn(newEmail)).toBe(true);
  });

  it("frees the old address of a user removed after such a change", async () => {
    const { adminCookie, user, newEmail, token } = await requested();
    const route = parseCredential("gm", token);
    if (!route) throw new Error("bad token");
    const stub = env.ORG.getByName(route.slug);
    expect(await reserveNewAddress(env, route, user.id, newEmail)).toBe(true);
    expect((await stub.followEmailLink({ tokenHash: await hashCredential(env.HASH_KEY, token), meta: {} })).ok).toBe(true);
    await (await emailClaim(env, newEmail)).confirm(user.id);
    // Removal frees the user's current address; the old one, left claimed by the unfinished change, goes when asked.
    expect((await call(`/api/org/users/${user.id}`, { method: "DELETE", cookie: adminCookie })).status).toBe(204);
    expect((await takeElsewhere(user.email)).status).toBe(201);
    expect((await takeElsewhere(newEmail)).status).toBe(201);
  });
});
