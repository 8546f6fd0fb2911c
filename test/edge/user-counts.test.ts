// Big orgs without full scans: the org's counts and each user's has_2fa and has_passkey are kept by triggers (org
// steps 12 and 13), and must always equal a full recount over the factors' own rows, whatever the order of the changes; the users and
// compliance lists, walked page by page, must equal the whole list filtered at once; a search reads a bounded
// number of users per request and still finds every match across its pages.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { USER_SEARCH_SCAN_ROWS } from "../../src/constants";
import { hasSecondFactor } from "../../src/org/factors";
import { deletePasskey, deleteUserPasskeys, insertPasskey, userPasskeys } from "../../src/org/passkeys";
import { activatePendingTotp, deleteTotp } from "../../src/org/totp-state";
import { countUsers, deleteUserAndCredentials, insertUser, pageUsers, setDeactivated, type UserPageQuery } from "../../src/org/users";
import { callJson, createOrg, signIn } from "../support/api";

type Op =
  | { kind: "addUser"; tie: boolean }
  | {
      kind: "enrollTotp" | "resetTotp" | "addPasskey" | "removePasskey" | "removeAllPasskeys" | "deleteUser" | "deactivate" | "reactivate";
      who: number;
    };

const who = fc.nat({ max: 40 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("addUser" as const), tie: fc.boolean() }),
  fc.record({
    kind: fc.constantFrom(
      "enrollTotp" as const,
      "resetTotp" as const,
      "addPasskey" as const,
      "removePasskey" as const,
      "removeAllPasskeys" as const,
      "deleteUser" as const,
      "deactivate" as const,
      "reactivate" as const,
    ),
    who,
  }),
);

/** A passkey row for the user, straight into the table (no ceremony: these tests are about the rows). */
function addPasskey(sql: SqlStorage, userId: string, credentialId: string, now: number): void {
  const cred = { credentialId, publicKey: "pk", signCount: 0, transports: [], deviceType: "singleDevice", backedUp: false, aaguid: "0" };
  insertPasskey(sql, userId, cred, "key", now);
}

/** A confirmed TOTP row for the user, straight into the table. */
function enrollTotp(sql: SqlStorage, userId: string, now: number): void {
  activatePendingTotp(sql, { user_id: userId, key_id: "k", ciphertext: "c", period: 30, last_step: -1, used_mask: 0 }, [0], now);
}

function apply(sql: SqlStorage, ops: Op[]): void {
  let now = 1_900_000_000_000;
  let n = 0;
  const ids = () =>
    sql
      .exec<{ id: string }>("SELECT id FROM users ORDER BY id")
      .toArray()
      .map((r) => r.id);
  for (const o of ops) {
    if (o.kind === "addUser") {
      if (!o.tie) now += 1_000;
      n++;
      insertUser(sql, { id: `usr_p${n}`, email: `p${n}@example.com`, name: `P ${n}`, role: "technician", passwordHash: "x" }, now);
      continue;
    }
    const all = ids();
    if (all.length === 0) continue;
    const id = all[o.who % all.length] as string;
    if (o.kind === "enrollTotp") {
      if (sql.exec("SELECT 1 FROM totp WHERE user_id = ?", id).toArray().length === 0) enrollTotp(sql, id, now);
    } else if (o.kind === "resetTotp") deleteTotp(sql, id);
    else if (o.kind === "addPasskey") {
      addPasskey(sql, id, crypto.randomUUID(), now);
    } else if (o.kind === "removePasskey") {
      const first = userPasskeys(sql, id)[0];
      if (first) deletePasskey(sql, id, first.id);
    } else if (o.kind === "removeAllPasskeys") deleteUserPasskeys(sql, id);
    else if (o.kind === "deactivate") setDeactivated(sql, id, now);
    else if (o.kind === "reactivate") setDeactivated(sql, id, null);
    else deleteUserAndCredentials(sql, id);
  }
}

/** Every page of a list, walked with its cursors. */
function walk(sql: SqlStorage, query: Omit<UserPageQuery, "cursor">): { ids: string[]; pages: number } {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = pageUsers(sql, { ...query, cursor });
    expect(page.users.length).toBeLessThanOrEqual(query.limit);
    ids.push(...page.users.map((u) => u.id));
    cursor = page.nextCursor ?? undefined;
    pages++;
  } while (cursor);
  return { ids, pages };
}

