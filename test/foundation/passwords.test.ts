import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PBKDF2_MAX_ITERATIONS } from "../../src/constants";
import { config, configProblems } from "../../src/config";
import { hashPassword, kdfStats, needsRehash, verifyPassword } from "../../src/crypto/password";
import { call, createOrg, PASSWORD, randomEmail, signIn } from "../support/api";

describe("password hashing", () => {
  it("uses a PBKDF2 count that production Workers accept (at most 100,000)", () => {
    const configured = config(env).passwordIterations;
    expect(configured).toBeLessThanOrEqual(100_000);
    expect(configured).toBe(PBKDF2_MAX_ITERATIONS);
    expect(configProblems({ ...env, PASSWORD_ITERATIONS: "100001" })).toEqual([expect.stringContaining("PASSWORD_ITERATIONS")]);
  });

  it("stores a self-describing salted hash, different for the same password twice", async () => {
    const a = await hashPassword(env.PASSWORD_PEPPER, PASSWORD, 1000);
    const b = await hashPassword(env.PASSWORD_PEPPER, PASSWORD, 1000);
    expect(a).toMatch(/^pbkdf2-sha256:1000:[\w-]{22}:[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword(env.PASSWORD_PEPPER, PASSWORD, a)).toBe(true);
    expect(await verifyPassword(env.PASSWORD_PEPPER, `${PASSWORD}!`, a)).toBe(false);
  });

  it("mixes in the pepper: the same hash fails under another pepper", async () => {
    const h = await hashPassword(env.PASSWORD_PEPPER, PASSWORD, 1000);
    expect(await verifyPassword("another pepper", PASSWORD, h)).toBe(false);
  });

  it("normalises Unicode (NFKC) so the same password typed differently matches", async () => {
    const h = await hashPassword(env.PASSWORD_PEPPER, "ｐａｓｓｗｏｒｄ-é", 1000);
    expect(await verifyPassword(env.PASSWORD_PEPPER, "password-e\u0301", h)).toBe(true);
  });

  it("asks for a rehash when the stored cost is lower than the configured one", () => {
    expect(needsRehash("pbkdf2-sha256:1000:a:b", 100_000)).toBe(true);
    expect(needsRehash("pbkdf2-sha256:100000:a:b", 100_000)).toBe(false);
  });

  it("upgrades an old hash at the next successful sign-in", async () => {
    const org = await createOrg();
    const weak = await hashPassword(env.PASSWORD_PEPPER, PASSWORD, 1000);
    const stub = env.ORG.getByName(org.slug);
    await runInDurableObject(stub, (_o, state) => {
      state.storage.sql.exec("UPDATE users SET password_hash = ? WHERE id = ?", weak, org.admin.id);
    });
    await signIn(org.admin.email);
    const stored = await stub.passwordHashOf(org.admin.id);
    expect(stored).toMatch(/^pbkdf2-sha256:100000:/);
    await signIn(org.admin.email);
  });

  it("runs the KDF exactly once for a known email, an unknown one, and a wrong org", async () => {
    const org = await createOrg();
    const other = await createOrg();
    for (const body of [
      { email: org.admin.email, password: "wrong password" },
      { email: randomEmail("nobody"), password: "wrong password" },
      { email: org.admin.email, password: PASSWORD, org: other.slug },
      { email: org.admin.email, password: PASSWORD },
    ]) {
      const before = kdfStats.calls;
      await call("/auth/login", { body });
      expect(kdfStats.calls - before).toBe(1);
    }
  });

  it("accepts 8 to 256 characters of any script", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const add = (password: string) => call("/api/org/users", { cookie, body: { email: randomEmail(), password, role: "technician" } });
    expect((await add("пароль-密码-🔐")).status).toBe(201);
    expect((await add("x".repeat(256))).status).toBe(201);
    expect((await add("x".repeat(257))).status).toBe(400);
    expect((await add("seven77")).status).toBe(400);
  });
});
