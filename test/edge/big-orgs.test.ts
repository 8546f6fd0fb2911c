// Big orgs: the users and compliance lists come in pages (keyset cursor) and can be searched by email or name,
// while the counts cover the whole org.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addUser, call, callJson, createOrg, signIn } from "../support/api";
import { advance, useTestClock } from "../support/clock";
import { enroll } from "../support/totp";

useTestClock();

interface Entry {
  id: string;
  email: string;
  name: string;
}
type Page = { users: Entry[]; nextCursor: string | null };
type Compliance = { total: number; enrolled: number; notEnrolled: Entry[]; nextCursor: string | null };

async function orgWithUsers(n: number) {
  const org = await createOrg();
  const admin = await signIn(org.admin.email);
  const users = [];
  for (let i = 0; i < n; i++) {
    advance(1_000);
    users.push(await addUser(admin));
  }
  return { org, admin, users };
}

describe("paged, searchable users and compliance lists", () => {
  it("walks every user once, oldest first, page by page", async () => {
    const { admin, users } = await orgWithUsers(5);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r: { status: number; body: Page } = await callJson<Page>(`/api/org/users?limit=2${cursor ? `&cursor=${cursor}` : ""}`, {
        cookie: admin,
      });
      expect(r.status).toBe(200);
      expect(r.body.users.length).toBeLessThanOrEqual(2);
      seen.push(...r.body.users.map((u) => u.id));
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    // The admin first (created with the org), then the users in the order they were added.
    expect(seen.slice(1)).toEqual(users.map((u) => u.id));
    expect(new Set(seen).size).toBe(6);
    const all = await callJson<Page>("/api/org/users", { cookie: admin });
    expect(all.body.users).toHaveLength(6);
    expect(all.body.nextCursor).toBeNull();
  });

  it("finds users by part of their email or name, in any case, with % and _ taken literally", async () => {
    const { admin, users } = await orgWithUsers(3);
    const target = users[1] as { email: string; id: string };
    const part = target.email.slice(5, 13).toUpperCase();
    const r = await callJson<Page>(`/api/org/users?q=${encodeURIComponent(part)}`, { cookie: admin });
    expect(r.body.users.map((u) => u.id)).toEqual([target.id]);
    expect((await callJson<Page>("/api/org/users?q=%25", { cookie: admin })).body.users).toEqual([]);
    expect((await callJson<Page>("/api/org/users?q=_", { cookie: admin })).body.users).toEqual([]);
    expect((await callJson<Page>("/api/org/users?q=tess%20tech", { cookie: admin })).body.users).toHaveLength(3);
    // Longer than the 50-byte LIKE pattern cap of SQLite in Durable Objects: still a plain search, not an error.
    const long = await callJson<Page>(`/api/org/users?q=${"é".repeat(60)}`, { cookie: admin });
    expect([long.status, long.body.users]).toEqual([200, []]);
  });

  it("pages the compliance list and still counts the whole org", async () => {
    const { org, admin, users } = await orgWithUsers(4);
    await enroll(await signIn((users[0] as { email: string }).email));
    const first = await callJson<Compliance>("/api/org/compliance?limit=2", { cookie: admin });
    expect(first.body).toMatchObject({ total: 5, enrolled: 1 });
    expect(first.body.notEnrolled.map((u) => u.email)).toEqual([org.admin.email, (users[1] as { email: string }).email]);
    const second = await callJson<Compliance>(`/api/org/compliance?limit=2&cursor=${first.body.nextCursor}`, { cookie: admin });
    expect(second.body.notEnrolled.map((u) => u.id)).toEqual([users[2], users[3]].map((u) => (u as { id: string }).id));
    expect(second.body.nextCursor).toBeNull();
  });

  it("refuses a cursor it did not make, and limits out of range", async () => {
    const { admin } = await orgWithUsers(1);
    for (const query of ["cursor=abc", "cursor=1.x%27%20OR%201", "limit=0", "limit=501"]) {
      for (const path of ["/api/org/users", "/api/org/compliance"]) {
        const r = await callJson<{ error: { code: string } }>(`${path}?${query}`, { cookie: admin });
        expect([path, query, r.status, r.body.error.code]).toEqual([path, query, 400, "invalid_request"]);
      }
    }
  });

  it("the Users page shows one page, a search box and a link to the next page", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    // 150 more users written straight into the org's object (the API would hash 150 passwords).
    await runInDurableObject(env.ORG.getByName(org.slug), (_o, state) => {
      for (let i = 0; i < 150; i++)
        state.storage.sql.exec(
          "INSERT INTO users (id, email, name, role, password_hash, created_at) VALUES (?, ?, ?, 'technician', 'x', ?)",
          `usr_seed${String(i).padStart(3, "0")}`,
          `seed-${i}@example.com`,
          `Seed ${i}`,
          Date.now() + 1_000 + i,
        );
    });
    const first = await (await call("/users", { cookie: admin })).text();
    expect(first).toContain('<input type="search" name="q"');
    expect(first).toContain("seed-98@example.com");
    expect(first).not.toContain("seed-99@example.com");
    const next = /<a href="([^"]+)" rel="next">/.exec(first)?.[1]?.replaceAll("&amp;", "&");
    expect(next).toMatch(/^\/users\?cursor=/);
    const second = await (await call(next as string, { cookie: admin })).text();
    expect(second).toContain("seed-99@example.com");
    expect(second).toContain("seed-149@example.com");
    expect(second).not.toContain('rel="next"');
    const found = await (await call("/users?q=SEED-14", { cookie: admin })).text();
    expect(found.match(/seed-14\d?@example\.com/g)).toHaveLength(11);
    expect(found).not.toContain(`<td>${org.admin.email}`);
    // The heading counts the org; the search says what is shown and how to leave it.
    expect(found).toContain("Users matching “SEED-14”.");
    expect(found).toContain('<a href="/users">Show everyone</a>');
    expect(first).not.toContain("Show everyone");
  });

  it("the Users page does not say 'no match' while a search has more of the list to read", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    // More users than one search reads (USER_SEARCH_SCAN_ROWS), none of them matching.
    await runInDurableObject(env.ORG.getByName(org.slug), (o) => o.seedUsers(2_050, "bulk"));
    const part = await (await call("/users?q=nobody-here", { cookie: admin })).text();
    expect(part).toContain("No users in this part of the list match “nobody-here”.");
    expect(part).not.toContain("No users match");
    const next = /<a href="([^"]+)" rel="next">/.exec(part)?.[1]?.replaceAll("&amp;", "&");
    expect(next).toMatch(/^\/users\?q=nobody-here&cursor=/);
    const rest = await (await call(next as string, { cookie: admin })).text();
    expect(rest).toContain("No users match “nobody-here”.");
    expect(rest).not.toContain('rel="next"');
  });

  it("seeds a big org only through a test seam that refuses without TEST_SEAMS", async () => {
    const org = await createOrg();
    await runInDurableObject(env.ORG.getByName(org.slug), (o) => {
      const held = o as unknown as { env: Record<string, unknown> };
      const real = held.env;
      try {
        held.env = { ...real, TEST_SEAMS: undefined };
        expect(() => o.seedUsers(3, "x")).toThrow(/test seam/);
      } finally {
        held.env = real;
      }
      o.seedUsers(3, "x");
      expect(o.storageStats().users).toBe(4);
      expect(o.compliance({ limit: 10 })).toMatchObject({ total: 4, enrolled: 2 });
    });
  });
});
