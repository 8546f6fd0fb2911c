// A stolen session must not mint a lasting credential: keys need step-up, never make keys, expire, and die with
// their maker's admin role (docs/api.md, closing side doors).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addUser, call, callJson, createOrg, signIn } from "../support/api";
import { advance, useTestClock } from "../support/clock";
import { auditTypes } from "../support/audit";

useTestClock();

interface Key {
  id: string;
  key: string;
  expiresAt: string;
  createdBy: string;
}

async function newKey(cookie: string, body: Record<string, unknown> = {}) {
  return callJson<Key & { error: { code: string; message: string } }>("/api/org/api-keys", {
    cookie,
    body: { name: "ci", role: "admin", ...body },
  });
}

describe("API keys", () => {
  it("cannot create keys, even an admin key", async () => {
    const org = await createOrg();
    const key = (await newKey(await signIn(org.admin.email))).body.key;
    const r = await callJson<{ error: { code: string } }>("/api/org/api-keys", { bearer: key, body: { name: "more", role: "admin" } });
    expect([r.status, r.body.error.code]).toEqual([403, "forbidden"]);
  });

  it("expire after 90 days unless asked otherwise, and say when and who made them", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const made = await newKey(cookie);
    expect(made.status).toBe(201);
    expect(made.body.expiresAt).toBe(new Date(Date.now() + 90 * 86_400_000).toISOString());
    expect(made.body.createdBy).toBe(org.admin.id);
    const week = await newKey(cookie, { expiresInDays: 7 });
    expect(week.body.expiresAt).toBe(new Date(Date.now() + 7 * 86_400_000).toISOString());
    const list = await callJson<{ apiKeys: { id: string; expiresAt: string; createdBy: string; lastUsedAt: null }[] }>(
      "/api/org/api-keys",
      {
        cookie,
      },
    );
    expect(list.body.apiKeys.map((k) => k.createdBy)).toEqual([org.admin.id, org.admin.id]);
    expect(list.body.apiKeys.find((k) => k.id === week.body.id)?.expiresAt).toBe(week.body.expiresAt);
  });

  it("refuse an expiry outside 1 to 365 days, creating nothing", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    for (const expiresInDays of [0, 366, 1.5, "30"]) {
      const r = await newKey(cookie, { expiresInDays });
      expect([r.status, r.body.error.code]).toEqual([400, "invalid_request"]);
      expect(r.body.error.message).toContain("expiresInDays");
    }
    expect((await newKey(cookie, { expiresInDays: 365 })).status).toBe(201);
    expect((await callJson<{ apiKeys: unknown[] }>("/api/org/api-keys", { cookie })).body.apiKeys).toHaveLength(1);
  });

  it("stop working when they expire: 401 unauthenticated", async () => {
    const org = await createOrg();
    const { key } = (await newKey(await signIn(org.admin.email), { expiresInDays: 1 })).body;
    expect((await call("/api/org/users", { bearer: key })).status).toBe(200);
    advance(86_400_000 - 1000);
    expect((await call("/api/org/users", { bearer: key })).status).toBe(200);
    advance(2000);
    const r = await callJson<{ error: { code: string } }>("/api/org/users", { bearer: key });
    expect([r.status, r.body.error.code]).toEqual([401, "unauthenticated"]);
  });

  it("die when their maker stops being an admin, and the log says so", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const other = await addUser(cookie, "admin");
    const otherCookie = await signIn(other.email);
    const adminKey = (await newKey(otherCookie, { role: "admin" })).body.key;
    const techKey = (await newKey(otherCookie, { role: "technician" })).body.key;
    const demote = await call(`/api/org/users/${other.id}`, { method: "PATCH", cookie, body: { role: "technician" } });
    expect(demote.status).toBe(200);
    expect((await call("/api/me", { bearer: adminKey })).status).toBe(401);
    // A key at or below the new role lives on (it was never more than its maker now is).
    expect((await call("/api/me", { bearer: techKey })).status).toBe(200);
    expect((await auditTypes(org.slug)).filter((t) => t === "api_key.revoked")).toHaveLength(1);
  });

  it("are made only for a maker who is still an active admin when the key is stored", async () => {
    // A create request that passed the edge's checks while its maker was being deactivated or demoted reaches the
    // object after the change: it must not leave a key that works again once the maker is restored.
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const other = await addUser(cookie, "admin");
    const stub = env.ORG.getByName(org.slug);
    const create = (n: number) =>
      stub.createApiKey({
        id: `ak_late${n}`,
        keyHash: `late-hash-${n}-${crypto.randomUUID()}`,
        name: "late",
        role: "admin",
        createdBy: other.id,
        expiresInDays: 90,
        actor: { type: "user", id: other.id },
        meta: {},
      });
    const patch = (body: Record<string, unknown>) => call(`/api/org/users/${other.id}`, { method: "PATCH", cookie, body });
    expect((await patch({ active: false })).status).toBe(200);
    expect(await create(1)).toEqual({ ok: false, reason: "forbidden" });
    expect((await patch({ active: true })).status).toBe(200);
    expect((await patch({ role: "technician" })).status).toBe(200);
    expect(await create(2)).toEqual({ ok: false, reason: "forbidden" });
    expect((await patch({ role: "admin" })).status).toBe(200);
    const keys = await callJson<{ apiKeys: { name: string }[] }>("/api/org/api-keys", { cookie });
    expect(keys.body.apiKeys.filter((k) => k.name === "late")).toEqual([]);
    expect((await create(3)).ok).toBe(true);
  });
});
