// The bounded search's cost per request in a 50,000-user org, for a few ways of writing it (bench-only).
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { it } from "vitest";
import { createOrg } from "../../test/support/api";

it("profiles the search scan", async () => {
  const org = await createOrg();
  const stub = env.ORG.getByName(org.slug);
  for (let done = 0; done < 50_000; done += 5_000) await stub.seedUsers(5_000, `s${done}_`);
  const out = await runInDurableObject(stub, (_o, s) => {
    const sql = s.storage.sql;
    const q = "nobody-matches-this";
    const match = (p: string) => `(instr(lower(${p}email), lower(?)) > 0 OR instr(lower(${p}name), lower(?)) > 0)`;
    const variants: [string, string][] = [
      [
        "wide scan (SELECT * of 2000 rows)",
        `SELECT * FROM (SELECT * FROM users ORDER BY created_at, id LIMIT 2000) WHERE ${match("")} ORDER BY created_at, id LIMIT 101`,
      ],
      [
        "narrow scan, join back",
        `SELECT u.* FROM (SELECT id, created_at, email, name FROM users ORDER BY created_at, id LIMIT 2000) s JOIN users u ON u.id = s.id WHERE ${match("s.")} ORDER BY s.created_at, s.id LIMIT 101`,
      ],
      [
        "end of the scan (keys only, window)",
        "SELECT created_at, id, COUNT(*) OVER () AS n FROM (SELECT created_at, id FROM users ORDER BY created_at, id LIMIT 2000) ORDER BY created_at DESC, id DESC LIMIT 1",
      ],
      ["end of the scan (OFFSET 1999)", "SELECT created_at, id FROM users ORDER BY created_at, id LIMIT 1 OFFSET 1999"],
    ];
    const lines: string[] = [];
    const run = () => {
      for (const [label, query] of variants) {
        const args = query.includes("?") ? [q, q] : [];
        const t0 = performance.now();
        for (let i = 0; i < 50; i++) sql.exec(query, ...args).toArray();
        lines.push(`${(((performance.now() - t0) * 1000) / 50).toFixed(0).padStart(7)} µs  ${label}`);
      }
    };
    run();
    sql.exec("DROP INDEX users_by_list");
    lines.push("without the covering index users_by_list (created_at, id, email, name), on the table:");
    run();
    return lines;
  });
  console.log(`\nSearch scan, 50,000 users\n${out.join("\n")}`);
});
