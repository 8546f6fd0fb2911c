// Settings → compliance names who has no passkey only while the org requires phishing-resistant sign-in: before,
// nobody is short of a passkey, and a list of "without a passkey" would read as a failing.
import { describe, expect, it } from "vitest";
import { addUser, call, createOrg, signIn } from "../support/api";
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
});
