// The web pages end to end in real headless Chromium: an admin adds a technician, the technician enables 2FA by
// scanning the QR code, signs in again with a code and with a recovery code, the admin requires 2FA and the next
// sign-in of someone without it lands on forced enrollment; French pages; axe on every page; screenshots.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capture, createOrg, type Harness, newProfile, nextCode, PASSWORD, readQr, startHarness } from "./support/harness";

const run = crypto.randomUUID().slice(0, 6);
const ADMIN = `ada-${run}@example.com`;
const TECH = `tess-${run}@example.com`;
const TECH2 = `tom-${run}@example.com`;

let h: Harness;
const a11y: string[] = [];
const tech = { secret: "", lastStep: 0, recoveryCodes: [] as string[] };

beforeAll(async () => {
  h = await startHarness("pages");
  await createOrg(h, `acme-${run}`, ADMIN);
  console.log(`screenshots: ${h.screenshots}`);
});

afterAll(async () => {
  await h?.stop();
});

async function signIn(page: Page, email: string, labels = { email: "Email", password: "Password", submit: "Sign in" }) {
  await page.goto("/");
  await page.getByLabel(labels.email, { exact: true }).fill(email);
  await page.getByLabel(labels.password, { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: labels.submit }).click();
}

/** The id of the element that has the keyboard focus ("" for none). A string: the test's tsconfig has no DOM types. */
function focusedId(page: Page): Promise<string> {
  return page.evaluate<string>(`document.activeElement ? document.activeElement.id : ""`);
}

async function enrollFromQr(page: Page, name: string) {
  const uri = await readQr(page.getByRole("img", { name: /QR code/ }), name);
  expect(uri).toMatch(/^otpauth:\/\/totp\/Gatehouse:.+\?secret=[A-Z2-7]+&issuer=Gatehouse&algorithm=SHA1&digits=6&period=30$/);
  const secret = new URL(uri).searchParams.get("secret") ?? "";
  expect(((await page.locator("#totp-key").textContent()) ?? "").replace(/\s+/g, "")).toBe(secret);
  const { code, step } = nextCode(secret, 0);
  await page.getByLabel("Authentication code").fill(code);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("heading", { name: "Save your recovery codes" }).isVisible()).resolves.toBe(true);
  const codes = await page.locator("#recovery-codes li").allInnerTexts();
  expect(codes).toHaveLength(10);
  const download = await page.getByRole("link", { name: "Download" }).getAttribute("href");
  expect(decodeURIComponent(download ?? "")).toContain(codes[0]);
  expect(await page.getByText("These codes will not be shown again.").isVisible()).toBe(true);
  return { secret, step, codes };
}

