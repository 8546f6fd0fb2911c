// "Enable 2FA" on the Account page shows the app's secret on a page with no menu, language switch or Sign out, as
// the recovery codes page does (black-box audit: switching language there dropped the setup, and "Enable 2FA" again
// made a secret the app just scanned never matched). Each setup still replaces the pending secret: showing the same
// one again would show it to any copy of the session's cookie (attacker review).
import { describe, expect, it } from "vitest";
import { addUser, call, callJson, createOrg, signIn } from "../support/api";
import { useTestClock } from "../support/clock";
import { tab } from "../support/pages";
import { codeFor } from "../support/totp";

useTestClock();

const secretOf = (html: string) =>
  new URL(/name="otpauth" value="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, "&") ?? "otpauth://x").searchParams.get("secret");

describe("Enable 2FA on the Account page", () => {
  it("offers no way off the setup page but Cancel, in either language, and its secret confirms", async () => {
    const org = await createOrg();
    const user = await addUser(await signIn(org.admin.email));
    const b = await tab(await signIn(user.email));
    for (const lang of ["fr", "en"]) {
      await b.get(`/account?lang=${lang}`);
      const html = await (await b.post("/account/2fa/setup", {})).text();
      expect(html).toContain(`lang="${lang}"`);
      expect(html).not.toMatch(/lang=(en|fr)"/); // no language switch
      expect(html).not.toContain('action="/logout"');
      expect(html).not.toContain('href="/users"');
      expect(html).toContain('href="/account"'); // Cancel
      expect(secretOf(html)).toMatch(/^[A-Z2-7]{16,}$/);
    }
    const html = await (await b.post("/account/2fa/setup", {})).text();
    const otpauth = /name="otpauth" value="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, "&") ?? "";
    expect((await b.post("/account/2fa/confirm", { otpauth, code: codeFor(secretOf(html) ?? "") })).status).toBe(200);
  });

  it("replaces the pending secret on every setup, from the pages and the API, so no copy of the session sees the one shown", async () => {
    const org = await createOrg();
    const user = await addUser(await signIn(org.admin.email));
    const cookie = await signIn(user.email);
    const owner = await tab(cookie);
    await owner.get("/account");
    const shown = await (await owner.post("/account/2fa/setup", {})).text();
    const copy = await tab(cookie);
    await copy.get("/account");
    const other = secretOf(await (await copy.post("/account/2fa/setup", {})).text());
    expect(other).not.toBe(secretOf(shown));

    const a = await callJson<{ secret: string }>("/api/me/2fa/setup", { cookie, body: {} });
    const b = await callJson<{ secret: string }>("/api/me/2fa/setup", { cookie, body: {} });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.body.secret).not.toBe(a.body.secret);
    const stale = await call("/api/me/2fa/confirm", { cookie, body: { code: codeFor(a.body.secret) } });
    expect(stale.status).toBe(401);
  });
});
