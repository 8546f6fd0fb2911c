// The Users page of a big org: its heading counts the org (never the page shown), a later page leads back to the
// first, and a search that matches nobody says so.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createOrg, signIn } from "../support/api";
import { useTestClock } from "../support/clock";

useTestClock();

/** An org of 114 users: its admin and 113 seeded technicians (p-0@seeded.bench.test ...). */
async function orgOf114() {
  const org = await createOrg();
  const cookie = await signIn(org.admin.email);
  await runInDurableObject(env.ORG.getByName(org.slug), (o) => o.seedUsers(113, "p"));
  return { org, cookie };
}

async function html(path: string, cookie: string) {
  const res = await call(path, { cookie, headers: { accept: "text/html" } });
  expect(res.status).toBe(200);
  return res.text();
}

const heading = (page: string) => /<h2 id="users-title">([^<]*)<\/h2>/.exec(page)?.[1];
const nextLink = (page: string) => /<a href="([^"]+)" rel="next">/.exec(page)?.[1]?.replaceAll("&amp;", "&");

describe("the Users page of a big org", () => {
  it("counts the whole org in its heading on every page, and links later pages back to the first", async () => {
    const { cookie } = await orgOf114();
    const first = await html("/users", cookie);
    expect(heading(first)).toBe("Users (114)");
    expect(first).not.toContain("First page");
    const second = await html(nextLink(first) as string, cookie);
    expect(heading(second)).toBe("Users (114)");
    expect(second).toContain('<a href="/users">First page</a>');
    expect(heading(await html("/users?lang=fr", cookie))).toBe("Utilisateurs (114)");
  });

  it("keeps the search on the way back to the first page", async () => {
    const { cookie } = await orgOf114();
    const first = await html("/users?q=seeded", cookie);
    const next = nextLink(first) as string;
    expect(next).toMatch(/^\/users\?q=seeded&cursor=/);
    expect(await html(next, cookie)).toContain('<a href="/users?q=seeded">First page</a>');
  });

  it("says that no user matches a search instead of showing an empty table, in English and French", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const none = await html("/users?q=nobody", cookie);
    expect(none).toContain("No users match “nobody”.");
    expect(none).not.toContain('<th scope="col">Email</th>');
    expect(await html("/users?q=nobody&lang=fr", cookie)).toContain("Aucun utilisateur ne correspond à «\u00a0nobody\u00a0».");
    // The search is shown as text, never as markup.
    expect(await html(`/users?q=${encodeURIComponent("<i>x")}`, cookie)).toContain("No users match “&lt;i&gt;x”.");
    // A search that matches shows its table.
    expect(await html(`/users?q=${encodeURIComponent(org.admin.email)}`, cookie)).toContain(`<td id="user-${org.admin.id}-email">`);
  });
});
