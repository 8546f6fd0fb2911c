// The passkey pages inside workerd: the script is served from our origin, the forms stay hidden until it runs,
// an IP address says why passkeys are unavailable, and each page action (passwordless, second step, add, remove)
// runs the same flow as the API, answered here by the software authenticator.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addUser, call, callJson, createOrg, PASSWORD, signIn } from "../support/api";
import { SoftAuthenticator } from "../support/authenticator";
import { useTestClock } from "../support/clock";
import { enrolledTechnician, staleSession } from "../support/flows";
import { tab } from "../support/pages";
import { addPasskey, passkeyTechnician } from "../support/passkeys";
import { codeFor } from "../support/totp";

useTestClock();

describe("the passkey pages", () => {
  it("serve @simplewebauthn/browser and the driver from our origin, and render the passkey form hidden", async () => {
    const js = await call("/static/passkeys.js");
    expect(js.headers.get("content-type")).toMatch(/^text\/javascript/);
    const text = await js.text();
    expect(text).toContain("@simplewebauthn/browser@");
    expect(text).toContain("form[data-passkey]");
    const { res, html } = await (await tab()).get("/");
    expect(res.headers.get("content-security-policy")).toMatch(/script-src 'self'[;\s]/);
    expect(html).toContain('<script src="/static/passkeys.js');
    expect(html).toMatch(/<form[^>]*data-passkey="authenticate"[^>]*hidden/);
  });

  it("say why passkeys are unavailable on an IP address instead of offering them", async () => {
    const res = await exports.default.fetch(new Request("http://127.0.0.1:8787/", { headers: { accept: "text/html" } }));
    const html = await res.text();
    expect(html).toContain("Passkeys are unavailable at this address");
    expect(html).not.toContain("data-passkey=");
  });

  it("sign in with a passkey alone", async () => {
    const u = await passkeyTechnician();
    const b = await tab();
    await b.get("/");
    const options = await b.post("/login/passkey/options", {});
    expect(options.status).toBe(200);
    const res = await b.post("/login/passkey", { response: JSON.stringify(await u.auth.assert(await options.json())) });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/account");
    expect((await b.get("/account")).html).toContain(u.email);
  });

  it("refuse a passkey the site does not know, on the sign-in page with its words", async () => {
    await passkeyTechnician();
    const b = await tab();
    await b.get("/");
    const options = await (await b.post("/login/passkey/options", {})).json();
    const res = await b.post("/login/passkey", { response: JSON.stringify(await new SoftAuthenticator().assert(options as never)) });
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(html).toContain('id="passkey-signin"');
    expect(html).toContain("This passkey is not recognized. Sign in with your email and password.");
  });

  it("say a removed passkey is not recognized, not that an email, password or operator code is wrong", async () => {
    const u = await passkeyTechnician();
    expect((await call(`/api/me/passkeys/${u.passkeyId}`, { method: "DELETE", cookie: u.cookie, body: {} })).status).toBe(204);
    const b = await tab();
    await b.get("/?lang=fr");
    const options = await (await b.post("/login/passkey/options", {})).json();
    const res = await b.post("/login/passkey", { response: JSON.stringify(await u.auth.assert(options as never)) });
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(html).toContain("Cette clé d’accès n’est pas reconnue. Connectez-vous avec votre e-mail et votre mot de passe.");
    expect(html).not.toContain("code opérateur");
  });

  it("offer 'Use a passkey' at the second step only to a user who has one, and sign in with it", async () => {
    const totpOnly = await enrolledTechnician();
    const t = await tab();
    await t.get("/");
    await t.post("/login", { email: totpOnly.email, password: PASSWORD });
    const totpPage = (await t.get("/login/2fa")).html;
    expect(totpPage).not.toContain('id="passkey-step"');
    expect(totpPage).toContain('id="code"');

    const u = await passkeyTechnician();
    const b = await tab();
    await b.get("/");
    expect((await b.post("/login", { email: u.email, password: PASSWORD })).headers.get("location")).toBe("/login/2fa");
    const stepPage = (await b.get("/login/2fa")).html;
    expect(stepPage).toContain('id="passkey-step"');
    // No authenticator app: no code field it cannot use, but recovery codes still.
    expect(stepPage).not.toContain('id="code"');
    expect(stepPage).toContain('href="/login/recovery"');
    const options = await b.post("/login/2fa/passkey/options", {});
    expect(options.status).toBe(200);
    const res = await b.post("/login/2fa/passkey", { response: JSON.stringify(await u.auth.assert(await options.json())) });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/account");
  });

  it("add a passkey on the Account page: the first one shows the recovery codes once", async () => {
    const org = await createOrg();
    const user = await addUser(await signIn(org.admin.email));
    const before = await signIn(user.email);
    const b = await tab(before);
    await b.get("/account");
    const options = await b.post("/account/passkeys/options", {});
    expect(options.status).toBe(200);
    const res = await b.post("/account/passkeys", {
      name: "Work laptop",
      response: JSON.stringify(await new SoftAuthenticator().register(await options.json())),
    });
    expect(res.status).toBe(200);
    // Turning 2FA on gives this browser a new session token; the old one is dead.
    expect(b.s.cookie).not.toContain(before);
    expect((await call("/api/me", { cookie: before })).status).toBe(401);
    expect((await res.text()).match(/<li>/g)?.length).toBeGreaterThanOrEqual(10);
    expect((await b.get("/account")).html).toContain("Work laptop");
    // The name is optional: left empty, the passkey is named after the browser, or "Passkey" when it says nothing.
    const second = await b.post("/account/passkeys", {
      name: " ",
      response: JSON.stringify(await new SoftAuthenticator().register(await (await b.post("/account/passkeys/options", {})).json())),
    });
    expect(second.status).toBe(303);
    const list = await callJson<{ passkeys: { name: string }[] }>("/api/me/passkeys", { cookie: b.s.cookie });
    expect(list.body.passkeys.map((k) => k.name).sort()).toEqual(["Passkey", "Work laptop"]);
  });

  it("ask for step-up in place before adding or removing a passkey on a stale session", async () => {
    const u = await passkeyTechnician();
    const b = await tab(u.cookie);
    await b.get("/account");
    staleSession();
    const options = await b.post("/account/passkeys/options", {});
    expect(options.status).toBe(403);
    expect(((await options.json()) as { error: { code: string } }).error.code).toBe("step_up_required");
    const removed = await b.post(`/account/passkeys/${u.passkeyId}/delete`, {});
    expect(removed.status).toBe(403);
    // A passkey-only user has no code to give, and a password never steps up a passkey user: "Use a passkey"
    // (hidden until the script finds WebAuthn), with no code field to fill in.
    const html = await removed.text();
    expect(html).toMatch(/<div data-passkey-only="true" hidden="">\s*<input type="hidden" name="webauthn"/);
    expect(html).toContain('id="passkey-remove-0-passkey"');
    expect(html).toContain("Use a passkey");
    expect(html).not.toContain('id="passkey-remove-0-code"');
    expect(html).not.toContain('name="password"');
    const list = await call("/api/me/passkeys", { cookie: u.cookie });
    expect(((await list.json()) as { passkeys: unknown[] }).passkeys).toHaveLength(1);
  });

  it("step up with a passkey on a page: options for this session, the answer posted as 'webauthn'", async () => {
    const u = await passkeyTechnician();
    const b = await tab(u.cookie);
    await b.get("/account");
    staleSession();
    const options = await b.post("/account/step-up/passkey", {});
    expect(options.status).toBe(200);
    const answer = await u.auth.assert((await options.json()) as { challenge: string });
    const removed = await b.post(`/account/passkeys/${u.passkeyId}/delete`, { webauthn: JSON.stringify(answer) });
    expect(removed.headers.get("location")).toBe("/account?m=passkey-removed");
    // The same answer again proves nothing.
    const again = await b.post("/account/passkeys/options", { webauthn: JSON.stringify(answer) });
    expect(again.status).toBe(403);
  });

  it("offer a user with an authenticator app and a passkey both the code and the passkey at step-up", async () => {
    const u = await enrolledTechnician();
    await addPasskey(u.cookie);
    const b = await tab(u.cookie);
    staleSession();
    const html = (await b.get("/account")).html;
    expect(html).toContain('id="passkey-add-code"');
    expect(html).toContain('id="passkey-add-passkey"');
  });

  it("show a refused step-up only in the box of the passkey being removed", async () => {
    const u = await enrolledTechnician();
    const first = await addPasskey(u.cookie, undefined, "Laptop");
    const second = await addPasskey(u.cookie, undefined, "Phone");
    const b = await tab(u.cookie);
    await b.get("/account");
    staleSession();
    const wrong = String((Number(codeFor(u.enrollment.secret)) + 1) % 1_000_000).padStart(6, "0");
    const refused = await b.post(`/account/passkeys/${second.passkey.id}/delete`, { code: wrong });
    expect(refused.status).toBe(403);
    const html = await refused.text();
    const words = "That code is incorrect or has expired.";
    expect(html.split(words)).toHaveLength(2);
    const box = (id: string) => new RegExp(`action="/account/passkeys/${id}/delete"(?:(?!</form>).)*</form>`, "s").exec(html)?.[0] ?? "";
    expect(box(second.passkey.id)).toContain(words);
    expect(box(second.passkey.id)).toMatch(/<input[^>]*autofocus/);
    expect(box(first.passkey.id)).toContain('name="code"');
    expect(box(first.passkey.id)).not.toContain(words);
    const list = await callJson<{ passkeys: unknown[] }>("/api/me/passkeys", { cookie: u.cookie });
    expect(list.body.passkeys).toHaveLength(2);
  });

  it("rename and remove a passkey on a fresh session", async () => {
    const u = await passkeyTechnician();
    const b = await tab(u.cookie);
    await b.get("/account");
    expect((await b.post(`/account/passkeys/${u.passkeyId}/rename`, { name: "Phone" })).headers.get("location")).toBe(
      "/account?m=passkey-renamed",
    );
    const account = (await b.get("/account")).html;
    expect(account).toContain('value="Phone"');
    // Times are in UTC, and the columns say so (as the audit log's does).
    expect(account).toContain("Added (UTC)");
    expect(account).toContain("Last active (UTC)");
    expect((await b.post(`/account/passkeys/${u.passkeyId}/delete`, {})).headers.get("location")).toBe("/account?m=passkey-removed");
    expect((await b.get("/account")).html).toContain("You have no passkeys yet.");
  });

  it("offer a user with an app and a passkey to remove the app, and say 2FA stays on when it is gone", async () => {
    const u = await enrolledTechnician();
    await addPasskey(u.cookie);
    const t = await tab(u.cookie);
    const { html } = await t.get("/account");
    expect(html).toContain("Remove the authenticator app");
    expect(html).toContain(">Remove app</button>");
    expect(html).not.toContain("Turn off two-factor authentication");
    const res = await t.post("/account/2fa/disable", { code: codeFor(u.enrollment.secret) });
    expect([res.status, res.headers.get("location")]).toEqual([303, "/account?m=app-removed"]);
    const after = await t.get("/account?m=app-removed");
    expect(after.html).toContain("The authenticator app was removed. Two-factor authentication stays on with your passkeys.");
    expect(after.html).not.toContain("Two-factor authentication is off.");
  });

  it("refuse a blank new name next to the passkey's field, keeping what was typed, and rename nothing", async () => {
    const u = await passkeyTechnician();
    const b = await tab(u.cookie);
    await b.get("/account");
    const res = await b.post(`/account/passkeys/${u.passkeyId}/rename`, { name: "   " });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toMatch(/<input id="passkey-name-0" name="name" type="text" value=" {3}"[^>]*autofocus=""[^>]*aria-invalid="true"/);
    expect(html).toContain('<p class="field-error" id="passkey-name-0-error">This field is required.</p>');
    expect(html).not.toContain("Check the highlighted fields.");
    const list = await call("/api/me/passkeys", { cookie: u.cookie });
    expect(((await list.json()) as { passkeys: { name: string }[] }).passkeys.map((k) => k.name)).toEqual(["Laptop"]);
  });

  it("show a passkey-only user the Account page it can use: no code fields, the passkey for recovery codes, add an app", async () => {
    const u = await passkeyTechnician();
    const b = await tab(u.cookie);
    const html = (await b.get("/account")).html;
    expect(html).not.toContain('id="regen-code"');
    expect(html).not.toContain('id="disable-code"');
    expect(html).toContain('id="regen-passkey"');
    expect(html).toContain("Add an authenticator app");
    // Regenerating with the passkey: the script's answer arrives as `webauthn`.
    const options = await b.post("/account/step-up/passkey", {});
    const answer = await u.auth.assert((await options.json()) as { challenge: string });
    const formId = /name="formId" value="([^"]+)"/.exec(html)?.[1] ?? "";
    const codes = await b.post("/account/2fa/recovery-codes", { webauthn: JSON.stringify(answer), formId });
    expect(codes.status).toBe(200);
    expect((await codes.text()).match(/<li>/g)?.length ?? 0).toBeGreaterThanOrEqual(10);
    // Setting up an app alongside starts (a fresh session: no step-up asked).
    const setup = await b.post("/account/2fa/setup", {});
    expect(await setup.text()).toContain('id="totp-key"');
  });

  it("turn 'Require phishing-resistant sign-in' on in Settings after step-up, and list who has no passkey", async () => {
    const u = await enrolledTechnician();
    const admin = await tab(await signIn(u.org.admin.email));
    const page = (await admin.get("/settings")).html;
    expect(page).toContain('id="requirePhishingResistant"');
    // Who has no passkey is listed only once the org requires one.
    expect(page).not.toContain(u.email);
    staleSession();
    const refused = await admin.post("/settings", { require2fa: "off", totpPeriod: "30", requirePhishingResistant: "on" });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("Confirm it");
    const fresh = await tab(await signIn(u.org.admin.email));
    await fresh.get("/settings");
    const saved = await fresh.post("/settings", { totpPeriod: "30", requirePhishingResistant: "on" });
    expect(saved.headers.get("location")).toBe("/settings?m=saved");
    const after = (await fresh.get("/settings")).html;
    expect(after).toMatch(/id="requirePhishingResistant"[^>]*checked/);
    expect(after).toContain(u.email);

    // The member's code now leads to the passkey enrollment page, which adds one and signs in.
    const b = await tab();
    await b.get("/");
    await b.post("/login", { email: u.email, password: PASSWORD });
    const { codeFor } = await import("../support/totp");
    const step = await b.post("/login/2fa", { code: codeFor(u.enrollment.secret) });
    expect(step.headers.get("location")).toBe("/login/enroll/passkey");
    const enroll = await b.get("/login/enroll/passkey");
    expect(enroll.html).toContain('id="passkey-enroll"');
    const options = await b.post("/login/enroll/passkey/options", {});
    expect(options.status).toBe(200);
    const response = await new SoftAuthenticator().register((await options.json()) as never);
    const done = await b.post("/login/enroll/passkey", { name: "Laptop", response: JSON.stringify(response) });
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/account");
    expect((await b.get("/account")).res.status).toBe(200);
  });
});

describe("the Account page where the org requires phishing-resistant sign-in", () => {
  it("says why the app stays, and refuses a code for new recovery codes in the org's words", async () => {
    const u = await enrolledTechnician();
    await addPasskey(u.cookie);
    const on = await callJson("/api/org/settings", { method: "PATCH", cookie: u.adminCookie, body: { requirePhishingResistant: true } });
    expect(on.status).toBe(200);
    const b = await tab(u.cookie);
    const account = (await b.get("/account")).html;
    expect(account).toContain("Your organization requires phishing-resistant sign-in, so the app cannot be removed with one of its codes.");
    expect(account).not.toContain("so you cannot disable it");
    const refused = await b.post("/account/2fa/recovery-codes", {
      code: codeFor(u.enrollment.secret),
      formId: /name="formId" value="([^"]+)"/.exec(account)?.[1] ?? "",
    });
    expect(refused.status).toBe(403);
    const html = await refused.text();
    expect(html).toContain("Your organization requires phishing-resistant sign-in: use your passkey here, a code is not enough.");
    expect(html).not.toContain("Something went wrong");
  });
});
