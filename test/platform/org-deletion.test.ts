// The operator deletes an org: it stops answering at once (every credential and link of it, sign-in, new users),
// its object's storage is erased, and its emails and then its slug are freed in the background, after which
// another org may take them. The status and the record of who deleted it live in the slug's directory object.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addUser, call, callJson, createOrg, PASSWORD, randomEmail, signIn } from "../support/api";
import { useTestClock } from "../support/clock";
import { challengeFor, enrolledAdmin, enrolledTechnician } from "../support/flows";
import { mailedPairingToken } from "../support/mail";
import { deleteOrg, orgStatus, orgStorage, runDeletionAlarm } from "../support/org-deletion";
import { TEST_SECRETS } from "../support/secrets";
import { codeFor } from "../support/totp";

useTestClock();

const bearer = TEST_SECRETS.PLATFORM_TOKEN;

/** An org with every kind of credential in use: sessions, an API key, a 2FA challenge, a pairing link. */
async function busyOrg() {
  const org = await createOrg();
  const tech = await enrolledTechnician(org);
  const admin = await enrolledAdmin(org);
  const key = await callJson<{ key: string }>("/api/org/api-keys", { cookie: admin.cookie, body: { name: "ci", role: "admin" } });
  expect(key.status).toBe(201);
  const newcomer = await addUser(admin.cookie);
  const pairing = await mailedPairingToken(org.slug, admin.cookie, newcomer.id);
  const challenge = await challengeFor(tech.email);
  return { org, tech, admin, apiKey: key.body.key, newcomer, pairing, challenge };
}

