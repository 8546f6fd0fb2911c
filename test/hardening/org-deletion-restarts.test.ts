// Org deletion survives crashes and races: the slug object's alarm resumes freeing claims after a restart, an erase cut
// short is finished before the org's object serves again, a request that died before the erase is completed by
// the alarm, and no stray call can make an org erase itself. No address is ever left claimed for good.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ORG_DELETION_BATCH, RESERVATION_STALE_SECONDS } from "../../src/constants";
import { emailClaim } from "../../src/directory/names";
import { addUser, call, callJson, createOrg, PASSWORD, randomEmail, signIn } from "../support/api";
import { advance, useTestClock } from "../support/clock";
import { deleteOrg, orgStatus, orgStorage, runDeletionAlarm, slugObject } from "../support/org-deletion";

useTestClock();

/** Whether the email can be claimed again: a fresh org with it as admin is created (201) or refused (409). */
async function emailIsFree(email: string): Promise<boolean> {
  const r = await callJson("/api/platform/orgs", {
    bearer: (await import("../support/secrets")).TEST_SECRETS.PLATFORM_TOKEN,
    body: { slug: `re-${crypto.randomUUID().slice(0, 8)}`, name: "Reuse", admin: { email, password: PASSWORD } },
  });
  if (r.status !== 201 && r.status !== 409) throw new Error(`unexpected ${r.status}`);
  return r.status === 201;
}

describe("org deletion across restarts", () => {
  it("resumes freeing the emails where it stopped when the slug's object restarts midway", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const users = [];
    for (let i = 0; i < ORG_DELETION_BATCH + 4; i++) users.push(await addUser(admin));
    expect((await deleteOrg(org.slug)).body).toMatchObject({ emails: { total: ORG_DELETION_BATCH + 5, freed: 0 } });

    await runDeletionAlarm(org.slug);
    expect((await orgStatus(org.slug)).body).toMatchObject({ state: "deleting", emails: { freed: ORG_DELETION_BATCH } });
    await evictDurableObject(slugObject(org.slug));
    // The next batch is due at once, in the new instance.
    expect(await runInDurableObject(slugObject(org.slug), (_o, state) => state.storage.getAlarm())).toBeLessThanOrEqual(Date.now());
    await runDeletionAlarm(org.slug);
    expect((await orgStatus(org.slug)).body).toMatchObject({
      state: "deleted",
      emails: { total: ORG_DELETION_BATCH + 5, freed: ORG_DELETION_BATCH + 5 },
    });
    for (const u of [users[0], users.at(-1)]) expect(await emailIsFree(u?.email as string)).toBe(true);
  });

  it("finishes an erase cut short before the org's object serves anything again", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    // As if DELETE died inside the erase: the deletion is recorded and the org's marker written, nothing erased.
    expect(await slugObject(org.slug).beginDeletion({ requestedBy: "support", ip: null })).toMatchObject({ ok: true });
    await runInDurableObject(env.ORG.getByName(org.slug), (_o, state) => state.storage.put("erasing", true));
    await evictDurableObject(env.ORG.getByName(org.slug));

    expect((await call("/api/me", { cookie })).status).toBe(401);
    expect(await orgStorage(org.slug)).toEqual({ tables: [], alarm: null });
    // The claims reached the slug's object before the erase; its alarm frees them.
    await runDeletionAlarm(org.slug);
    expect((await orgStatus(org.slug)).body).toMatchObject({ state: "deleted", emails: { total: 1, freed: 1 } });
    expect(await emailIsFree(org.admin.email)).toBe(true);
  });

  it("has the alarm erase the org when the request died before reaching it", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    await slugObject(org.slug).beginDeletion({ requestedBy: "support", ip: null });
    // The slug already names no org; the alarm (due within ORG_DELETION_RETRY_MS) does the rest.
    expect((await orgStatus(org.slug)).body).toMatchObject({ state: "deleting", erasedAt: null, emails: { total: null } });
    await runDeletionAlarm(org.slug);
    expect((await call("/api/me", { cookie })).status).toBe(401);
    expect(await orgStorage(org.slug)).toEqual({ tables: [], alarm: null });
    expect((await orgStatus(org.slug)).body).toMatchObject({ state: "deleted", emails: { total: 1, freed: 1 } });
  });

  it("refuses to erase an org that is not being deleted", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    expect(await env.ORG.getByName(org.slug).eraseForDeletion()).toBe(false);
    expect((await call("/api/me", { cookie })).status).toBe(200);
    await evictDurableObject(env.ORG.getByName(org.slug));
    expect((await call("/api/me", { cookie })).status).toBe(200);
  });
});

describe("org deletion under races", () => {
  it("starts one deletion when asked twice at once", async () => {
    const org = await createOrg();
    const [a, b] = await Promise.all([deleteOrg(org.slug), deleteOrg(org.slug)]);
    expect([a.status, b.status]).toEqual([202, 202]);
    const rows = await runInDurableObject(
      slugObject(org.slug),
      (_o, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM deletion").one().n,
    );
    expect(rows).toBe(1);
  });

  it("leaves no address claimed for good by a user created across the deletion, whichever side of the erase", async () => {
    const org = await createOrg();
    const stub = env.ORG.getByName(org.slug);
    const route = { orgSlug: org.slug, jurisdiction: null };
    const newUser = (id: string, email: string) => ({
      user: { id, email, name: "Racer", role: "technician" as const, passwordHash: "x" },
      caller: { kind: "operator" as const },
      actor: { type: "operator" as const },
      meta: {},
    });
    // A: written in the org before the erase, its claim confirmed only after it (the creating request's last step).
    const early = randomEmail("early");
    const earlyDir = await emailClaim(env, early);
    expect(await earlyDir.reserve({ ...route, userId: "usr_early" })).toBe(true);
    expect(await stub.createUser(newUser("usr_early", early))).toMatchObject({ ok: true });
    // B: reserved before the erase, reaching the org after it (refused), and its request dies before releasing.
    const late = randomEmail("late");
    const lateDir = await emailClaim(env, late);
    expect(await lateDir.reserve({ ...route, userId: "usr_late" })).toBe(true);

    expect((await deleteOrg(org.slug)).status).toBe(202);
    await earlyDir.confirm("usr_early");
    expect(await stub.createUser(newUser("usr_late", late))).toEqual({ ok: false, reason: "not_found" });
    await runDeletionAlarm(org.slug);
    expect((await orgStatus(org.slug)).body).toMatchObject({ state: "deleted", emails: { total: 2, freed: 2 } });

    expect(await earlyDir.lookup()).toBeNull();
    // The dead reservation is dropped once stale: its org says the user does not exist.
    advance((RESERVATION_STALE_SECONDS + 1) * 1000);
    expect(await emailIsFree(early)).toBe(true);
    expect(await emailIsFree(late)).toBe(true);
  });
});
