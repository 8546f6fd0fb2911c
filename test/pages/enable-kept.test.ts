// "Enable 2FA" on the Account page sent again by the same session (after switching language, a reload, Back) shows
// the secret it already showed, so the app scanned from it confirms (black-box audit: switching language threw the
// setup away and the next "Enable 2FA" made a key the scanned app never matched). The API still replaces the
// pending secret on every setup, and another session never sees this one's.
import { describe, expect, it } from "vitest";
import { addUser, call, callJson, createOrg, signIn } from "../support/api";
import { useTestClock } from "../support/clock";
import { tab } from "../support/pages";
import { codeFor } from "../support/totp";

useTestClock();

const secretOf = (html: string) =>
  new URL(/name="otpauth" value="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, "&") ?? "otpauth://x").searchParams.get("secret");

describe("Enable 2FA on the Account page, sent again", () => {
  it("shows the same secret to the same session, in either language, and that secret confirms", async () => {
    const org = await createOrg();
    const user = await addUser(await signIn(org.admin.email));
    const b = await tab(await signIn(user.email));
    await b.get("/account");
    const first = secretOf(await (await b.post("/account/2fa/setup", {})).text());
    expect(first).toMatch(/^[A-Z2-7]{16,}$/);
    // The language switch leads back to the Account page; Enable 2FA from there.
    await b.get("/account?lang=fr");
    const again = await b.post("/account/2fa/setup", {});
    const html = await again.text();
    expect(html).toContain('lang="fr"');
    expect(secretOf(html)).toBe(first);
    const otpauth = /name="otpauth" value="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, "&") ?? "";
    const done = await b.post("/account/2fa/confirm", { otpauth, code: codeFor(first ?? "") });
    expect(done.status).toBe(200);
    const me = await callJson<{ twoFactor: { enabled: boolean } }>("/api/me", { cookie: b.s.cookie });
    expect(me.body.twoFactor.enabled).toBe(true);
  });

  it("gives another session a new secret, and the API a new one on every call", async () => {
    const org = await createOrg();
    const user = await addUser(await signIn(org.admin.email));
    const one = await tab(await signIn(user.email));
    await one.get("/account");
    const mine = secretOf(await (await one.post("/account/2fa/setup", {})).text());
    const other = await tab(await signIn(user.email));
    await other.get("/account");
    const theirs = secretOf(await (await other.post("/account/2fa/setup", {})).text());
    expect(theirs).not.toBe(mine);

    const cookie = await signIn(user.email);
    const a = await callJson<{ secret: string }>("/api/me/2fa/setup", { cookie, body: {} });
    const b = await callJson<{ secret: string }>("/api/me/2fa/setup", { cookie, body: {} });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.body.secret).not.toBe(a.body.secret);
    // The API's second setup replaced the first: only its secret confirms.
    const stale = await call("/api/me/2fa/confirm", { cookie, body: { code: codeFor(a.body.secret) } });
    expect(stale.status).toBe(401);
  });
});
