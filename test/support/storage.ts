// Reads an org object's whole storage as text, to prove that a refused request changed nothing.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";

export function snapshot(slug: string): Promise<string> {
  return runInDurableObject(env.ORG.getByName(slug), (_o, state) => {
    const sql = state.storage.sql;
    const tables = sql
      .exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name",
      )
      .toArray();
    return JSON.stringify(tables.map((t) => [t.name, sql.exec(`SELECT * FROM "${t.name}"`).toArray()]));
  });
}