describe("counts and lists kept without full scans", () => {
  it("keeps has_2fa and the counts equal to a full recount, and pages equal to the whole list, after random changes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 7 }), async (ops, limit) => {
        const org = await createOrg();
        await runInDurableObject(env.ORG.getByName(org.slug), (o, state) => {
          const sql = state.storage.sql;
          state.storage.transactionSync(() => apply(sql, ops));
          const users = sql
            .exec<{ id: string; has_2fa: number; has_passkey: number; deactivated_at: number | null }>(
              "SELECT id, has_2fa, has_passkey, deactivated_at FROM users ORDER BY created_at, id",
            )
            .toArray()
            .map((u) => ({ ...u, factor: hasSecondFactor(sql, u.id), passkey: userPasskeys(sql, u.id).length > 0 }));
          for (const u of users) expect([u.id, u.has_2fa === 1, u.has_passkey === 1]).toEqual([u.id, u.factor, u.passkey]);
          const withoutPasskey = users.filter((u) => !u.passkey && u.deactivated_at === null).map((u) => u.id);
          expect(countUsers(sql)).toEqual({
            total: users.length,
            enrolled: users.filter((u) => u.factor).length,
            withoutPasskey: withoutPasskey.length,
          });
          const view = o.compliance({ limit }).phishingResistant;
          expect([view.withoutPasskeyCount, view.withoutPasskey.map((u) => u.id)]).toEqual([withoutPasskey.length, withoutPasskey]);
          expect(walk(sql, { limit }).ids).toEqual(users.map((u) => u.id));
          expect(walk(sql, { limit, notEnrolled: true }).ids).toEqual(users.filter((u) => !u.factor).map((u) => u.id));
          expect(walk(sql, { limit, q: "P 1" }).ids).toEqual(
            sql
              .exec<{ id: string }>("SELECT id FROM users WHERE instr(lower(name), 'p 1') > 0 ORDER BY created_at, id")
              .toArray()
              .map((u) => u.id),
          );
        });
      }),
      { numRuns: 25 },
    );
  });

  it("refuses to move a factor to another user, which the flags would not follow", async () => {
    const org = await createOrg();
    await runInDurableObject(env.ORG.getByName(org.slug), (_o, state) => {
      const sql = state.storage.sql;
      insertUser(sql, { id: "usr_other", email: "other@example.com", name: "Other", role: "technician", passwordHash: "x" }, 1);
      addPasskey(sql, org.admin.id, "cred-move", 1);
      enrollTotp(sql, org.admin.id, 1);
      expect(() => sql.exec("UPDATE passkeys SET user_id = 'usr_other'")).toThrow(/never changes owner/);
      expect(() => sql.exec("UPDATE totp SET user_id = 'usr_other'")).toThrow(/never changes owner/);
      const flags = (id: string) => sql.exec("SELECT has_passkey, has_2fa FROM users WHERE id = ?", id).one();
      expect([flags(org.admin.id), flags("usr_other")]).toEqual([
        { has_passkey: 1, has_2fa: 1 },
        { has_passkey: 0, has_2fa: 0 },
      ]);
    });
  });

  it("reads a bounded number of users per search request, and its pages still hold every match", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const stub = env.ORG.getByName(org.slug);
    const seeded = 2 * USER_SEARCH_SCAN_ROWS + 500;
    await stub.seedUsers(seeded, "b");
    // No match anywhere: each request reads at most USER_SEARCH_SCAN_ROWS users, so the walk takes three requests.
    const none = await runInDurableObject(stub, (_o, s) => walk(s.storage.sql, { limit: 100, q: "nobody-matches-this" }));
    expect(none).toEqual({ ids: [], pages: 3 });
    // Seeded names are "Seeded b <i>": "b 9" matches i = 9, 90-99, 900-999, 9xxx..., spread over the whole list.
    await runInDurableObject(stub, (_o, s) => {
      const sql = s.storage.sql;
      const expected = sql
        .exec<{ id: string }>("SELECT id FROM users WHERE instr(lower(name), 'b 9') > 0 ORDER BY created_at, id")
        .toArray()
        .map((u) => u.id);
      expect(expected.length).toBeGreaterThan(100);
      expect(walk(sql, { limit: 50, q: "B 9" }).ids).toEqual(expected);
    });
    // Through the API: a page of the search may be short (or empty) while nextCursor says the walk goes on.
    const first = await callJson<{ users: unknown[]; nextCursor: string | null }>("/api/org/users?q=nobody-matches-this", {
      cookie: admin,
    });
    expect([first.status, first.body.users, typeof first.body.nextCursor]).toEqual([200, [], "string"]);
    const summary = await callJson<{ total: number; enrolled: number }>("/api/org/compliance?limit=1", { cookie: admin });
    expect(summary.body).toMatchObject({ total: seeded + 1, enrolled: Math.ceil(seeded / 2) });
  });
});
