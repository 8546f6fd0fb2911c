import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { inviteUser, resendInvite as resendInviteFlow } from "../../src/flows/invites";
import { addUser, BASE, call, callJson, createOrg, PASSWORD, randomEmail, sessionCookieFrom, signIn } from "../support/api";
import { auditRows, auditTypes } from "../support/audit";
import { advance, useTestClock } from "../support/clock";
import { enrolledAdmin, staleSession } from "../support/flows";
import { mailsTo, recordMail, tokenIn } from "../support/links";

useTestClock();

async function setUp() {
  const org = await createOrg();
  const cookie = await signIn(org.admin.email);
  const mail = await recordMail(org.slug);
  return { org, cookie, mail };
}

async function invite(cookie: string, body: Record<string, unknown>) {
  return callJson<{ id: string; email: string; role: string; expiresAt: string }>("/api/org/invites", { cookie, body });
}

/** Invites an email and returns the token of the link mailed to it. */
async function invitedToken(s: Awaited<ReturnType<typeof setUp>>, email = randomEmail("invitee"), extra: Record<string, unknown> = {}) {
  const r = await invite(s.cookie, { email, role: "technician", ...extra });
  expect(r.status).toBe(201);
  const mails = await mailsTo(s.org.slug, s.mail, email);
  return { email, id: r.body.id, token: tokenIn(mails.at(-1) as never, "/invite/"), mails };
}

/** The audit log's invite.revoked rows: which invite, and why. */
async function revokedInvites(slug: string) {
  return (await auditRows(slug)).filter((r) => r.type === "invite.revoked").map(({ subject_id, detail }) => ({ subject_id, detail }));
}

const accept = (token: string, extra: Record<string, unknown> = {}) =>
  call("/api/invites/accept", { body: { token, password: PASSWORD, ...extra } });

