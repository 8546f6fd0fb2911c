// The pages say what really happened: a refusal of the org's object keeps its reason up to the words on the page
// (ui/i18n `reasons`), instead of a wire code turned back into words that fit another case.
import { describe, expect, it } from "vitest";
import { BASE, call, createOrg, signIn } from "../support/api";
import { advance, useTestClock } from "../support/clock";
import { codeFor } from "../support/totp";

useTestClock();

const FORM = { "content-type": "application/x-www-form-urlencoded", origin: BASE, accept: "text/html" };

async function csrfOf(cookie: string): Promise<string> {
  const html = await (await call("/account", { cookie, headers: { accept: "text/html" } })).text();
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
}

describe("words of a refusal", () => {
  it("says an expired setup timed out when it is confirmed late (not that the email is in use)", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const _csrf = await csrfOf(cookie);
    const setup = await call("/account/2fa/setup", { cookie, headers: FORM, body: new URLSearchParams({ _csrf }).toString() });
    const html = await setup.text();
    const otpauth = /name="otpauth" value="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, "&") ?? "";
    const secret = new URL(otpauth).searchParams.get("secret") ?? "";
    expect(secret).toMatch(/^[A-Z2-7]+$/);
    advance(16 * 60_000); // the pending setup lives 15 minutes
    await call("/api/me", { cookie }); // the session itself stays alive
    const late = await call("/account/2fa/confirm", {
      cookie,
      headers: FORM,
      body: new URLSearchParams({ _csrf, otpauth, code: codeFor(secret) }).toString(),
    });
    expect(late.status).toBe(409);
    const page = await late.text();
    expect(page).toContain("This setup took too long and was stopped. Start it again.");
    expect(page).not.toContain("This email is already in use.");
  });
});
