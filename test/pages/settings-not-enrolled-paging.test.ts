// Settings → compliance names everyone not yet enrolled, a page at a time as GET /api/org/compliance pages them: the
// first page says how many more there are and links on with the API's cursor, a search is kept from page to page,
// and a cursor the API refuses is refused on the page in words.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, callJson, createOrg, signIn } from "../support/api";
import { useTestClock } from "../support/clock";

useTestClock();

/**
 * An org of 211 users, 106 of them without 2FA: its admin (who has none) and the 105 odd-numbered seeded technicians
 * (p-1@seeded.bench.test, p-3@...; the even-numbered have an authenticator app).
 */
async function orgOf106NotEnrolled() {
  const org = await createOrg();
  const cookie = await signIn(org.admin.email);
  await runInDurableObject(env.ORG.getByName(org.slug), (o) => o.seedUsers(210, "p"));
  const notEnrolled = [org.admin.email, ...Array.from({ length: 105 }, (_, i) => `p-${2 * i + 1}@seeded.bench.test`)];
  return { org, cookie, notEnrolled };
}

async function page(path: string, cookie: string, lang = "en") {
  const url = new URL(path, "https://x.test");
  url.searchParams.set("lang", lang);
  const res = await call(`${url.pathname}${url.search}${url.hash}`, { cookie, headers: { accept: "text/html" } });
  return { status: res.status, html: await res.text() };
}

const heading = (html: string) => /<h3 id="not-enrolled">([^<]*)<\/h3>/.exec(html)?.[1];
const nextLink = (html: string) => /<a href="([^"]+)" rel="next">/.exec(html)?.[1]?.replaceAll("&amp;", "&");
/** The emails the not-enrolled list shows, in order. */
const listed = (html: string) => {
  const list = /<ul aria-labelledby="not-enrolled">(.*?)<\/ul>/s.exec(html)?.[1] ?? "";
  return [...list.matchAll(/<li>[^<]*\(([^)<]+)\)<\/li>/g)].map((m) => m[1]);
};

describe("the not-yet-enrolled list on the Settings page", () => {
  it("shows the first 100, says how many more there are, and the next page shows the rest", async () => {
    const { cookie, notEnrolled } = await orgOf106NotEnrolled();
    const first = await page("/settings", cookie);
    expect(first.status).toBe(200);
    expect(heading(first.html)).toBe("Not yet enrolled (106)");
    expect(first.html).toContain('<strong id="compliance-figure">105 of 211 users enrolled</strong>');
    const onFirst = listed(first.html);
    expect(onFirst).toHaveLength(100);
    expect(first.html).toMatch(/…and 6 more\. <a href="[^"]+" rel="next">Next page<\/a>/);
    expect(first.html).not.toContain("First page");
    // The page's link carries the API's own cursor, and lands on the list rather than the settings form above it.
    const api = await callJson<{ nextCursor: string }>("/api/org/compliance", { cookie });
    const next = nextLink(first.html) as string;
    expect(next).toBe(`/settings?${new URLSearchParams({ cursor: api.body.nextCursor })}#not-enrolled`);

    const second = await page(next, cookie);
    expect(second.status).toBe(200);
    expect(heading(second.html)).toBe("Not yet enrolled (106)");
    const onSecond = listed(second.html);
    expect(onSecond).toHaveLength(6);
    expect(new Set([...onFirst, ...onSecond])).toEqual(new Set(notEnrolled));
    // The last page: nothing more to offer, only the way back.
    expect(nextLink(second.html)).toBeUndefined();
    expect(second.html).not.toContain("more.");
    expect(second.html).toContain('<a href="/settings#not-enrolled">First page</a>');
  });

  it("says the same in French", async () => {
    const { cookie } = await orgOf106NotEnrolled();
    const first = await page("/settings", cookie, "fr");
    expect(heading(first.html)).toBe("Pas encore activée (106)");
    expect(first.html).toMatch(/…et 6 autres\. <a href="[^"]+" rel="next">Page suivante<\/a>/);
    const second = await page(nextLink(first.html) as string, cookie, "fr");
    expect(listed(second.html)).toHaveLength(6);
    expect(second.html).toContain(">Première page</a>");
  });

  it("keeps a search from page to page and on the way back to the first", async () => {
    const { cookie } = await orgOf106NotEnrolled();
    const first = await page("/settings?q=SEEDED", cookie);
    expect(first.status).toBe(200);
    expect(first.html).toContain('<input type="search" name="q" id="not-enrolled-q" value="SEEDED"');
    expect(first.html).toContain("Users matching “SEEDED”.");
    expect(listed(first.html)).toHaveLength(100);
    // A search cannot know how many more match: it says it goes on, never a count.
    expect(first.html).not.toContain("more.");
    expect(first.html).toContain("more users may match on the next page.");
    const next = nextLink(first.html) as string;
    expect(next).toMatch(/^\/settings\?q=SEEDED&cursor=[^#]+#not-enrolled$/);
    const second = await page(next, cookie);
    expect(listed(second.html)).toHaveLength(5);
    expect(listed(second.html).every((e) => e?.endsWith("@seeded.bench.test"))).toBe(true);
    expect(second.html).toContain('<a href="/settings?q=SEEDED#not-enrolled">First page</a>');
  });

  it("says that nobody without 2FA matches a search, in English and French", async () => {
    const { cookie } = await orgOf106NotEnrolled();
    // p-2 has an authenticator app: it is a user, but not one still to enroll.
    const none = await page("/settings?q=p-2@", cookie);
    expect(none.status).toBe(200);
    expect(none.html).toContain("No one still to enroll matches “p-2@”.");
    expect(listed(none.html)).toEqual([]);
    expect((await page("/settings?q=p-2@", cookie, "fr")).html).toContain("Aucune personne sans 2FA ne correspond à «\u00a0p-2@\u00a0».");
  });

  it("refuses a cursor the API refuses, in words, and still shows the counts", async () => {
    const { cookie } = await orgOf106NotEnrolled();
    for (const bad of ["abc", "", "12.", "1.a/b", "x".repeat(101)]) {
      expect((await call(`/api/org/compliance?cursor=${encodeURIComponent(bad)}`, { cookie })).status, bad).toBe(400);
      const refused = await page(`/settings?cursor=${encodeURIComponent(bad)}`, cookie);
      expect(refused.status, bad).toBe(400);
      expect(refused.html).toContain("This link to the next page of the list is not valid. Start again from the first page.");
      expect(refused.html).toContain('<a href="/settings#not-enrolled">First page</a>');
      expect(refused.html).toContain("105 of 211 users enrolled");
      expect(listed(refused.html)).toEqual([]);
      expect(nextLink(refused.html)).toBeUndefined();
      // The settings form above is still there to use.
      expect(refused.html).toContain('<form method="post" action="/settings"');
    }
    const fr = await page("/settings?cursor=abc", cookie, "fr");
    expect(fr.status).toBe(400);
    expect(fr.html).toContain("Ce lien vers la page suivante de la liste n’est pas valide.");
  });

  it("shows a list that fits one page whole, without search or page links", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const small = await page("/settings", cookie);
    expect(heading(small.html)).toBe("Not yet enrolled (1)");
    expect(listed(small.html)).toEqual([org.admin.email]);
    expect(small.html).not.toContain('id="not-enrolled-q"');
    expect(small.html).not.toContain("Next page");
    expect(small.html).not.toContain("First page");
  });
});
