// The Audit page pages as GET /api/org/audit does: the same cursor (`before`), an "Older events" link while there
// may be more, a way back to the newest, and a cursor the API refuses is refused on the page in words.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { recordEvent } from "../../src/org/audit";
import { addUser, call, callJson, createOrg, signIn } from "../support/api";
import { useTestClock } from "../support/clock";

useTestClock();

/** An org whose admin is signed in, with `n` more events labelled ev-000 (oldest) to ev-<n-1> (newest). */
async function orgWithEvents(n: number) {
  const org = await createOrg();
  const cookie = await signIn(org.admin.email);
  await runInDurableObject(env.ORG.getByName(org.slug), (_o, state) => {
    state.storage.transactionSync(() => {
      for (let i = 0; i < n; i++) {
        const label = `ev-${String(i).padStart(3, "0")}`;
        recordEvent(state.storage.sql, { type: "session.revoked", actor: { type: "system" }, subject: { id: label, label } }, Date.now());
      }
    });
  });
  return { org, cookie };
}

async function page(path: string, cookie: string) {
  const res = await call(path, { cookie, headers: { accept: "text/html" } });
  return { status: res.status, cache: res.headers.get("cache-control"), html: await res.text() };
}

const olderLink = (html: string) => /<a href="([^"]+)" rel="next">Older events<\/a>/.exec(html)?.[1];

describe("the Audit page's paging", () => {
  it("offers older events page by page with the API's cursor, and a way back to the newest", async () => {
    const { cookie } = await orgWithEvents(60);
    const first = await page("/audit", cookie);
    expect(first.status).toBe(200);
    expect(first.html).toContain("ev-059");
    expect(first.html).toContain("ev-010");
    expect(first.html).not.toContain("ev-009");
    expect(first.html).not.toContain(">Newest events</a>");
    const api = await callJson<{ nextBefore: number }>("/api/org/audit", { cookie });
    expect(olderLink(first.html)).toBe(`/audit?before=${api.body.nextBefore}`);

    const second = await page(olderLink(first.html) as string, cookie);
    expect([second.status, second.cache]).toEqual([200, "no-store"]);
    expect(second.html).toContain("ev-009");
    expect(second.html).toContain("ev-000");
    expect(second.html).not.toContain("ev-010");
    expect(second.html).toContain('<a href="/audit">Newest events</a>');
    // The last page: nothing older to offer.
    expect(olderLink(second.html)).toBeUndefined();
  });

  it("says so on a page past the oldest event", async () => {
    const { cookie } = await orgWithEvents(0);
    const past = await page("/audit?before=1", cookie);
    expect(past.status).toBe(200);
    expect(past.html).toContain("No older events.");
    expect(past.html).toContain('<a href="/audit">Newest events</a>');
  });

  it("refuses a cursor the API refuses, in words and in the page's language", async () => {
    const { cookie } = await orgWithEvents(3);
    for (const bad of ["abc", "0", "-5", "1.5", ""]) {
      expect((await call(`/api/org/audit?before=${bad}`, { cookie })).status).toBe(400);
      const refused = await page(`/audit?before=${bad}`, cookie);
      expect(refused.status).toBe(400);
      expect(refused.html).toContain("This link to older events is not valid.");
      expect(refused.html).toContain('<a href="/audit">Newest events</a>');
      expect(refused.html).not.toContain("ev-002");
    }
    const fr = await page("/audit?before=abc&lang=fr", cookie);
    expect(fr.status).toBe(400);
    expect(fr.html).toContain("Ce lien vers des événements plus anciens n’est pas valide.");
  });

  it("stays an admin's page", async () => {
    const { cookie } = await orgWithEvents(0);
    const techCookie = await signIn((await addUser(cookie)).email);
    expect((await page("/audit?before=5", techCookie)).status).toBe(403);
    expect((await call("/audit?before=5", { headers: { accept: "text/html" } })).status).toBe(303);
  });
});

describe("the Audit page's words", () => {
  it("names an API key as a key, not as a bare name that reads like a person, in English and French", async () => {
    const { cookie } = await orgWithEvents(0);
    const key = await callJson<{ key: string }>("/api/org/api-keys", { cookie, body: { name: "ci-admin", role: "admin" } });
    expect(key.status).toBe(201);
    expect((await call("/api/org/settings", { method: "PATCH", bearer: key.body.key, body: { require2fa: true } })).status).toBe(200);
    // The key's own creation names it as its subject; the settings change is the key's act.
    const byKey = (html: string) => /<tr>(?:(?!<\/tr>).)*<code>org\.require_2fa_enabled<\/code>(?:(?!<\/tr>).)*<\/tr>/s.exec(html)?.[0];
    const en = await page("/audit?lang=en", cookie);
    expect(byKey(en.html)).toContain("<td>API key “ci-admin”</td>");
    expect(en.html).toContain("When (UTC)");
    const fr = await page("/audit?lang=fr", cookie);
    expect(byKey(fr.html)).toContain("<td>Clé d’API «\u00a0ci-admin\u00a0»</td>");
    expect(fr.html).toContain("Date (UTC)");
  });

  it("names support and the service's own acts in the page's language, not by their stored word", async () => {
    const { cookie } = await orgWithEvents(1);
    const rowOf = (html: string, type: string) =>
      new RegExp(`<tr>(?:(?!</tr>).)*<code>${type.replace(".", "\\.")}</code>(?:(?!</tr>).)*</tr>`, "s").exec(html)?.[0];
    const en = await page("/audit?lang=en", cookie);
    expect(rowOf(en.html, "org.created")).toContain("<td>Gatehouse support</td>");
    expect(rowOf(en.html, "session.revoked")).toContain("<td>Gatehouse (automatic)</td>");
    const fr = await page("/audit?lang=fr", cookie);
    expect(rowOf(fr.html, "org.created")).toContain("<td>Support Gatehouse</td>");
    expect(rowOf(fr.html, "session.revoked")).toContain("<td>Gatehouse (automatique)</td>");
  });
});
