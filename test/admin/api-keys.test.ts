import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addUser, call, callJson, createOrg, PASSWORD, signIn } from "../support/api";
import { useTestClock } from "../support/clock";
import { enrolledTechnician } from "../support/flows";
import { enroll } from "../support/totp";

useTestClock();

async function newKey(cookie: string, role: "admin" | "technician", name = "ci script") {
  const r = await callJson<{ id: string; name: string; role: string; key: string }>("/api/org/api-keys", { cookie, body: { name, role } });
  expect(r.status).toBe(201);
  return r.body;
}

describe("API keys", () => {
  it("are shown once, stored as a hash, and listed without the key", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const key = await newKey(cookie, "admin");
    expect(key).toMatchObject({ name: "ci script", role: "admin" });
    // At least 128 random bits after the routing prefix.
    const secret = key.key.split(".").at(-1) as string;
    expect(secret.length * 6).toBeGreaterThanOrEqual(128);
    const list = await callJson<{ apiKeys: Record<string, unknown>[] }>("/api/org/api-keys", { cookie });
    expect(list.body.apiKeys).toEqual([
      {
        id: key.id,
        name: "ci script",
        role: "admin",
        createdAt: expect.any(String),
        lastUsedAt: null,
        expiresAt: new Date(Date.now() + 90 * 86_400_000).toISOString(),
        createdBy: org.admin.id,
      },
    ]);
    expect(JSON.stringify(list.body)).not.toContain(secret);
    const stored = await runInDurableObject(env.ORG.getByName(org.slug), (_o, state) =>
      JSON.stringify(state.storage.sql.exec("SELECT * FROM api_keys").toArray()),
    );
    expect(stored).not.toContain(secret);
  });

  it("authenticate /api/org and /api/me with Bearer, never asking for a second factor, and record lastUsedAt", async () => {
    const org = await createOrg();
    // The admin has 2FA; the key still needs none.
    const { cookie } = await enroll(await signIn(org.admin.email));
    const key = await newKey(cookie, "admin");
    const users = await callJson<{ users: unknown[] }>("/api/org/users", { bearer: key.key });
    expect(users.status).toBe(200);
    expect(users.body.users).toHaveLength(1);
    const me = await callJson<{ user: { email: string; role: string }; apiKey: { id: string } }>("/api/me", { bearer: key.key });
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe(org.admin.email);
    expect(me.body.apiKey.id).toBe(key.id);
    const list = await callJson<{ apiKeys: { lastUsedAt: string | null }[] }>("/api/org/api-keys", { cookie });
    expect(list.body.apiKeys[0]?.lastUsedAt).not.toBeNull();
    // The scheme's name is case-insensitive (RFC 9110 11.1): scripts that write "bearer" are not refused.
    for (const scheme of ["bearer", "BEARER"]) {
      expect((await call("/api/me", { headers: { authorization: `${scheme} ${key.key}` } })).status, scheme).toBe(200);
    }
  });

  it("are refused, saying why, where a person acts on their own account (sessions, two-factor, password)", async () => {
    const org = await createOrg();
    const key = await newKey(await signIn(org.admin.email), "admin");
    const calls: [string, string, unknown][] = [
      ["GET", "/api/me/sessions", undefined],
      ["POST", "/api/me/2fa/setup", undefined],
      ["GET", "/api/me/2fa/recovery-codes", undefined],
      ["POST", "/api/me/password", { currentPassword: PASSWORD, newPassword: "another long password" }],
      // Refused for being a key before the body is read: a key is never asked for a code it could not give.
      ["POST", "/api/me/2fa/disable", {}],
      ["POST", "/api/me/2fa/recovery-codes", {}],
      ["POST", "/api/me/2fa/confirm", {}],
      ["POST", "/api/me/password", {}],
      ["POST", "/api/me/email", {}],
      ["DELETE", "/api/me/sessions/not-an-id!", undefined],
      ["POST", "/api/me/passkeys/options", { code: "x" }],
      ["POST", "/api/me/passkeys", {}],
      ["PATCH", "/api/me/passkeys/pk_x", {}],
      ["DELETE", "/api/me/passkeys/pk_x", { code: "x" }],
    ];
    for (const [method, path, body] of calls) {
      const r = await callJson<{ error: { code: string; message: string } }>(path, { method, body, bearer: key.key });
      expect([r.status, r.body.error.code], path).toEqual([403, "forbidden"]);
      expect(r.body.error.message).toBe("This is done from the account's own signed-in session (a browser), not with an API key.");
    }
  });

  it("of role technician get 403 on admin endpoints", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const key = await newKey(cookie, "technician");
    expect((await call("/api/me", { bearer: key.key })).status).toBe(200);
    const r = await callJson<{ error: { code: string } }>("/api/org/users", { bearer: key.key });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("forbidden");
  });

  it("stop working at once when deleted", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const key = await newKey(cookie, "admin");
    expect((await call("/api/org/users", { bearer: key.key })).status).toBe(200);
    expect((await call(`/api/org/api-keys/${key.id}`, { method: "DELETE", cookie })).status).toBe(204);
    const after = await callJson<{ error: { code: string } }>("/api/org/users", { bearer: key.key });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe("unauthenticated");
    expect((await call(`/api/org/api-keys/${key.id}`, { method: "DELETE", cookie })).status).toBe(404);
  });

  it("cannot change 2FA settings (that needs a browser session)", async () => {
    const org = await createOrg();
    const key = await newKey(await signIn(org.admin.email), "admin");
    expect((await call("/api/me/2fa/setup", { method: "POST", bearer: key.key })).status).toBe(403);
  });

  it("are refused with 401 when malformed or unknown", async () => {
    const org = await createOrg();
    const key = await newKey(await signIn(org.admin.email), "admin");
    for (const bad of [`${key.key}x`, "gk.nope.-.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "garbage"]) {
      expect((await call("/api/org/users", { bearer: bad })).status).toBe(401);
    }
    expect((await call("/api/org/users", { headers: { authorization: "Basic abc" } })).status).toBe(401);
  });
});

