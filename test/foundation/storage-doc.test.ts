/// <reference types="vite/client" />
// docs/storage.md is the map of every stored column and what is secret in it; this reads the real tables inside
// an org's object and a directory object, so a schema step that adds a column without documenting it fails here.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import storageDoc from "../../docs/storage.md?raw";
import { createOrg } from "../support/api";

type Tables = Map<string, string[]>;

/**
 * The "| table | columns | ... |" rows of the doc's section whose heading starts with `heading`: the first cell
 * names the table, the second lists its columns, each optionally followed by a note in parentheses.
 */
function documentedTables(heading: string): Tables {
  const section = storageDoc.split(/^## /m).find((s) => s.startsWith(heading));
  if (!section) throw new Error(`docs/storage.md has no section "## ${heading}"`);
  const tables: Tables = new Map();
  let inTable = false;
  for (const line of section.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    if (cells[1] === "table" && cells[2] === "columns") inTable = true;
    else if (!line.startsWith("|")) inTable = false;
    const name = /^`(\w+)`$/.exec(cells[1] ?? "")?.[1];
    if (!inTable || !name) continue;
    const columns = (cells[2] ?? "")
      .replace(/\([^)]*\)/g, "")
      .split(",")
      .map((c) => c.trim());
    tables.set(name, columns);
  }
  return tables;
}

/** Every table of an object's SQLite storage with its columns, leaving out the migration record and internals. */
function realTables(sql: SqlStorage): Tables {
  const names = sql
    .exec<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> '_migrations'",
    )
    .toArray()
    .map((t) => t.name);
  const columnsOf = (table: string) =>
    sql
      .exec<{ name: string }>(`PRAGMA table_info("${table}")`)
      .toArray()
      .map((c) => c.name);
  return new Map(names.map((n) => [n, columnsOf(n)]));
}

/** One line per table whose documented columns differ from the real ones, naming the difference. */
function drift(documented: Tables, real: Tables): string[] {
  const problems: string[] = [];
  for (const [table, columns] of real) {
    const doc = documented.get(table);
    if (!doc) {
      problems.push(`${table}: not documented`);
      continue;
    }
    const undocumented = columns.filter((c) => !doc.includes(c));
    const stale = doc.filter((c) => !columns.includes(c));
    if (undocumented.length) problems.push(`${table}: undocumented columns ${undocumented.join(", ")}`);
    if (stale.length) problems.push(`${table}: documented columns that do not exist ${stale.join(", ")}`);
  }
  for (const table of documented.keys()) if (!real.has(table)) problems.push(`${table}: documented but no such table`);
  return problems;
}

describe("docs/storage.md matches the schema", () => {
  it("reads the documented tables of both kinds of object", () => {
    expect([...documentedTables("Org objects").keys()]).toContain("users");
    expect(documentedTables("Org objects").get("users")).toContain("email");
    expect([...documentedTables("Directory objects").keys()]).toContain("claim");
  });

  it("documents every table and column of an org's object", async () => {
    const org = await createOrg();
    const real = await runInDurableObject(env.ORG.getByName(org.slug), (_o, state) => realTables(state.storage.sql));
    expect(real.size).toBeGreaterThan(5);
    const problems = drift(documentedTables("Org objects"), real);
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it("documents every table and column of a directory object", async () => {
    const org = await createOrg();
    const real = await runInDurableObject(env.DIRECTORY.getByName(`slug:${org.slug}`), (_o, state) => realTables(state.storage.sql));
    expect(real.has("claim")).toBe(true);
    const problems = drift(documentedTables("Directory objects"), real);
    expect(problems, problems.join("\n")).toEqual([]);
  });
});
