// The recovery-code step of the sign-in pages: its own words for a wrong code, the typed code kept, and the Account
// page's notice afterwards (how many codes are left), as GitHub shows it.
import { describe, expect, it } from "vitest";
import { PASSWORD } from "../support/api";
import { useTestClock } from "../support/clock";
import { enrolledTechnician } from "../support/flows";
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
    expect((await b.get("/account?m=recovery_used&lang=fr")).html).toContain(
      "Un code de récupération a servi à cette connexion. Il vous en reste 9 : régénérez-les s’il vous en reste peu.",
    );
  });
});
