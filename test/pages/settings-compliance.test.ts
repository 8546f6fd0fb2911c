// Settings → compliance names who has no passkey only while the org requires phishing-resistant sign-in: before,
// nobody is short of a passkey, and a list of "without a passkey" would read as a failing.
import { describe, expect, it } from "vitest";
import { addUser, call, callJson, createOrg, signIn } from "../support/api";
import { useTestClock } from "../support/clock";

useTestClock();

async function settings(cookie: string, lang = "en") {
  const res = await call(`/settings?lang=${lang}`, { cookie, headers: { accept: "text/html" } });
  expect(res.status).toBe(200);
  return res.text();
}

describe("the compliance section's passkey list", () => {
  it("is hidden while passkeys are not required, and lists who lacks one once they are", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const tech = await addUser(cookie);
    const before = await settings(cookie);
    expect(before).toContain("Compliance");
    expect(before).not.toContain("Without a passkey");
    expect(before).not.toContain('id="without-passkey-title"');
    expect(await settings(cookie, "fr")).not.toContain("Sans clé d’accès");

    const on = await call("/api/org/settings", { method: "PATCH", cookie, body: { requirePhishingResistant: true } });
    expect(on.status).toBe(200);
    const after = await settings(cookie);
    expect(after).toContain('<h3 id="without-passkey-title">Without a passkey: 2</h3>');
    expect(after).toMatch(new RegExp(`aria-labelledby="without-passkey-title">.*${tech.email.replace(/[.]/g, "\\.")}`, "s"));
    expect(await settings(cookie, "fr")).toContain("Sans clé d’accès");
  });

  it("marks a deactivated user among those without 2FA, in the API and on the page", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const gone = await addUser(cookie);
    const here = await addUser(cookie);
    expect((await call(`/api/org/users/${gone.id}`, { method: "PATCH", cookie, body: { active: false } })).status).toBe(200);
    const r = await callJson<{ notEnrolled: { id: string; active: boolean }[] }>("/api/org/compliance", { cookie });
    // Made in the same millisecond, the two are listed in either order.
    const listed = Object.fromEntries(r.body.notEnrolled.map((u) => [u.id, u.active]));
    expect(listed).toEqual({ [org.admin.id]: true, [gone.id]: false, [here.id]: true });
    const mark = (email: string, word: string) =>
      new RegExp(`\\(${email.replace(/[.]/g, "\\.")}\\) <span class="badge locked">${word}</span>`);
    expect(await settings(cookie)).toMatch(mark(gone.email, "Deactivated"));
    expect(await settings(cookie)).not.toMatch(mark(here.email, "Deactivated"));
    expect(await settings(cookie, "fr")).toMatch(mark(gone.email, "Désactivé"));
  });
});

describe("the language switch of a searched list", () => {
  it("keeps the search and the page on Settings and on Users", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    for (const path of ["/settings?q=tech&cursor=1.x", "/users?q=tech&cursor=1.x"]) {
      const res = await call(path, { cookie, headers: { accept: "text/html" } });
      expect(await res.text()).toContain(`href="${path.replace("&", "&amp;")}&amp;lang=fr"`);
    }
    // Anything else in the query is not carried over.
    const other = await call("/users?next=https://evil.example/&q=a", { cookie, headers: { accept: "text/html" } });
    expect(await other.text()).toContain('href="/users?q=a&amp;lang=fr"');
  });
});
