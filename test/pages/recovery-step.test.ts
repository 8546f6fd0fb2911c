// The recovery-code step of the sign-in pages: its own words for a wrong code, the typed code kept, and the Account
// page's notice afterwards (how many codes are left), as GitHub shows it.
import { describe, expect, it } from "vitest";
import { call, PASSWORD } from "../support/api";
import { advance, useTestClock } from "../support/clock";
import { challengeFor, enrolledTechnician } from "../support/flows";
import { tab } from "../support/pages";

useTestClock();

/** A tab at the recovery step of `email`'s sign-in. */
async function atRecoveryStep(email: string) {
  const b = await tab();
  await b.get("/");
  expect((await b.post("/login", { email, password: PASSWORD })).headers.get("location")).toBe("/login/2fa");
  await b.get("/login/recovery");
  return b;
}

describe("the recovery-code step", () => {
  it("lands on the Account page with a notice of the codes left, in English and French", async () => {
    const u = await enrolledTechnician();
    const b = await atRecoveryStep(u.email);
    const res = await b.post("/login/recovery", { code: u.enrollment.recoveryCodes[0] ?? "" });
    expect(res.headers.get("location")).toBe("/account?m=recovery_used");
    const html = (await b.get("/account?m=recovery_used")).html;
    expect(html).toContain("You signed in with a recovery code. 9 codes left: regenerate them if you are running low.");
    // Regenerating asks for the app: who lost it is told the way that works.
    expect(html).toContain("Lost your authenticator app? Ask an admin of your organization to reset your two-factor authentication");
    expect((await b.get("/account?m=recovery_used&lang=fr")).html).toContain(
      "Un code de récupération a servi à cette connexion. Il vous en reste 9 : régénérez-les s’il vous en reste peu.",
    );
  });

  it("says a wrong or spent recovery code is wrong, without the code's 'wait for a new code', and keeps what was typed", async () => {
    const u = await enrolledTechnician();
    const first = await atRecoveryStep(u.email);
    const madeUp = "abcd-efgh-ijkl";
    const wrong = await first.post("/login/recovery", { code: madeUp });
    expect(wrong.status).toBe(401);
    const html = await wrong.text();
    expect(html).toContain("That recovery code is incorrect or was already used.");
    expect(html).not.toContain("Wait for a new code");
    expect(html).toMatch(new RegExp(`<input id="code" name="code" type="text" value="${madeUp}"[^>]*aria-invalid="true"`));
    const code = u.enrollment.recoveryCodes[0] ?? "";
    expect((await first.post("/login/recovery", { code })).headers.get("location")).toBe("/account?m=recovery_used");

    const again = await atRecoveryStep(u.email);
    await again.get("/login/recovery?lang=fr");
    const spent = await again.post("/login/recovery", { code });
    expect(spent.status).toBe(401);
    const fr = await spent.text();
    expect(fr).toContain("Ce code de récupération est incorrect ou a déjà servi.");
    expect(fr).toContain(`value="${code}"`);
    // The JSON API keeps its code and words.
    const api = await call("/auth/login/recovery", { body: { challenge: await challengeFor(u.email), code } });
    expect(api.status).toBe(401);
    expect(await api.json()).toEqual({ error: { code: "invalid_code", message: "The code is incorrect or has expired." } });
  });

  it("says the sign-in attempt expired, not that the code is wrong, once its challenge is past its 10 minutes", async () => {
    const u = await enrolledTechnician();
    const b = await atRecoveryStep(u.email);
    advance(11 * 60_000);
    const late = await b.post("/login/recovery", { code: u.enrollment.recoveryCodes[0] ?? "" });
    expect(late.status).toBe(401);
    const html = await late.text();
    expect(html).toContain("This sign-in attempt is over: it expired, or too many wrong codes were entered. Sign in again.");
    expect(html).not.toContain("incorrect");
    // Only the sign-in form, to start over: no code field that could only be refused again.
    expect(html).toContain('name="password"');
    expect(html).not.toContain('name="code"');
    // The code was good and is still unspent: it is not written back into the page.
    expect(html).not.toContain(u.enrollment.recoveryCodes[0] ?? "?");
    // The JSON API answers as before.
    const api = await call("/auth/login/recovery", { body: { challenge: "not.a.challenge", code: "abcd" } });
    expect(await api.json()).toEqual({
      error: { code: "invalid_code", message: "This sign-in attempt is no longer valid. Sign in again." },
    });
  });

  it("ends the attempt on the code page at its fifth wrong code: the sign-in form with the reason, no code field", async () => {
    const u = await enrolledTechnician();
    const b = await tab();
    await b.get("/");
    expect((await b.post("/login", { email: u.email, password: PASSWORD })).headers.get("location")).toBe("/login/2fa");
    await b.get("/login/2fa");
    for (let i = 1; i <= 4; i++) {
      const wrong = await b.post("/login/2fa", { code: "000000" });
      expect(await wrong.text(), `wrong code ${i}`).toContain('name="code"');
    }
    const fifth = await b.post("/login/2fa", { code: "000000" });
    const html = await fifth.text();
    expect(html).toContain("too many wrong codes were entered. Sign in again.");
    expect(html).toContain('name="password"');
    expect(html).not.toContain('name="code"');
    // The attempt's cookie is gone: the code page sends the person to sign in again.
    expect((await b.get("/login/2fa")).res.headers.get("location")).toBe("/?m=expired");
  });
});
