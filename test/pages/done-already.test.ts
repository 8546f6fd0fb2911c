// Pages that were done already say so, in words that match what happened (black-box audit): the page of recovery
// codes reloaded after enabling 2FA says 2FA is on and where new codes are made (it said "Something went wrong");
// Reset 2FA sent again from its confirmation page says there is nothing to reset (it reported, and logged, a second
// reset); any other form refused as sent again is titled "not sent", not "something went wrong".
import { describe, expect, it } from "vitest";
import { addUser, callJson, createOrg, signIn } from "../support/api";
import { nextStep, useTestClock } from "../support/clock";
import { enrolledTechnician } from "../support/flows";
import { pageOf, postForm, tab } from "../support/pages";
import { codeFor } from "../support/totp";

useTestClock();

const title = (html: string) => /<h1[^>]*>([^<]*)<\/h1>/.exec(html)?.[1];

describe("a form done already", () => {
  it("reloaded on the recovery codes after Enable 2FA: says 2FA is on and leads to the Account page, in en and fr", async () => {
    const org = await createOrg();
    const user = await addUser(await signIn(org.admin.email));
    const b = await tab(await signIn(user.email));
    await b.get("/account");
    const setup = await (await b.post("/account/2fa/setup", {})).text();
    const otpauth = /name="otpauth" value="([^"]+)"/.exec(setup)?.[1]?.replace(/&amp;/g, "&") ?? "";
    const secret = new URL(otpauth).searchParams.get("secret") ?? "";
    const form = { otpauth, code: codeFor(secret) };
    const csrf = b.s.csrf;
    const codes = await b.post("/account/2fa/confirm", form);
    expect(codes.status).toBe(200);
    // The reload sends the same form again, with the form token of the page it came from.
    b.s.csrf = csrf;
    const again = await b.post("/account/2fa/confirm", form);
    const html = await again.text();
    expect(again.status).toBe(409);
    expect(title(html)).toBe("Two-factor authentication is on");
    expect(html).toContain("cannot be shown again: if you did not save them, make a new set on your Account page.");
    expect(html).toContain('<a href="/account"');
    b.s.csrf = csrf;
    b.s.cookie += "; lang=fr";
    const fr = await (await b.post("/account/2fa/confirm", form)).text();
    expect(title(fr)).toBe("L’authentification à deux facteurs est activée");
  });

  it("any other form refused as sent again is titled 'not sent'", async () => {
    const org = await createOrg();
    const page = await pageOf("/account", await signIn(org.admin.email));
    const r = await postForm("/account/password", { ...page, token: "not-the-token" }, { currentPassword: "x", newPassword: "y" });
    expect(r.status).toBe(403);
    expect(title(await r.text())).toBe("This form was not sent");
  });

  it("Reset 2FA sent again says there is nothing to reset, and resets and logs nothing more", async () => {
    const u = await enrolledTechnician();
    const confirm = await pageOf(`/users/${u.id}/reset-2fa`, u.adminCookie);
    const first = await postForm(`/users/${u.id}/reset-2fa`, confirm);
    expect([first.status, first.headers.get("location")]).toEqual([303, "/users?m=reset"]);
    // Back to the confirmation page, and its button again.
    const again = await postForm(`/users/${u.id}/reset-2fa`, confirm);
    const html = await again.text();
    expect(again.status).toBe(409);
    expect(html).toContain("has no two-factor authentication now: there is nothing to reset.");
    // The confirmation page itself, opened now, says the same.
    const reopened = await pageOf(`/users/${u.id}/reset-2fa`, u.adminCookie);
    expect(reopened.res.status).toBe(409);
    expect(reopened.html).toContain("there is nothing to reset.");
    const audit = await callJson<{ events: { type: string }[] }>("/api/org/audit", { cookie: u.adminCookie });
    expect(audit.body.events.filter((e) => e.type === "2fa.reset")).toHaveLength(1);
    // The API's answer is the contract's, unchanged: 204.
    nextStep();
    expect((await callJson(`/api/org/users/${u.id}/2fa/reset`, { method: "POST", cookie: u.adminCookie })).status).toBe(204);
  });
});
