import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ORG_MIGRATIONS } from "../../src/org/migrations";
import { appliedVersion, applyMigrations } from "../../src/storage/migrate";
import { callJson, PASSWORD, randomSlug } from "../support/api";

describe("schema migrations inside the org's object", () => {
  it("brings an object written by release 1 up to date, keeping its rows", async () => {
    const slug = randomSlug("old");
    const stub = env.ORG.getByName(slug);
    // Rebuild the object as release 1 left it: only step 1 applied, with an org and a user in it.
    const { hashPassword } = await import("../../src/crypto/password");
    const hash = await hashPassword(env.PASSWORD_PEPPER, PASSWORD, 100_000);
    await runInDurableObject(stub, (_o, state) => {
      const sql = state.storage.sql;
      for (const t of sql
        .exec<{ name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
        )
        .toArray()) {
        sql.exec(`DROP TABLE "${t.name}"`);
      }
      applyMigrations(state.storage, ORG_MIGRATIONS.slice(0, 1));
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
