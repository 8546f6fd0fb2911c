import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ORG_MIGRATIONS } from "../../src/org/migrations";
import { stepUsed } from "../../src/org/totp-state";
import { appliedVersion, applyMigrations } from "../../src/storage/migrate";
import { callJson, PASSWORD, randomSlug } from "../support/api";

/** Empties an org's object of every table and lays only the first `steps` migrations, as that release left it. */
function rebuildAt(storage: DurableObjectStorage, steps: number): void {
  const sql = storage.sql;
  const tables = sql
    .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'")
    .toArray();
  for (const t of tables) sql.exec(`DROP TABLE "${t.name}"`);
  applyMigrations(storage, ORG_MIGRATIONS.slice(0, steps));
}

describe("schema migrations inside the org's object", () => {
  it("brings an object written by release 1 up to date, keeping its rows", async () => {
    const slug = randomSlug("old");
    const stub = env.ORG.getByName(slug);
    // Rebuild the object as release 1 left it: only step 1 applied, with an org and a user in it.
    const { hashPassword } = await import("../../src/crypto/password");
    const hash = await hashPassword(env.PASSWORD_PEPPER, PASSWORD, 100_000);
    await runInDurableObject(stub, (_o, state) => {
      const sql = state.storage.sql;
      rebuildAt(state.storage, 1);
      expect(appliedVersion(sql)).toBe(1);
      sql.exec("INSERT INTO org (k, slug, name, jurisdiction, created_at) VALUES (1, ?, 'Old Org', NULL, 1)", slug);
      sql.exec(
        "INSERT INTO users (id, email, name, role, password_hash, created_at) VALUES ('usr_old', 'old@example.com', 'Old', 'admin', ?, 1)",
        hash,
      );
    });
    await runInDurableObject(stub, (_o, state) => {
      expect(applyMigrations(state.storage, ORG_MIGRATIONS)).toBe(ORG_MIGRATIONS.length);
      const user = state.storage.sql.exec<{ failed_codes: number; locked_until: number }>("SELECT * FROM users").one();
      expect(user).toMatchObject({ failed_codes: 0, locked_until: 0 });
      const org = state.storage.sql.exec<{ require_2fa: number; totp_period: number }>("SELECT * FROM org").one();
      expect(org).toMatchObject({ require_2fa: 0, totp_period: 30 });
    });
    // The upgraded object serves the old user through the normal API paths.
    const settings = await stub.getOrg();
    expect(settings).toMatchObject({ slug, name: "Old Org", require2fa: false, totpPeriod: 30 });
  });

  it("counts the users without a passkey that an object held before step 13", async () => {
    const stub = env.ORG.getByName(randomSlug("pk"));
    await runInDurableObject(stub, (_o, state) => {
      const sql = state.storage.sql;
      rebuildAt(state.storage, 12);
      // Three users: one with a passkey, one without, one deactivated without.
      for (const [id, deactivated] of [
        ["usr_key", null],
        ["usr_none", null],
        ["usr_gone", 5],
      ] as const) {
        sql.exec(
          "INSERT INTO users (id, email, name, role, password_hash, created_at, deactivated_at) VALUES (?, ?, 'U', 'technician', 'x', 1, ?)",
          id,
          `${id}@example.com`,
          deactivated,
        );
      }
      sql.exec(
        `INSERT INTO passkeys (id, user_id, credential_id, public_key, sign_count, transports, device_type, backed_up, aaguid, name, created_at)
         VALUES ('pk_1', 'usr_key', 'cred-1', 'x', 0, '[]', 'singleDevice', 0, 'x', 'x', 1)`,
      );
      expect(applyMigrations(state.storage, ORG_MIGRATIONS)).toBe(ORG_MIGRATIONS.length);
      const flags = sql.exec<{ id: string; has_passkey: number }>("SELECT id, has_passkey FROM users ORDER BY id").toArray();
      expect(flags).toEqual([
        { id: "usr_gone", has_passkey: 0 },
        { id: "usr_key", has_passkey: 1 },
        { id: "usr_none", has_passkey: 0 },
      ]);
      expect(sql.exec("SELECT users, enrolled, without_passkey FROM user_counts").one()).toEqual({
        users: 3,
        enrolled: 1,
        without_passkey: 1,
      });
    });
  });

  it("keeps every step up to a TOTP row's last accepted one spent, as it was before step 15", async () => {
    const stub = env.ORG.getByName(randomSlug("mask"));
    await runInDurableObject(stub, (_o, state) => {
      const sql = state.storage.sql;
      rebuildAt(state.storage, 14);
      // Before step 15, last_step was a high-water mark: every step up to it counted as used.
      sql.exec(
        "INSERT INTO users (id, email, name, role, password_hash, created_at) VALUES ('usr_t', 't@example.com', 'T', 'technician', 'x', 1)",
      );
      sql.exec("INSERT INTO totp (user_id, key_id, ciphertext, period, confirmed_at, last_step) VALUES ('usr_t', 'k', 'c', 30, 1, 1000)");
      expect(applyMigrations(state.storage, ORG_MIGRATIONS)).toBe(ORG_MIGRATIONS.length);
      const row = sql.exec<{ last_step: number; used_mask: number }>("SELECT last_step, used_mask FROM totp").one();
      for (const step of [998, 999, 1000]) expect(stepUsed(row, step)).toBe(true);
      expect(stepUsed(row, 1001)).toBe(false);
    });
  });

  it("applies nothing twice: a current object stays at the latest version", async () => {
    const stub = env.ORG.getByName(randomSlug("cur"));
    await runInDurableObject(stub, (_o, state) => {
      expect(appliedVersion(state.storage.sql)).toBe(ORG_MIGRATIONS.length);
      expect(applyMigrations(state.storage, ORG_MIGRATIONS)).toBe(ORG_MIGRATIONS.length);
      const rows = state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM _migrations").one().n;
      expect(rows).toBe(ORG_MIGRATIONS.length);
    });
  });

  it("is exercised by the API on a fresh object", async () => {
    const r = await callJson("/api/me");
    expect(r.status).toBe(401);
  });
});