describe("roles and isolation", () => {
  it("give technicians 403 on every admin route", async () => {
    const u = await enrolledTechnician();
    const routes: [string, string, unknown?][] = [
      ["GET", "/api/org/settings"],
      ["PATCH", "/api/org/settings", { require2fa: true }],
      ["GET", "/api/org/users"],
      ["POST", "/api/org/users", { email: "x@example.com", password: "long enough pw", role: "admin" }],
      ["POST", `/api/org/users/${u.org.admin.id}/2fa/reset`],
      ["GET", "/api/org/api-keys"],
      ["POST", "/api/org/api-keys", { name: "k", role: "admin" }],
      ["DELETE", "/api/org/api-keys/key_x"],
      ["GET", "/api/org/audit"],
      ["GET", "/api/org/compliance"],
    ];
    for (const [method, path, body] of routes) {
      const r = await call(path, { method, cookie: u.cookie, body });
      expect([path, r.status]).toEqual([path, 403]);
    }
  });

  it("never let one org's admin, key or ids reach another org (404 for foreign ids)", async () => {
    const a = await enrolledTechnician();
    const b = await createOrg();
    const bCookie = await signIn(b.admin.email);
    const bKey = await newKey(bCookie, "admin");
    const reset = await call(`/api/org/users/${a.id}/2fa/reset`, { method: "POST", cookie: bCookie });
    expect(reset.status).toBe(404);
    expect((await call(`/api/org/users/${a.id}/2fa/reset`, { method: "POST", bearer: bKey.key })).status).toBe(404);
    const users = await callJson<{ users: { email: string }[] }>("/api/org/users", { bearer: bKey.key });
    expect(users.body.users.map((x) => x.email)).toEqual([b.admin.email]);
    const aKeys = await callJson<{ apiKeys: { id: string }[] }>("/api/org/api-keys", { cookie: a.adminCookie });
    expect(aKeys.body.apiKeys).toEqual([]);
    expect((await call(`/api/org/api-keys/${bKey.id}`, { method: "DELETE", cookie: a.adminCookie })).status).toBe(404);
    // Pointing b's key at a's org by editing its routing part finds no key there.
    const forged = bKey.key.replace(`.${b.slug}.`, `.${a.org.slug}.`);
    expect((await call("/api/org/users", { bearer: forged })).status).toBe(401);
  });

  it("keep at least one admin in every org, and revoke sessions on a role change", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const demote = await callJson<{ error: { code: string } }>(`/api/org/users/${org.admin.id}`, {
      method: "PATCH",
      cookie,
      body: { role: "technician" },
    });
    expect(demote.status).toBe(409);
    const second = await addUser(cookie, "admin");
    const secondCookie = await signIn(second.email);
    const ok = await callJson(`/api/org/users/${second.id}`, { method: "PATCH", cookie, body: { role: "technician" } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id: second.id, role: "technician" });
    expect((await call("/api/me", { cookie: secondCookie })).status).toBe(401);
  });

  it("refuse the same email twice across orgs, whatever the case", async () => {
    const a = await createOrg();
    const b = await createOrg();
    const aCookie = await signIn(a.admin.email);
    const tech = await addUser(aCookie);
    const r = await callJson<{ error: { code: string } }>("/api/org/users", {
      cookie: await signIn(b.admin.email),
      body: { email: tech.email.toUpperCase(), password: "long enough pw", role: "technician" },
    });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe("conflict");
  });
});
