// Removing a user deletes them and every credential of theirs, frees their email for any org (with the same
// crash care as creation: each step is called apart here, as if the Worker died after it), keeps in the audit
// log who removed whom, and leaves no session alive even when it races the user's own sign-in.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { emailClaim } from "../../src/directory/names";
import { addUser, call, callJson, createOrg, PASSWORD, randomEmail, sessionCookieFrom, signIn } from "../support/api";
import { auditRows } from "../support/audit";
import { useTestClock } from "../support/clock";
import { enrolledTechnician, staleSession } from "../support/flows";
import { outbox } from "../support/mail";
import { TEST_SECRETS } from "../support/secrets";

useTestClock();

type Err = { error: { code: string } };

const remove = (cookie: string, id: string) => callJson<Err>(`/api/org/users/${id}`, { method: "DELETE", cookie });
const create = (cookie: string, email: string) =>
  callJson<Err & { id: string }>("/api/org/users", { cookie, body: { email, password: PASSWORD, role: "technician" } });

/** Rows left anywhere for a user id, table by table. */
async function leftovers(slug: string, userId: string) {
  return runInDurableObject(env.ORG.getByName(slug), (_o, state) => {
    const n = (q: string) => state.storage.sql.exec<{ n: number }>(q, userId).one().n;
    return {
      users: n("SELECT COUNT(*) AS n FROM users WHERE id = ?"),
      totp: n("SELECT COUNT(*) AS n FROM totp WHERE user_id = ?"),
      recovery: n("SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = ?"),
      sessions: n("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?"),
      challenges: n("SELECT COUNT(*) AS n FROM challenges WHERE user_id = ?"),
      keys: n("SELECT COUNT(*) AS n FROM api_keys WHERE created_by = ?"),
      pairings: n("SELECT COUNT(*) AS n FROM pairing_tokens WHERE user_id = ?"),
    };
  });
}

