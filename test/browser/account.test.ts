// The Account page in real headless Chromium, past enrollment: regenerating recovery codes and disabling 2FA with
// a current code (from oathtool), changing the password, and the lockout's 429 in words (English and French) on the
// sign-in page and on the password form. Each scenario has its own org so their lockout counters stay apart.
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capture, createOrg, type Harness, newProfile, nextCode, nextCodeWaiting, PASSWORD, startHarness } from "./support/harness";

const run = crypto.randomUUID().slice(0, 6);
const RITA = `rita-${run}@example.com`; // 2FA on, codes regenerated, 2FA off
const LOU = `lou-${run}@example.com`; // locked out
const PAUL = `paul-${run}@example.com`; // changes the password
const NEW_PASSWORD = "purple elephant marmalade 42";

let h: Harness;
const a11y: string[] = [];

beforeAll(async () => {
  h = await startHarness("account");
  await createOrg(h, `regen-${run}`, RITA);
  await createOrg(h, `lock-${run}`, LOU);
  await createOrg(h, `move-${run}`, PAUL);
  console.log(`screenshots: ${h.screenshots}`);
});

afterAll(async () => {
  await h?.stop();
});

const EN = { email: "Email", password: "Password", submit: "Sign in" };
const FR = { email: "E-mail", password: "Mot de passe", submit: "Se connecter" };

async function signIn(page: Page, email: string, password = PASSWORD, labels = EN) {
  await page.goto("/");
  await page.getByLabel(labels.email, { exact: true }).fill(email);
  await page.getByLabel(labels.password, { exact: true }).fill(password);
  await page.getByRole("button", { name: labels.submit }).click();
}

/** The words a screen reader reads after a field's label: its hint and error, through aria-describedby. */
async function describedBy(page: Page, field: Locator): Promise<string> {
  const ids = ((await field.getAttribute("aria-describedby")) ?? "").split(" ").filter(Boolean);
  const texts = await Promise.all(ids.map((id) => page.locator(`#${id}`).textContent()));
  return texts.join(" ");
}