describe("invites", () => {
  it("mail a single-use link that creates the account, signs it in and verifies its email", async () => {
    const s = await setUp();
    const { email, token, mails } = await invitedToken(s);
    expect(mails[0]?.subject).toBe(`You are invited to Org ${s.org.slug} on Gatehouse`);
    const listed = await callJson<{ invites: { email: string }[] }>("/api/org/invites", { cookie: s.cookie });
    expect(listed.body.invites.map((i) => i.email)).toEqual([email]);

    const r = await accept(token, { name: "Nina New" });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: "authenticated" });
    const cookie = sessionCookieFrom(r) as string;
    const me = await callJson<{ user: { email: string; name: string; role: string; emailVerified: boolean } }>("/api/me", { cookie });
    expect(me.body.user).toMatchObject({ email, name: "Nina New", role: "technician", emailVerified: true });
    expect((await callJson<{ invites: unknown[] }>("/api/org/invites", { cookie: s.cookie })).body.invites).toEqual([]);
    // The password chosen works for sign-in; the link is spent.
    await signIn(email);
    const again = await callJson<{ error: { code: string } }>("/api/invites/accept", { body: { token, password: PASSWORD } });
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe("invalid_code");
    expect(await auditTypes(s.org.slug)).toEqual(expect.arrayContaining(["invite.created", "invite.accepted", "user.created"]));
  });

  it("mail the invitee in the language asked for, else the inviting admin's", async () => {
    const s = await setUp();
    const fr = await invitedToken(s, randomEmail("fr"), { locale: "fr" });
    expect(fr.mails[0]?.subject).toContain("Vous êtes invité");
    const en = await invitedToken(s);
    expect(en.mails[0]?.subject).toContain("You are invited");
  });

  it("refuse an email that belongs to a user in any org, but a pending invite blocks nobody", async () => {
    const s = await setUp();
    const other = await createOrg();
    expect((await invite(s.cookie, { email: other.admin.email, role: "technician" })).status).toBe(409);

    const { email, token } = await invitedToken(s);
    // Another org creates that email meanwhile: it may, and the invite then answers 409.
    const otherCookie = await signIn(other.admin.email);
    const created = await call("/api/org/users", { cookie: otherCookie, body: { email, password: PASSWORD, role: "technician" } });
    expect(created.status).toBe(201);
    const r = await callJson<{ error: { code: string } }>("/api/invites/accept", { body: { token, password: PASSWORD } });
    expect(r.status).toBe(409);
    const users = await callJson<{ users: { email: string }[] }>("/api/org/users", { cookie: s.cookie });
    expect(users.body.users.map((u) => u.email)).not.toContain(email);
  });

  it("refuse a second pending invite for the same email", async () => {
    const s = await setUp();
    const { email } = await invitedToken(s);
    expect((await invite(s.cookie, { email, role: "technician" })).status).toBe(409);
  });

  it("go straight into enrollment when the org requires 2FA", async () => {
    const { org, cookie } = await enrolledAdmin();
    expect((await call("/api/org/settings", { method: "PATCH", cookie, body: { require2fa: true } })).status).toBe(200);
    const mail = await recordMail(org.slug);
    const { token } = await invitedToken({ org, cookie, mail });
    const r = await accept(token);
    expect(r.status).toBe(200);
    const body = (await r.json()) as { status: string; challenge: string };
    expect(body.status).toBe("enrollment_required");
    expect(sessionCookieFrom(r)).toBeUndefined();
    expect((await call("/auth/login/enroll", { body: { challenge: body.challenge } })).status).toBe(200);
  });

  it("need step-up to invite an admin, and never an API key", async () => {
    const { org, cookie } = await enrolledAdmin();
    const key = await callJson<{ key: string }>("/api/org/api-keys", { cookie, body: { name: "ci", role: "admin" } });
    expect(key.status).toBe(201);
    const byKey = await callJson<{ error: { code: string } }>("/api/org/invites", {
      bearer: key.body.key,
      body: { email: randomEmail(), role: "admin" },
    });
    expect(byKey.status).toBe(403);
    expect(byKey.body.error.code).toBe("forbidden");
    // A key may still invite a technician.
    expect((await callJson("/api/org/invites", { bearer: key.body.key, body: { email: randomEmail(), role: "technician" } })).status).toBe(
      201,
    );

    staleSession();
    const stale = await callJson<{ error: { code: string } }>("/api/org/invites", {
      cookie,
      body: { email: randomEmail(), role: "admin" },
    });
    expect(stale.status).toBe(403);
    expect(stale.body.error.code).toBe("step_up_required");
    const invites = await callJson<{ invites: { role: string }[] }>("/api/org/invites", { cookie });
    expect(invites.body.invites.map((i) => i.role)).toEqual(["technician"]);
    expect(org.slug).toBeTruthy();
  });

  it("let an admin invite an admin with a fresh session, and not once the inviter lost the role", async () => {
    const s = await setUp();
    const { email, token } = await invitedToken(s, randomEmail("boss"), { role: "admin" });
    const second = await invitedToken(s, randomEmail("boss2"), { role: "admin" });
    expect((await accept(token)).status).toBe(200);
    // The new admin demotes the inviter: the inviter's other admin invite can no longer be accepted.
    const boss = await signIn(email);
    expect((await call(`/api/org/users/${s.org.admin.id}`, { method: "PATCH", cookie: boss, body: { role: "technician" } })).status).toBe(
      200,
    );
    const r = await callJson<{ error: { code: string } }>("/api/invites/accept", { body: { token: second.token, password: PASSWORD } });
    expect(r.status).toBe(401);
    // It is revoked with the role, said so in the audit log, and gone from the list for good: the role coming back
    // does not revive it.
    const listed = await callJson<{ invites: { id: string }[] }>("/api/org/invites", { cookie: boss });
    expect(listed.body.invites).toEqual([]);
    expect(await revokedInvites(s.org.slug)).toEqual([{ subject_id: second.id, detail: '{"reason":"role_changed"}' }]);
    expect((await call(`/api/org/users/${s.org.admin.id}`, { method: "PATCH", cookie: boss, body: { role: "admin" } })).status).toBe(200);
    expect((await accept(second.token)).status).toBe(401);
    expect((await invite(boss, { email: second.email, role: "technician" })).status).toBe(201);
  });

  it("revoke an admin's pending invites when the admin is deactivated or removed, and keep them revoked on return", async () => {
    const s = await setUp();
    const other = await addUser(s.cookie, "admin");
    const otherCookie = await signIn(other.email);
    const made = await invitedToken({ ...s, cookie: otherCookie });
    const mine = await invitedToken(s);
    const setActive = (active: boolean) => call(`/api/org/users/${other.id}`, { method: "PATCH", cookie: s.cookie, body: { active } });
    expect((await setActive(false)).status).toBe(200);
    expect(await revokedInvites(s.org.slug)).toEqual([{ subject_id: made.id, detail: '{"reason":"deactivated"}' }]);
    expect((await setActive(true)).status).toBe(200);
    expect((await accept(made.token)).status).toBe(401);
    // The deactivating admin's own invite is untouched.
    const listed = await callJson<{ invites: { id: string }[] }>("/api/org/invites", { cookie: s.cookie });
    expect(listed.body.invites.map((i) => i.id)).toEqual([mine.id]);

    const again = await invitedToken({ ...s, cookie: await signIn(other.email) });
    expect((await call(`/api/org/users/${other.id}`, { method: "DELETE", cookie: s.cookie })).status).toBe(204);
    expect((await revokedInvites(s.org.slug)).at(-1)).toEqual({ subject_id: again.id, detail: '{"reason":"removed"}' });
    expect((await accept(again.token)).status).toBe(401);
    expect((await accept(mine.token)).status).toBe(200);
  });

  it("refuse in the org's object an invite or a resend from an admin demoted after the edge checked the role", async () => {
    const s = await setUp();
    const other = await addUser(s.cookie, "admin");
    expect((await call(`/api/org/users/${other.id}`, { method: "PATCH", cookie: s.cookie, body: { role: "technician" } })).status).toBe(
      200,
    );
    // What the edge sends on after its own role check, had the demotion landed in between.
    const route = { slug: s.org.slug, jurisdiction: null };
    const caller = { kind: "session", userId: other.id, steppedUp: true } as const;
    const actor = { type: "user", id: other.id, label: other.email } as const;
    const email = randomEmail("late");
    await expect(inviteUser(env, route, { email, role: "technician" }, caller, actor, {}, BASE)).rejects.toMatchObject({
      code: "forbidden",
    });
    const made = await invitedToken(s);
    await expect(resendInviteFlow(env, route, made.id, caller, actor, {}, BASE)).rejects.toMatchObject({ code: "forbidden" });
    expect(await mailsTo(s.org.slug, s.mail, email)).toEqual([]);
    expect(await mailsTo(s.org.slug, s.mail, made.email)).toHaveLength(1);
  });

  it("never resend an invite that cannot be accepted because its inviter is no longer an admin", async () => {
    const s = await setUp();
    const other = await addUser(s.cookie, "admin");
    const made = await invitedToken({ ...s, cookie: await signIn(other.email) });
    // An inviter demoted by a release that did not yet revoke their invites.
    await runInDurableObject(env.ORG.getByName(s.org.slug), (_o, state) => {
      state.storage.sql.exec("UPDATE users SET role = 'technician' WHERE id = ?", other.id);
    });
    const r = await callJson<{ error: { code: string } }>(`/api/org/invites/${made.id}/resend`, { cookie: s.cookie, body: {} });
    expect(r.status).toBe(404);
    expect(await mailsTo(s.org.slug, s.mail, made.email)).toHaveLength(1);
    expect((await accept(made.token)).status).toBe(401);
    // Its page says the link is dead, as for any other, rather than showing the invite.
    const page = await call(`/invite/${made.token}`, { headers: { accept: "text/html" } });
    expect(await page.text()).not.toContain(made.email);
  });

  it("kill the link when revoked, and the old link when resent", async () => {
    const s = await setUp();
    const revoked = await invitedToken(s);
    expect((await call(`/api/org/invites/${revoked.id}`, { method: "DELETE", cookie: s.cookie })).status).toBe(204);
    expect((await accept(revoked.token)).status).toBe(401);
    expect((await call(`/api/org/invites/${revoked.id}`, { method: "DELETE", cookie: s.cookie })).status).toBe(404);

    const resent = await invitedToken(s);
    const r = await callJson<{ expiresAt: string }>(`/api/org/invites/${resent.id}/resend`, { cookie: s.cookie, body: {} });
    expect(r.status).toBe(200);
    const fresh = tokenIn((await mailsTo(s.org.slug, s.mail, resent.email)).at(-1) as never, "/invite/");
    expect(fresh).not.toBe(resent.token);
    expect((await accept(resent.token)).status).toBe(401);
    expect((await accept(fresh)).status).toBe(200);
    expect(await auditTypes(s.org.slug)).toEqual(expect.arrayContaining(["invite.revoked", "invite.resent"]));
  });

  it("mail one address at most 5 times an hour, resent or revoked and made again", async () => {
    const s = await setUp();
    const first = await invitedToken(s);
    const resend = (id: string) => callJson<{ error: { code: string } }>(`/api/org/invites/${id}/resend`, { cookie: s.cookie, body: {} });
    for (let i = 0; i < 4; i++) expect((await resend(first.id)).status).toBe(200);
    const refused = await resend(first.id);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("too_many_attempts");
    expect(Number(refused.res.headers.get("retry-after"))).toBeGreaterThan(3000);
    // The refused resend mailed nothing.
    expect(await mailsTo(s.org.slug, s.mail, first.email)).toHaveLength(5);
    expect((await call(`/api/org/invites/${first.id}`, { method: "DELETE", cookie: s.cookie })).status).toBe(204);
    const again = await invite(s.cookie, { email: first.email, role: "technician" });
    expect(again.status).toBe(429);
    // The same address in other case is the same inbox: held back too.
    const shouted = await invite(s.cookie, { email: first.email.toUpperCase(), role: "technician" });
    expect(shouted.status).toBe(429);
    // Another address is not held back, and the hour passes.
    expect((await invite(s.cookie, { email: randomEmail("other"), role: "technician" })).status).toBe(201);
    advance(3_600_000);
    expect((await invite(await signIn(s.org.admin.email), { email: first.email, role: "technician" })).status).toBe(201);
  });

  it("expire after 7 days, and answer one way for a dead, unknown or malformed token", async () => {
    const s = await setUp();
    const { token, email } = await invitedToken(s);
    advance(7 * 86_400_000 + 1000);
    for (const t of [token, `${token.slice(0, -2)}xx`, "gi.nope.-.aaaaaaaaaaaaaaaaaaaaaaaaaaaa", "garbage"]) {
      const r = await callJson<{ error: { code: string } }>("/api/invites/accept", { body: { token: t, password: PASSWORD } });
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe("invalid_code");
    }
    expect((await callJson<{ invites: unknown[] }>("/api/org/invites", { cookie: await signIn(s.org.admin.email) })).body.invites).toEqual(
      [],
    );
    expect((await call("/auth/login", { body: { email, password: PASSWORD } })).status).toBe(401);
  });

  it("make one user out of twenty concurrent accepts", async () => {
    const s = await setUp();
    const { token, email } = await invitedToken(s);
    const results = await Promise.all(Array.from({ length: 20 }, () => accept(token)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((x) => x === 200)).toHaveLength(1);
    expect(statuses.every((x) => x === 200 || x === 401 || x === 409)).toBe(true);
    const users = await callJson<{ users: { email: string }[] }>("/api/org/users", { cookie: s.cookie });
    expect(users.body.users.filter((u) => u.email === email)).toHaveLength(1);
    await signIn(email);
  });

  it("make a whole user or none when an accept races a revoke", async () => {
    for (let i = 0; i < 3; i++) {
      const s = await setUp();
      const { token, email, id } = await invitedToken(s);
      const [accepted, revoked] = await Promise.all([
        accept(token),
        call(`/api/org/invites/${id}`, { method: "DELETE", cookie: s.cookie }),
      ]);
      const users = await callJson<{ users: { email: string }[] }>("/api/org/users", { cookie: s.cookie });
      const made = users.body.users.some((u) => u.email === email);
      expect(made).toBe(accepted.status === 200);
      expect(revoked.status).toBe(made ? 404 : 204);
      if (made) {
        await signIn(email);
      } else {
        // No claim was left behind: another org may take the address at once.
        const other = await createOrg();
        const r = await call("/api/org/users", {
          cookie: await signIn(other.admin.email),
          body: { email, password: PASSWORD, role: "technician" },
        });
        expect(r.status).toBe(201);
      }
    }
  });
});

describe("the password an invitee chooses", () => {
  it("is hashed with the user's own salt, so even a wrong password costs two trips and one KDF run, like any email", async () => {
    const s = await setUp();
    const { email, token } = await invitedToken(s);
    expect((await accept(token)).status).toBe(200);
    const wrong = await call("/auth/login", { body: { email, password: `${PASSWORD}-wrong` } });
    expect(wrong.status).toBe(401);
    // An older random-salt hash would take a third trip (and a second KDF run) until its first right password.
    expect(wrong.headers.get("x-gatehouse-trips")).toBe("2 2");
  });
});
