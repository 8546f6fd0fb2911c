// Where the pages put the focus: on the field the person types next (autofocus, one per page), so a wrong code or
// password is typed again at once, with no extra click or Tab.
import { describe, expect, it } from "vitest";
import { addUser, createOrg, PASSWORD, signIn } from "../support/api";
import { useTestClock } from "../support/clock";
import { enrolledTechnician } from "../support/flows";
import { tab } from "../support/pages";
import { codeFor } from "../support/totp";

useTestClock();

/** The ids of the page's fields that take the focus on load (the browser honours the first; there should be one). */
function autofocused(html: string): string[] {
  return [...html.matchAll(/<input id="([^"]+)"[^>]*\sautofocus=""/g)].map((m) => m[1] ?? "");
}

describe("the focus on the pages", () => {
  it("is on the email at first, and on the password after a refusal that kept the email", async () => {
    const org = await createOrg();
    const b = await tab();
    expect(autofocused((await b.get("/")).html)).toEqual(["email"]);
    const wrong = await b.post("/login", { email: org.admin.email, password: "not the password" });
    expect(wrong.status).toBe(401);
    expect(autofocused(await wrong.text())).toEqual(["password"]);
  });

  it("is on the code at the second step and the recovery step, also after a wrong code", async () => {
    const u = await enrolledTechnician();
    const b = await tab();
    await b.get("/");
    await b.post("/login", { email: u.email, password: PASSWORD });
    expect(autofocused((await b.get("/login/2fa")).html)).toEqual(["code"]);
    const wrong = await b.post("/login/2fa", { code: "000000" });
    expect(wrong.status).toBe(401);
    expect(autofocused(await wrong.text())).toEqual(["code"]);
    expect(autofocused((await b.get("/login/recovery")).html)).toEqual(["code"]);
    const wrongRecovery = await b.post("/login/recovery", { code: "abcd-efgh" });
    expect(autofocused(await wrongRecovery.text())).toEqual(["code"]);
  });

  it("is on the code of Enable 2FA and of the forced enrollment, also after a wrong code", async () => {
    const org = await createOrg();
    const user = await addUser(await signIn(org.admin.email));
    const b = await tab(await signIn(user.email));
    await b.get("/account");
    const setup = await (await b.post("/account/2fa/setup", {})).text();
    expect(autofocused(setup)).toEqual(["code"]);
    const otpauth = /name="otpauth" value="([^"]+)"/.exec(setup)?.[1]?.replace(/&amp;/g, "&") ?? "";
    expect(autofocused(await (await b.post("/account/2fa/confirm", { otpauth, code: "000000" })).text())).toEqual(["code"]);

    const adminCookie = await signIn(org.admin.email);
    const other = await addUser(adminCookie);
    const admin = await tab(adminCookie);
    await admin.get("/settings");
    expect((await admin.post("/settings", { require2fa: "on", totpPeriod: "30" })).status).toBe(303);
    const forced = await tab();
    await forced.get("/");
    expect((await forced.post("/login", { email: other.email, password: PASSWORD })).headers.get("location")).toBe("/login/enroll");
    const enroll = (await forced.get("/login/enroll")).html;
    expect(autofocused(enroll)).toEqual(["code"]);
    const forcedUri = /name="otpauth" value="([^"]+)"/.exec(enroll)?.[1]?.replace(/&amp;/g, "&") ?? "";
    const secret = new URL(forcedUri).searchParams.get("secret") ?? "";
    const wrongCode = codeFor(secret) === "000000" ? "111111" : "000000";
    const refused = await forced.post("/login/enroll", { otpauth: forcedUri, code: wrongCode });
    expect(refused.status).toBe(401);
    expect(autofocused(await refused.text())).toEqual(["code"]);
  });

  it("is on the Account page's code field that refused a code, and nowhere before", async () => {
    const u = await enrolledTechnician();
    const b = await tab(u.cookie);
    const account = (await b.get("/account")).html;
    expect(autofocused(account)).toEqual([]);
    const formId = /name="formId" value="([^"]+)"/.exec(account)?.[1] ?? "";
    const regen = await b.post("/account/2fa/recovery-codes", { code: "000000", formId });
    expect(regen.status).toBe(401);
    expect(autofocused(await regen.text())).toEqual(["regen-code"]);
    const disable = await b.post("/account/2fa/disable", { code: "000000" });
    expect(autofocused(await disable.text())).toEqual(["disable-code"]);
  });
});