describe("Account page in Chromium", () => {
  it("regenerates recovery codes and disables 2FA, each with a current code", async () => {
    const { context, page, cspErrors } = await newProfile(h, "en-US");
    await signIn(page, RITA);
    await page.waitForURL("**/account");
    await page.getByRole("button", { name: "Enable 2FA" }).click();
    const secret = ((await page.locator("#totp-key").textContent()) ?? "").replace(/\s+/g, "");
    const enrolled = nextCode(secret, 0);
    await page.getByLabel("Authentication code").fill(enrolled.code);
    await page.getByRole("button", { name: "Verify" }).click();
    const oldCodes = await page.locator("#recovery-codes li").allInnerTexts();
    expect(oldCodes).toHaveLength(10);
    await page.getByRole("link", { name: "Continue" }).click();
    await page.waitForURL("**/account?m=enabled");

    // Both forms ask for "Current authentication code"; each form is named by its heading.
    const regenerate = page.getByRole("form", { name: "Recovery codes" });
    await regenerate.getByLabel("Current authentication code").fill("000000");
    await regenerate.getByRole("button", { name: "Regenerate recovery codes" }).click();
    const regenField = page.getByRole("form", { name: "Recovery codes" }).getByLabel("Current authentication code");
    expect(await regenField.getAttribute("aria-invalid")).toBe("true");
    expect(await describedBy(page, regenField)).toBe("That code is incorrect or has expired. Wait for a new code and try again.");
    a11y.push(...(await capture(page, "regenerate-error")));

    // Enrollment spent step s; the code of step s+1 is accepted at once (one step of drift).
    const regen = nextCode(secret, enrolled.step);
    await regenField.fill(regen.code);
    await page.getByRole("button", { name: "Regenerate recovery codes" }).click();
    expect(await page.getByRole("heading", { name: "Save your recovery codes" }).isVisible()).toBe(true);
    const newCodes = await page.locator("#recovery-codes li").allInnerTexts();
    expect(newCodes).toHaveLength(10);
    expect(newCodes.filter((c) => oldCodes.includes(c))).toEqual([]);
    expect(await page.getByText("These codes will not be shown again.").isVisible()).toBe(true);
    a11y.push(...(await capture(page, "regenerated-codes")));
    await page.getByRole("link", { name: "Continue" }).click();
    await page.waitForURL(/\/account$/);
    expect(await page.getByText("10 of 10 recovery codes left").isVisible()).toBe(true);
    expect(await page.locator("#recovery-codes").count()).toBe(0);

    // The old set stopped working at once; the new one signs in.
    await page.getByRole("button", { name: "Sign out" }).click();
    await signIn(page, RITA);
    await page.getByRole("link", { name: "Use a recovery code" }).click();
    await page.getByLabel("Recovery code").fill(oldCodes[0] ?? "");
    await page.getByRole("button", { name: "Verify" }).click();
    expect(await page.getByLabel("Recovery code").getAttribute("aria-invalid")).toBe("true");
    a11y.push(...(await capture(page, "old-recovery-code-refused")));
    await page.getByLabel("Recovery code").fill(newCodes[0] ?? "");
    await page.getByRole("button", { name: "Verify" }).click();
    await page.waitForURL("**/account?m=recovery_used");
    expect(await page.getByText("9 of 10 recovery codes left").isVisible()).toBe(true);

    // Regenerating spent step s+1: disabling needs s+2, usable once the clock reaches s+1 (at most 30 s away).
    const off = await nextCodeWaiting(secret, regen.step);
    const disable = page.getByRole("form", { name: "Turn off two-factor authentication" });
    await disable.getByLabel("Current authentication code").fill(off.code);
    await disable.getByRole("button", { name: "Disable 2FA" }).click();
    await page.waitForURL("**/account?m=disabled");
    expect(await page.getByRole("status").textContent()).toBe("Two-factor authentication is off.");
    expect(await page.getByText("Not enrolled").isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: "Enable 2FA" }).isVisible()).toBe(true);
    a11y.push(...(await capture(page, "two-factor-disabled")));

    // With 2FA off, the password alone signs in again.
    await page.getByRole("button", { name: "Sign out" }).click();
    await signIn(page, RITA);
    await page.waitForURL(/\/account$/);
    expect(cspErrors).toEqual([]);
    await context.close();
  }, 90_000);

  it("shows the lockout after 10 wrong passwords, in English and French, and on the password form", async () => {
    // Signed in before the lockout: this session stays, but the password form is locked too.
    const before = await newProfile(h, "en-US");
    await signIn(before.page, LOU);
    await before.page.waitForURL("**/account");

    const { context, page } = await newProfile(h, "en-US");
    for (let i = 1; i <= 10; i++) {
      await signIn(page, LOU, `wrong password ${i}`);
      expect(await page.getByRole("alert").textContent()).toBe("The email, password or operator code is incorrect.");
    }
    // The 11th attempt is refused even with the right password: a correct password does not lift the lock.
    await signIn(page, LOU);
    expect(await page.getByRole("alert").textContent()).toBe("Too many attempts, try again in 15 minutes.");
    a11y.push(...(await capture(page, "sign-in-locked")));
    await context.close();

    const fr = await newProfile(h, "fr-FR");
    await signIn(fr.page, LOU, PASSWORD, FR);
    expect(await fr.page.getByRole("alert").textContent()).toBe("Trop de tentatives, réessayez dans 15 minutes.");
    a11y.push(...(await capture(fr.page, "fr-sign-in-locked")));
    await fr.context.close();

    await before.page.getByLabel("Current password", { exact: true }).fill(PASSWORD);
    await before.page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await before.page.getByRole("button", { name: "Change password" }).click();
    const form = before.page.getByRole("region", { name: "Password" });
    expect(await form.getByRole("alert").textContent()).toBe("Too many attempts, try again in 15 minutes.");
    a11y.push(...(await capture(before.page, "password-locked")));
    await before.context.close();
  });

  it("changes the password on the Account page; the new one signs in, the old one no longer does", async () => {
    const { context, page, cspErrors } = await newProfile(h, "en-US");
    await signIn(page, PAUL);
    await page.waitForURL("**/account");
    const current = page.getByLabel("Current password", { exact: true });
    const next = page.getByLabel("New password", { exact: true });
    expect(await current.getAttribute("autocomplete")).toBe("current-password");
    expect(await next.getAttribute("autocomplete")).toBe("new-password");
    a11y.push(...(await capture(page, "account-password")));

    await current.fill("not my password");
    await next.fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Change password" }).click();
    expect(await current.getAttribute("aria-invalid")).toBe("true");
    expect(await describedBy(page, current)).toBe("The current password is incorrect.");
    expect(await next.getAttribute("aria-invalid")).toBeNull();
    a11y.push(...(await capture(page, "password-wrong-current")));

    await current.fill(PASSWORD);
    await next.fill("short");
    await page.getByRole("button", { name: "Change password" }).click();
    expect(await next.getAttribute("aria-invalid")).toBe("true");
    expect(await describedBy(page, next)).toContain("Use 8 to 256 characters.");
    expect(await current.getAttribute("aria-invalid")).toBeNull();
    a11y.push(...(await capture(page, "password-too-short")));

    await current.fill(PASSWORD);
    await next.fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Change password" }).click();
    await page.waitForURL("**/account?m=password");
    expect(await page.getByRole("status").textContent()).toBe(
      "Your password was changed. Other browsers signed in to your account were signed out.",
    );
    a11y.push(...(await capture(page, "password-changed")));
    await page.setViewportSize({ width: 390, height: 844 });
    a11y.push(...(await capture(page, "phone-password-changed")));
    await page.getByRole("link", { name: "Français" }).click();
    expect(await page.getByLabel("Mot de passe actuel", { exact: true }).isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: "Changer le mot de passe" }).isVisible()).toBe(true);
    a11y.push(...(await capture(page, "phone-fr-account")));
    await page.setViewportSize({ width: 1100, height: 800 });
    await page.getByRole("link", { name: "English" }).click(); // the switch is remembered in a cookie

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/$/);
    await signIn(page, PAUL);
    expect(await page.getByRole("alert").textContent()).toBe("The email, password or operator code is incorrect.");
    await signIn(page, PAUL, NEW_PASSWORD);
    await page.waitForURL("**/account");
    expect(cspErrors).toEqual([]);
    await context.close();
  });

  it("axe finds no serious or critical accessibility violations on these pages", () => {
    expect(a11y).toEqual([]);
  });
});