describe("DELETE /api/platform/orgs/{slug}", () => {
  it("stops the org answering at once: sessions, API keys, sign-in, challenges, pairing links, new users", async () => {
    const o = await busyOrg();
    const r = await deleteOrg(o.org.slug);
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ slug: o.org.slug, state: "deleting", emails: { total: 3, freed: 0 } });

    expect((await call("/api/me", { cookie: o.admin.cookie })).status).toBe(401);
    expect((await call("/api/me", { cookie: o.tech.cookie })).status).toBe(401);
    expect((await call("/api/org/users", { bearer: o.apiKey })).status).toBe(401);
    for (const email of [o.org.admin.email, o.tech.email, o.newcomer.email]) {
      const login = await callJson<{ error: { code: string } }>("/auth/login", { body: { email, password: PASSWORD } });
      expect(login.status).toBe(401);
      expect(login.body.error.code).toBe("invalid_credentials");
    }
    const code = codeFor(o.tech.enrollment.secret);
    expect((await call("/auth/login/2fa", { body: { challenge: o.challenge, code } })).status).toBe(401);
    expect((await call(`/api/pair/${o.pairing}/setup`, { body: { password: PASSWORD } })).status).toBe(404);
    // The operator's own routes see no org either.
    const reset = await call(`/api/platform/orgs/${o.org.slug}/users/${o.tech.id}/2fa/reset`, { method: "POST", bearer });
    expect(reset.status).toBe(404);
    // No user can be created in it: the object holds no org any more.
    const created = await runInDurableObject(env.ORG.getByName(o.org.slug), (obj) =>
      obj.createUser({
        user: { id: "usr_late", email: randomEmail(), name: "Late", role: "admin", passwordHash: "x" },
        caller: { kind: "operator" },
        actor: { type: "operator" },
        meta: {},
      }),
    );
    expect(created).toEqual({ ok: false, reason: "not_found" });
    // Erased: every table empty, no alarm.
    expect(await orgStorage(o.org.slug)).toEqual({ tables: [], alarm: null });
    // An alarm that was already on its way finds no org, writes nothing and does not wake again.
    const stub = env.ORG.getByName(o.org.slug);
    await runInDurableObject(stub, (_obj, state) => state.storage.setAlarm(Date.now()));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await orgStorage(o.org.slug)).toEqual({ tables: [], alarm: null });
    expect(await runInDurableObject(stub, (_obj, state) => state.storage.list())).toEqual(new Map());
  });

  it("frees the emails and then the slug in the background; then another org may take them", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const tech = await addUser(admin);
    expect((await deleteOrg(org.slug)).status).toBe(202);

    // Until the background work is done, the slug and the emails stay taken.
    const early = await callJson("/api/platform/orgs", {
      bearer,
      body: { slug: org.slug, name: "Too soon", admin: { email: randomEmail(), password: PASSWORD } },
    });
    expect(early.status).toBe(409);
    const other = await createOrg();
    const otherAdmin = await signIn(other.admin.email);
    const taken = await call("/api/org/users", { cookie: otherAdmin, body: { email: tech.email, password: PASSWORD, role: "technician" } });
    expect(taken.status).toBe(409);
    expect((await orgStatus(org.slug)).body).toMatchObject({ state: "deleting", emails: { total: 2, freed: 0 }, finishedAt: null });

    expect(await runDeletionAlarm(org.slug)).toBe(true);
    const done = await orgStatus(org.slug);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ slug: org.slug, state: "deleted", emails: { total: 2, freed: 2 }, finishedAt: expect.any(String) });

    const again = await callJson("/api/platform/orgs", {
      bearer,
      body: { slug: org.slug, name: "Reborn", admin: { email: org.admin.email, password: PASSWORD } },
    });
    expect(again.status).toBe(201);
    expect((await orgStatus(org.slug)).body).toEqual({ slug: org.slug, state: "active", name: "Reborn", jurisdiction: null });
    const moved = await call("/api/org/users", { cookie: otherAdmin, body: { email: tech.email, password: PASSWORD, role: "technician" } });
    expect(moved.status).toBe(201);
    // The new org starts empty: the old users are gone.
    const users = await callJson<{ users: { email: string }[] }>("/api/org/users", { cookie: await signIn(org.admin.email) });
    expect(users.body.users.map((u) => u.email)).toEqual([org.admin.email]);
  });

  it("frees the slug and emails of an org in a jurisdiction", async () => {
    const org = await createOrg({ jurisdiction: "eu" });
    expect((await deleteOrg(org.slug)).status).toBe(202);
    expect(await orgStorage(`eu:${org.slug}`)).toEqual({ tables: [], alarm: null });
    await runDeletionAlarm(org.slug);
    expect((await orgStatus(org.slug)).body).toMatchObject({ state: "deleted", emails: { total: 1, freed: 1 } });
    expect((await createOrg({ slug: org.slug, email: org.admin.email })).slug).toBe(org.slug);
  });

  it("answers 404 for a slug with no org, 202 again while the deletion is under way, and only to the operator", async () => {
    expect((await deleteOrg("no-such-org-here")).status).toBe(404);
    expect((await orgStatus("no-such-org-here")).status).toBe(404);
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    expect((await call(`/api/platform/orgs/${org.slug}`, { method: "DELETE", cookie: admin })).status).toBe(401);
    expect((await call(`/api/platform/orgs/${org.slug}`, { method: "DELETE", bearer: `${bearer}x` })).status).toBe(401);
    expect((await orgStatus(org.slug)).body).toMatchObject({ state: "active" });
    expect((await deleteOrg(org.slug)).status).toBe(202);
    const twice = await deleteOrg(org.slug);
    expect(twice.status).toBe(202);
    expect(twice.body).toMatchObject({ state: "deleting" });
    await runDeletionAlarm(org.slug);
    // Deleted: nothing left to delete.
    expect((await deleteOrg(org.slug)).status).toBe(404);
    expect((await orgStatus(org.slug)).body).toMatchObject({ state: "deleted" });
  });

  it("keeps who deleted the org, and when, where it survives the erase", async () => {
    const org = await createOrg();
    const r = await call(`/api/platform/orgs/${org.slug}`, { method: "DELETE", bearer, headers: { "cf-connecting-ip": "203.0.113.9" } });
    expect(r.status).toBe(202);
    await runDeletionAlarm(org.slug);
    const record = await runInDurableObject(env.DIRECTORY.getByName(`slug:${org.slug}`), (_o, state) =>
      state.storage.sql.exec("SELECT org_slug, state, requested_by, request_ip, requested_at, finished_at FROM deletion").toArray(),
    );
    expect(record).toEqual([
      {
        org_slug: org.slug,
        state: "deleted",
        requested_by: "support",
        request_ip: "203.0.113.9",
        requested_at: Date.now(),
        finished_at: Date.now(),
      },
    ]);
  });
});