describe("removing a user", () => {
  it("deletes the row, secret, codes, sessions, keys and challenges, and another org can then use the email", async () => {
    const tech = await enrolledTechnician();
    await callJson("/auth/login", { body: { email: tech.email, password: PASSWORD } }); // a challenge
    const key = await callJson<{ key: string }>("/api/org/api-keys", { cookie: tech.adminCookie, body: { name: "k", role: "technician" } });
    expect((await remove(tech.adminCookie, tech.id)).status).toBe(204);

    expect(await leftovers(tech.org.slug, tech.id)).toEqual({
      users: 0,
      totp: 0,
      recovery: 0,
      sessions: 0,
      challenges: 0,
      keys: 0,
      pairings: 0,
    });
    expect((await call("/api/me", { cookie: tech.cookie })).status).toBe(401);
    expect((await call("/api/me", { bearer: key.body.key })).status).toBe(200); // the admin's key lives on
    expect((await callJson("/auth/login", { body: { email: tech.email, password: PASSWORD } })).status).toBe(401);

    const removed = (await auditRows(tech.org.slug)).find((e) => e.type === "user.removed");
    expect(removed?.subject_id).toBe(tech.id);
    const actor = await runInDurableObject(env.ORG.getByName(tech.org.slug), (_o, state) =>
      state.storage.sql.exec<{ actor_id: string }>("SELECT actor_id FROM audit WHERE type = 'user.removed'").one(),
    );
    expect(actor.actor_id).toBe(tech.org.admin.id);
    expect((await outbox(tech.org.slug)).some((m) => m.kind === "account.removed" && m.to === tech.email)).toBe(true);

    const other = await createOrg();
    expect((await create(await signIn(other.admin.email), tech.email)).status).toBe(201);
  });

  it("refuses a stale session on a technician too (the freed email could be added again with a known password)", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const tech = await addUser(cookie);
    staleSession();
    const stale = await remove(cookie, tech.id);
    expect([stale.status, stale.body.error.code]).toEqual([403, "step_up_required"]);
    await signIn(tech.email);
    const done = await callJson<Err>(`/api/org/users/${tech.id}`, { method: "DELETE", cookie, body: { password: org.admin.password } });
    expect(done.status).toBe(204);
  });

  it("refuses oneself and a stale session on an admin; unknown ids change nothing", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const self = await remove(cookie, org.admin.id);
    expect([self.status, self.body.error.code]).toEqual([409, "conflict"]);
    expect((await remove(cookie, "usr_nobody")).status).toBe(404);
    const other = await addUser(cookie, "admin");
    staleSession();
    const stale = await remove(cookie, other.id);
    expect([stale.status, stale.body.error.code]).toEqual([403, "step_up_required"]);
    // Refused: the user stays, and so does their email's claim.
    const dir = await emailClaim(env, other.email);
    expect((await dir.lookup())?.userId).toBe(other.id);
    await signIn(other.email);
  });

  it("lets support remove the last admin, freeing an address the wrong org claimed", async () => {
    const victim = randomEmail("claimed");
    const wrong = await createOrg({ email: victim });
    const r = await callJson(`/api/platform/orgs/${wrong.slug}/users/${wrong.admin.id}`, {
      method: "DELETE",
      bearer: TEST_SECRETS.PLATFORM_TOKEN,
    });
    expect(r.status).toBe(204);
    const rightful = await createOrg();
    expect((await create(await signIn(rightful.admin.email), victim)).status).toBe(201);
    await signIn(victim);
    expect((await auditRows(wrong.slug)).find((e) => e.type === "user.removed")?.subject_id).toBe(wrong.admin.id);
    const unknown = await callJson(`/api/platform/orgs/${wrong.slug}/users/usr_nobody`, {
      method: "DELETE",
      bearer: TEST_SECRETS.PLATFORM_TOKEN,
    });
    expect(unknown.status).toBe(404);
  });

  it("lets support give an org whose last admin is gone a new admin, who can then run it", async () => {
    const org = await createOrg();
    const platform = { bearer: TEST_SECRETS.PLATFORM_TOKEN };
    expect((await call(`/api/platform/orgs/${org.slug}/users/${org.admin.id}`, { method: "DELETE", ...platform })).status).toBe(204);
    const email = randomEmail("new-admin");
    const added = await callJson<{ id: string; email: string; role: string }>(`/api/platform/orgs/${org.slug}/users`, {
      ...platform,
      body: { email, password: PASSWORD, name: "Nova", role: "admin" },
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ email, role: "admin" });
    const admin = await signIn(email);
    expect((await callJson("/api/org/settings", { method: "PATCH", cookie: admin, body: { require2fa: true } })).status).toBe(200);
    const created = (await auditRows(org.slug)).find((e) => e.type === "user.created" && e.subject_id === added.body.id);
    expect(JSON.parse(created?.detail ?? "{}")).toMatchObject({ role: "admin" });
    // Only support: an org's admin, a bad body, an unknown org and a taken email are refused.
    const path = `/api/platform/orgs/${org.slug}/users`;
    const body = { email: randomEmail("x"), password: PASSWORD, role: "admin" };
    expect((await call(path, { cookie: admin, body })).status).toBe(401);
    expect((await call(path, { ...platform, body: { ...body, role: "owner" } })).status).toBe(400);
    expect((await call("/api/platform/orgs/no-such-org-here/users", { ...platform, body })).status).toBe(404);
    expect((await call(path, { ...platform, body: { ...body, email } })).status).toBe(409);
  });

  it("leaves no session alive when it races the user's sign-in", async () => {
    for (let i = 0; i < 5; i++) {
      const org = await createOrg();
      const adminCookie = await signIn(org.admin.email);
      const user = await addUser(adminCookie);
      const logins = Array.from({ length: 3 }, () => call("/auth/login", { body: { email: user.email, password: PASSWORD } }));
      const [removed, ...answers] = await Promise.all([remove(adminCookie, user.id), ...logins]);
      expect(removed.status).toBe(204);
      for (const answer of answers) {
        const cookie = sessionCookieFrom(answer);
        if (cookie) expect((await call("/api/me", { cookie })).status).toBe(401);
      }
      expect((await leftovers(org.slug, user.id)).sessions).toBe(0);
    }
  });
});

describe("the email claim across a removal's crash points", () => {
  it("a crash after marking the claim, before the org removes the user: the address stays theirs", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const user = await addUser(cookie);
    const dir = await emailClaim(env, user.email);
    expect(await dir.markReleasing(user.id)).toBe(true);
    // Nobody else may take it, the owner still signs in, and the claim is still the owner's.
    const other = await createOrg();
    expect((await create(await signIn(other.admin.email), user.email)).status).toBe(409);
    await signIn(user.email);
    expect((await dir.lookup())?.userId).toBe(user.id);
  });

  it("a crash after the org removed the user, before the claim was dropped: the next comer gets the address", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const user = await addUser(cookie);
    const dir = await emailClaim(env, user.email);
    expect(await dir.markReleasing(user.id)).toBe(true);
    const removed = await env.ORG.getByName(org.slug).removeUser({
      userId: user.id,
      caller: { kind: "operator" },
      actor: { type: "operator" },
      meta: {},
    });
    expect(removed.ok).toBe(true);
    const other = await createOrg();
    expect((await create(await signIn(other.admin.email), user.email)).status).toBe(201);
  });

  it("a removal the org refused puts the claim back in trust: the address stays theirs", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const user = await addUser(cookie);
    const dir = await emailClaim(env, user.email);
    await dir.markReleasing(user.id);
    await dir.keepClaim(user.id);
    expect((await dir.lookup())?.userId).toBe(user.id);
  });
});
