import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { emailClaim } from "../../src/directory/names";
import { callJson, createOrg, PASSWORD, randomEmail, signIn } from "../support/api";
import { advance, useTestClock } from "../support/clock";

useTestClock();

async function tryCreate(cookie: string, email: string) {
  return callJson("/api/org/users", { cookie, body: { email, password: PASSWORD, role: "technician" } });
}

describe("the email directory and its crash ordering", () => {
  it("frees an email whose creation crashed after the reservation (no orphan forever)", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const email = randomEmail("crash");
    // Step 1 happened, then the Worker died before step 2 (the org never got the user).
    const dir = await emailClaim(env, email);
    expect(await dir.reserve({ orgSlug: org.slug, jurisdiction: null, userId: "usr_crashed" })).toBe(true);
    expect((await tryCreate(cookie, email)).status).toBe(409); // still fresh: it may be in flight
    advance(61_000);
    const r = await tryCreate(cookie, email);
    expect(r.status).toBe(201);
    await signIn(email);
  });

  it("keeps a user whose creation crashed after the org wrote it but before the directory confirmed", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const email = randomEmail("half");
    const created = await tryCreate(cookie, email);
    const id = (created.body as { id: string }).id;
    // Put the claim back to "pending", as if step 3 never ran.
    const dir = await emailClaim(env, email);
    await runInDurableObject(dir, (_o, state) => {
      state.storage.sql.exec("UPDATE claim SET state = 'pending'");
    });
    advance(120_000);
    // Nobody else can take the email: the directory asks the org, which has the user, and confirms.
    const other = await createOrg();
    expect((await tryCreate(await signIn(other.admin.email), email)).status).toBe(409);
    expect(await dir.lookup()).toEqual({ orgSlug: org.slug, jurisdiction: null, userId: id });
    await signIn(email);
  });

  it("names each email's object by a keyed hash and stores no email in it", async () => {
    const org = await createOrg();
    const dir = await emailClaim(env, org.admin.email);
    const dump = await runInDurableObject(dir, (_o, state) => JSON.stringify(state.storage.sql.exec("SELECT * FROM claim").toArray()));
    expect(dump).toContain(org.slug);
    expect(dump.toLowerCase()).not.toContain(org.admin.email.toLowerCase());
  });

  it("gives two simultaneous creations of one email exactly one success", async () => {
    const a = await createOrg();
    const b = await createOrg();
    const email = randomEmail("race");
    const [ca, cb] = await Promise.all([signIn(a.admin.email), signIn(b.admin.email)]);
    const results = await Promise.all([tryCreate(ca, email), tryCreate(cb, email), tryCreate(ca, email.toUpperCase())]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
  });
});
