// Org deletion survives crashes: the slug object's alarm resumes freeing claims after a restart, an erase cut
// short is finished before the org's object serves again, a request that died before the erase is completed by
// the alarm, and no stray call can make an org erase itself. No address is ever left claimed for good.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ORG_DELETION_BATCH } from "../../src/constants";
import { addUser, call, callJson, createOrg, PASSWORD, signIn } from "../support/api";
import { useTestClock } from "../support/clock";
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
