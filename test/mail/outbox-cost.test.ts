// After every action that may mail, the org's object asks when its alarm must next run (nextMailAt). Sent mail
// stays in the outbox (scrubbed) until housekeeping trims it, so that question must not read the sent rows: in
// a busy org it used to scan the whole outbox on every sign-in.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { nextMailAt } from "../../src/org/outbox";
import { createOrg } from "../support/api";
import { watchSql } from "../support/grown-org";

describe("the outbox's next due time", () => {
  it("is the earliest unsent message's, and reads no sent row however many there are", async () => {
    const org = await createOrg();
    await runInDurableObject(env.ORG.getByName(org.slug), (_o, state) => {
      const { sql } = state.storage;
      const insert = (next: number | null) =>
        sql.exec(
          `INSERT INTO outbox (kind, user_id, recipient, subject, created_at, next_attempt_at)
           VALUES ('test', 'usr_x', 'x@example.com', 's', 1, ?)`,
          next,
        );
      sql.exec("DELETE FROM outbox");
      for (let i = 0; i < 2_000; i++) insert(null);
      const empty = watchSql(sql);
      expect(nextMailAt(empty.sql)).toBeNull();
      insert(5_000);
      insert(3_000);
      const due = watchSql(sql);
      expect(nextMailAt(due.sql)).toBe(3_000);
      // One index probe each, not the 2,000 sent rows (a bare MIN() over the table read them all).
      const reads = (w: ReturnType<typeof watchSql>) => w.seen.map((s) => s.cursor.rowsRead);
      expect(reads(empty)).toHaveLength(1);
      expect(reads(due)).toHaveLength(1);
      expect(reads(empty)[0]).toBeLessThanOrEqual(2);
      expect(reads(due)[0]).toBeLessThanOrEqual(2);
      // No mail for a user who does not exist is left for the org's alarm to try.
      sql.exec("DELETE FROM outbox");
    });
  });
});
