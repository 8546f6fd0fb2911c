// Attack traffic that costs little: directory objects made by random emails and slugs hold nothing once their
// throttle has expired (the alarm empties them), while the throttle itself keeps counting exactly like a real
// account's, so neither the expiry nor a 429 tells whether an email exists.
import { createExecutionContext, runDurableObjectAlarm, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PASSWORD_FAILURE_WINDOW_SECONDS } from "../../src/constants";
import { emailClaim, slugClaim } from "../../src/directory/names";
import app from "../../src/index";
import { BASE, call, callJson, createOrg, randomEmail, randomSlug, signIn } from "../support/api";
import { advance, useTestClock } from "../support/clock";
import { TEST_SECRETS } from "../support/secrets";

useTestClock();

const DAY_MS = PASSWORD_FAILURE_WINDOW_SECONDS * 1000;

async function wrong(email: string) {
  return (await call("/auth/login", { body: { email, password: "wrong-password-123" } })).status;
}

/** The object's own tables (none once emptied). */
async function tables(stub: DurableObjectStub): Promise<string[]> {
  return runInDurableObject(stub, (_o, state) =>
    state.storage.sql
      .exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf%' ESCAPE '\\' AND name NOT LIKE 'sqlite%'",
      )
      .toArray()
      .map((r) => r.name),
  );
}

/** An operator call that looks the slug up in the directory first. */
function reset(slug: string) {
  return callJson(`/api/platform/orgs/${slug}/users/usr_nobody/2fa/reset`, { method: "POST", bearer: TEST_SECRETS.PLATFORM_TOKEN });
}

describe("directory objects of attack traffic", () => {
  it("an unknown email's throttle row expires a day after its last failure and the object is emptied", async () => {
    const email = randomEmail("random");
    expect(await wrong(email)).toBe(401);
    const dir = await emailClaim(env, email);
    expect(await tables(dir)).toContain("unknown_failures");
    // Before its day is out, the alarm keeps the row (the count still matters).
    advance(DAY_MS - 60_000);
    expect(await runDurableObjectAlarm(dir)).toBe(true);
    expect(await dir.shedAfter(0)).toBeGreaterThan(0);
    expect(await tables(dir)).toContain("unknown_failures");
    advance(60_000);
    expect(await runDurableObjectAlarm(dir)).toBe(true);
    expect(await tables(dir)).toEqual([]);
    // The emptied object works again at its next use.
    expect(await wrong(email)).toBe(401);
    expect(await tables(dir)).toContain("unknown_failures");
  });

  it("a random slug's look-up leaves an object that is emptied soon after", async () => {
    const slug = randomSlug("nobody");
    const r = await reset(slug);
    expect(r.status).toBe(404);
    const dir = slugClaim(env, slug);
    advance(61_000);
    expect(await runDurableObjectAlarm(dir)).toBe(true);
    expect(await tables(dir)).toEqual([]);
  });

  it("a random OpenID client id's look-up leaves an object that is emptied soon after", async () => {
    const clientId = `pc.${crypto.randomUUID().replaceAll("-", "")}`;
    const query = new URLSearchParams({ client_id: clientId, redirect_uri: "https://app.example.com/cb", response_type: "code" });
    const r = await call(`/oauth/authorize?${query}`);
    expect(r.status).toBe(400);
    const dir = env.DIRECTORY.getByName(`oidc-client:${clientId}`);
    advance(61_000);
    expect(await runDurableObjectAlarm(dir)).toBe(true);
    expect(await tables(dir)).toEqual([]);
  });

  it("never sheds a claimed name, nor a lock before it ends", async () => {
    const org = await createOrg();
    advance(10 * DAY_MS);
    await runDurableObjectAlarm(await emailClaim(env, org.admin.email));
    await runDurableObjectAlarm(slugClaim(env, org.slug));
    await (await emailClaim(env, org.admin.email)).shedAfter(365 * 86_400);
    await slugClaim(env, org.slug).shedAfter(365 * 86_400);
    await signIn(org.admin.email);
    // The slug still resolves: the reset reaches the org, which answers for its (unknown) user, not "no org".
    const slugGone = { error: { code: "not_found", message: "No org has this slug." } };
    expect((await reset(randomSlug("nobody"))).body).toEqual(slugGone);
    expect((await reset(org.slug)).body).not.toEqual(slugGone);

    const email = randomEmail("locked");
    for (let i = 0; i < 10; i++) await wrong(email);
    expect(await wrong(email)).toBe(429);
    const dir = await emailClaim(env, email);
    await dir.shedAfter(14 * 60);
    expect(await wrong(email)).toBe(429);
  });

  it("counts an unknown email exactly like a real account: in a row within a day, forgotten after", async () => {
    const org = await createOrg();
    const unknown = randomEmail("nobody");
    for (const email of [org.admin.email, unknown]) {
      for (let i = 0; i < 9; i++) expect(await wrong(email)).toBe(401);
    }
    advance(DAY_MS - 60_000);
    // Still in a row: the 10th locks both.
    expect([await wrong(org.admin.email), await wrong(unknown)]).toEqual([401, 401]);
    expect([await wrong(org.admin.email), await wrong(unknown)]).toEqual([429, 429]);

    const org2 = await createOrg();
    const unknown2 = randomEmail("nobody");
    for (const email of [org2.admin.email, unknown2]) {
      for (let i = 0; i < 9; i++) expect(await wrong(email)).toBe(401);
    }
    advance(DAY_MS);
    await runDurableObjectAlarm(await emailClaim(env, unknown2));
    // A day later both have forgotten: the 10th and 11th are first and second failures, not a lock.
    expect([await wrong(org2.admin.email), await wrong(unknown2)]).toEqual([401, 401]);
    expect([await wrong(org2.admin.email), await wrong(unknown2)]).toEqual([401, 401]);
    await signIn(org2.admin.email);
  });

  it("counts no round trip and opens no seam without TEST_SEAMS", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const seamed = await call("/api/me", { headers: { cookie } });
    expect(seamed.headers.get("x-gatehouse-trips")).toBe("1 1");
    // Counting needs both switches: TEST_SEAMS alone (the bench's hot-path runtime) answers as deployed.
    for (const off of [{ TEST_SEAMS: undefined }, { TRIP_COUNTING: undefined }]) {
      const ctx = createExecutionContext();
      const plain = await app.fetch(new Request(`${BASE}/api/me`, { headers: { cookie } }), { ...env, ...off }, ctx);
      await waitOnExecutionContext(ctx);
      expect(plain.status).toBe(200);
      expect(plain.headers.get("x-gatehouse-trips")).toBeNull();
    }
    const dir = await emailClaim(env, randomEmail("seam"));
    await runInDurableObject(dir, async (o) => {
      const held = o as unknown as { env: Record<string, unknown> };
      const real = held.env;
      try {
        held.env = { ...real, TEST_SEAMS: undefined };
        await expect(o.shedAfter(0)).rejects.toThrow(/test seam/);
      } finally {
        held.env = real;
      }
    });
  });
});