describe("web pages in Chromium", () => {
  it("shows one generic error for wrong credentials, tied to no field, with security headers", async () => {
    const { context, page, cspErrors } = await newProfile(h, "en-US");
    const res = await page.goto("/");
    expect(res?.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(res?.headers()["x-content-type-options"]).toBe("nosniff");
    a11y.push(...(await capture(page, "sign-in")));
    await page.getByLabel("Email", { exact: true }).fill(ADMIN);
    await page.getByLabel("Password", { exact: true }).fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    expect(await page.getByRole("alert").textContent()).toBe("The email, password or operator code is incorrect.");
    // The email is kept: the focus waits in the password field.
    await expect.poll(() => focusedId(page)).toBe("password");
    a11y.push(...(await capture(page, "sign-in-error")));
    await page.setViewportSize({ width: 390, height: 844 });
    a11y.push(...(await capture(page, "phone-sign-in-error")));
    expect(cspErrors).toEqual([]);
    await context.close();
  });

  it("an admin adds a technician on the Users page", async () => {
    const { context, page, cspErrors } = await newProfile(h, "en-US");
    await signIn(page, ADMIN);
    await page.waitForURL("**/account");
    a11y.push(...(await capture(page, "admin-account")));
    await page.getByRole("link", { name: "Users" }).click();
    for (const [email, name] of [
      [TECH, "Tess Tech"],
      [TECH2, "Tom Tech"],
    ] as const) {
      await page.getByLabel("Email", { exact: true }).fill(email);
      await page.getByLabel("Name", { exact: true }).fill(name);
      await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
      await page.getByLabel("Role").selectOption("technician");
      await page.getByRole("button", { name: "Add user" }).click();
      await page.waitForURL("**/users?m=added");
    }
    const row = page.getByRole("row", { name: new RegExp(TECH) });
    expect(await row.textContent()).toContain("Not enrolled");
    a11y.push(...(await capture(page, "users")));
    // A second user with the same email is refused next to the Email field.
    await page.getByLabel("Email", { exact: true }).fill(TECH);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Add user" }).click();
    const email = page.getByLabel("Email", { exact: true });
    expect(await email.getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator(`#${(await email.getAttribute("aria-describedby"))?.split(" ").pop()}`).textContent()).toBe(
      "This email is already in use.",
    );
    a11y.push(...(await capture(page, "users-error")));
    expect(cspErrors).toEqual([]);
    await context.close();
  });

  it("the technician enables 2FA by scanning the QR code and typing a code from oathtool", async () => {
    const { context, page } = await newProfile(h, "en-US");
    await signIn(page, TECH);
    await page.waitForURL("**/account");
    expect(await page.getByText("Not enrolled").isVisible()).toBe(true);
    a11y.push(...(await capture(page, "tech-account-off")));
    await page.getByRole("button", { name: "Enable 2FA" }).click();
    await expect.poll(() => focusedId(page)).toBe("code");
    a11y.push(...(await capture(page, "enable-2fa")));
    const enrolled = await enrollFromQr(page, "enable-2fa");
    Object.assign(tech, { secret: enrolled.secret, lastStep: enrolled.step, recoveryCodes: enrolled.codes });
    a11y.push(...(await capture(page, "recovery-codes")));
    await page.getByRole("link", { name: "Continue" }).click();
    expect(await page.getByText("Two-factor authentication is on.").isVisible()).toBe(true);
    expect(await page.getByText("10 of 10 recovery codes left").isVisible()).toBe(true);
    a11y.push(...(await capture(page, "tech-account-on")));
    await page.setViewportSize({ width: 390, height: 844 });
    a11y.push(...(await capture(page, "phone-tech-account-on")));
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/$/);
    expect(await page.getByRole("button", { name: "Sign in" }).isVisible()).toBe(true);
    await context.close();
  });

  it("the technician signs in with a code, then with a recovery code", async () => {
    const { context, page } = await newProfile(h, "en-US");
    await signIn(page, TECH);
    await page.waitForURL("**/login/2fa");
    const field = page.getByLabel("Authentication code");
    expect(await field.getAttribute("inputmode")).toBe("numeric");
    expect(await field.getAttribute("autocomplete")).toBe("one-time-code");
    await expect.poll(() => focusedId(page)).toBe("code");
    a11y.push(...(await capture(page, "second-step")));
    await field.fill("000000");
    await page.getByRole("button", { name: "Verify" }).click();
    expect(await page.getByLabel("Authentication code").getAttribute("aria-invalid")).toBe("true");
    await expect.poll(() => focusedId(page)).toBe("code");
    a11y.push(...(await capture(page, "second-step-error")));
    const { code, step } = nextCode(tech.secret, tech.lastStep);
    tech.lastStep = step;
    await page.getByLabel("Authentication code").fill(code);
    // A double click sends the code once: a second post (the code spent) answered "sign in again" over the first.
    const posts: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST" && new URL(r.url()).pathname === "/login/2fa") posts.push(r.url());
    });
    await page.getByRole("button", { name: "Verify" }).dblclick();
    await page.waitForURL("**/account");
    expect(posts).toHaveLength(1);
    expect(await page.getByRole("button", { name: "Sign out" }).isVisible()).toBe(true);
    await page.getByRole("button", { name: "Sign out" }).click();

    await signIn(page, TECH);
    await page.getByRole("link", { name: "Use a recovery code" }).click();
    await page.waitForURL("**/login/recovery");
    await expect.poll(() => focusedId(page)).toBe("code");
    a11y.push(...(await capture(page, "recovery-step")));
    await page.getByLabel("Recovery code").fill(tech.recoveryCodes[0] ?? "");
    await page.getByRole("button", { name: "Verify" }).click();
    await page.waitForURL("**/account**");
    expect(await page.getByText("9 of 10 recovery codes left").isVisible()).toBe(true);
    await context.close();
  });

  it("shows the admin pages in French from Accept-Language, with a switch back to English", async () => {
    const { context, page, cspErrors } = await newProfile(h, "fr-FR");
    await page.goto("/");
    expect(await page.locator("html").getAttribute("lang")).toBe("fr");
    a11y.push(...(await capture(page, "fr-sign-in")));
    await signIn(page, ADMIN, { email: "E-mail", password: "Mot de passe", submit: "Se connecter" });
    await page.waitForURL("**/account");
    expect(await page.getByRole("heading", { name: "Authentification à deux facteurs" }).isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: "Activer la 2FA" }).isVisible()).toBe(true);
    a11y.push(...(await capture(page, "fr-account")));
    for (const [link, name] of [
      ["Utilisateurs", "fr-users"],
      ["Paramètres", "fr-settings"],
      ["Clés d’API", "fr-api-keys"],
      ["Journal d’audit", "fr-audit"],
    ] as const) {
      await page.getByRole("link", { name: link }).click();
      a11y.push(...(await capture(page, name)));
    }
    expect(await page.getByRole("heading", { name: "Journal d’audit" }).isVisible()).toBe(true);
    await page.getByRole("link", { name: "English" }).click();
    expect(await page.getByRole("heading", { name: "Audit log" }).isVisible()).toBe(true);
    a11y.push(...(await capture(page, "audit")));
    expect(cspErrors).toEqual([]);
    await context.close();
  });

  it("an admin creates and revokes an API key (after a confirmation page); the key is shown once", async () => {
    const { context, page } = await newProfile(h, "en-US");
    await signIn(page, ADMIN);
    await page.getByRole("link", { name: "API keys" }).click();
    await page.getByLabel("Name", { exact: true }).fill("backup script");
    await page.getByRole("button", { name: "Create API key" }).click();
    const key = (await page.locator("#new-api-key").textContent()) ?? "";
    expect(key).toMatch(/^gk\./);
    // Shown once, so it can be copied in one click (as the recovery codes can).
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.getByRole("button", { name: "Copy" }).click();
    await expect.poll(() => page.evaluate<string>("navigator.clipboard.readText()")).toBe(key.trim());
    a11y.push(...(await capture(page, "api-key-created")));
    const me = await fetch(`${h.url}/api/me`, { headers: { authorization: `Bearer ${key}` } });
    expect(me.status).toBe(200);
    await page.getByRole("link", { name: "Revoke: backup script" }).click();
    await page.getByRole("heading", { name: "Revoke an API key" }).waitFor({ state: "visible", timeout: 10_000 });
    a11y.push(...(await capture(page, "api-key-revoke-confirm")));
    // Asking revoked nothing: the key still works until the button is pressed.
    expect((await fetch(`${h.url}/api/me`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    await page.getByRole("button", { name: "Revoke", exact: true }).click();
    await page.waitForURL("**/api-keys?m=revoked");
    expect((await fetch(`${h.url}/api/me`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
    a11y.push(...(await capture(page, "api-keys")));
    await context.close();
  });

  it("an admin requires 2FA; the next sign-in without it lands on forced enrollment and completes it", async () => {
    const admin = await newProfile(h, "en-US");
    await signIn(admin.page, ADMIN);
    await admin.page.getByRole("link", { name: "Settings" }).click();
    expect(await admin.page.locator("#compliance-figure").textContent()).toBe("1 of 3 users enrolled");
    await admin.page.getByLabel("Require two-factor authentication").check();
    await admin.page.getByRole("button", { name: "Save" }).click();
    await admin.page.waitForURL("**/settings?m=saved");
    expect(await admin.page.getByLabel("Require two-factor authentication").isChecked()).toBe(true);
    a11y.push(...(await capture(admin.page, "settings")));

    const { context, page } = await newProfile(h, "en-US");
    await signIn(page, TECH2);
    await page.waitForURL("**/login/enroll");
    expect(await page.getByText("Your organization requires two-factor authentication.").isVisible()).toBe(true);
    a11y.push(...(await capture(page, "forced-enrollment")));
    // Scanned, then the page reloaded (or come back to): the same secret, so the app's codes still match.
    const qr = page.getByRole("img", { name: /QR code/ });
    const scanned = await readQr(qr, "forced-enrollment-scanned");
    await page.reload();
    expect(await readQr(qr, "forced-enrollment-reloaded")).toBe(scanned);
    await enrollFromQr(page, "forced-enrollment");
    a11y.push(...(await capture(page, "forced-recovery-codes")));
    await page.getByRole("link", { name: "Continue" }).click();
    await page.waitForURL("**/account");
    const disable = page.getByRole("button", { name: "Disable 2FA" });
    expect(await disable.isDisabled()).toBe(true);
    expect(await page.getByText("Your organization requires two-factor authentication, so you cannot disable it.").isVisible()).toBe(true);
    a11y.push(...(await capture(page, "tech2-account-enforced")));
    await context.close();

    // The admin's session from before the switch keeps working; Reset 2FA asks for confirmation first.
    await admin.page.getByRole("link", { name: "Users" }).click();
    await admin.page
      .getByRole("row", { name: new RegExp(TECH2) })
      .getByRole("link", { name: /Reset 2FA/ })
      .click();
    a11y.push(...(await capture(admin.page, "reset-2fa-confirm")));
    await admin.page.getByRole("button", { name: "Reset 2FA" }).click();
    await admin.page.waitForURL("**/users?m=reset");
    expect(await admin.page.getByRole("row", { name: new RegExp(TECH2) }).textContent()).toContain("Not enrolled");
    await admin.page.getByRole("link", { name: "Settings" }).click();
    expect(await admin.page.locator("#compliance-figure").textContent()).toBe("1 of 3 users enrolled");
    await admin.context.close();
  });

  it("axe finds no serious or critical accessibility violations on any page", () => {
    expect(a11y).toEqual([]);
  });
});
