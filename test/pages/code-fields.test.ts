// The pages' code fields: anything but 6 digits (an empty field sent with a stray Enter, letters, a recovery code in
// the wrong box) is told so next to the field and never reaches the org's object, so it spends none of the sign-in's
// attempts and writes no failure to the audit log; a real code still works afterwards.
import { describe, expect, it } from "vitest";
import { callJson, PASSWORD } from "../support/api";
import { auditTypes } from "../support/audit";
import { enrolledTechnician } from "../support/flows";
import { tab } from "../support/pages";
import { codeFor } from "../support/totp";

describe("the pages' code fields", () => {
  it("refuse a code that is not 6 digits without spending an attempt of the sign-in", async () => {
    const u = await enrolledTechnician();
    const t = await tab();
    await t.get("/");
    const signedIn = await t.post("/login", { email: u.email, password: PASSWORD });
    expect([signedIn.status, signedIn.headers.get("location")]).toEqual([303, "/login/2fa"]);
    await t.get("/login/2fa");
    // More than the 5 wrong codes that end a sign-in.
    for (const code of ["", "   ", "12", "abcdef", "1234567", "ABCD-EFGH-1234", "12 34"]) {
      const res = await t.post("/login/2fa", { code });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain("Enter the 6 digits from your app.");
    }
    expect(await auditTypes(u.org.slug)).not.toContain("2fa.code_failed");
    // A code pasted as some apps show it, with a dash in the middle, is the code.
    const code = codeFor(u.enrollment.secret);
    const done = await t.post("/login/2fa", { code: `${code.slice(0, 3)}-${code.slice(3)}` });
    expect([done.status, done.headers.get("location")]).toEqual([303, "/account"]);
  });

  it("refuse a malformed code on the Account page's forms the same way, and keep 2FA on", async () => {
    const u = await enrolledTechnician();
    const t = await tab(u.cookie);
    await t.get("/account");
    for (const path of ["/account/2fa/disable", "/account/2fa/recovery-codes"]) {
      const res = await t.post(path, { code: "" });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain("Enter the 6 digits from your app.");
    }
    const me = await callJson<{ twoFactor: { enabled: boolean; recoveryCodesRemaining: number } }>("/api/me", { cookie: u.cookie });
    expect(me.body.twoFactor).toEqual({ enabled: true, recoveryCodesRemaining: 10 });
    expect(await auditTypes(u.org.slug)).not.toContain("2fa.code_failed");
  });
});
