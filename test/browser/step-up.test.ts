// Step-up asked in place, in real Chromium, as GitHub's sudo mode does: the Worker runs with STEP_UP_MINUTES=0,
// so every sensitive action asks again. Without 2FA the Enable form asks for the password; with 2FA, creating an
// API key and adding an admin ask for a current code (oathtool). A wrong answer is shown at its field and nothing
// changes; the right one goes through. English and French, with screenshots and axe on each prompt.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wrongCode } from "../support/codes";
import { capture, createOrg, type Harness, newProfile, nextCode, nextCodeWaiting, PASSWORD, startHarness } from "./support/harness";
import { virtualAuthenticator } from "./support/virtual-authenticator";

const run = crypto.randomUUID().slice(0, 6);
const ADA = `ada-${run}@example.com`;
const ELISE = `elise-${run}@example.com`;
const PIA = `pia-${run}@example.com`;

let h: Harness;
const a11y: string[] = [];

beforeAll(async () => {
  h = await startHarness("step-up", { STEP_UP_MINUTES: "0" });
  await createOrg(h, `sudo-${run}`, ADA);
  await createOrg(h, `sudo-fr-${run}`, ELISE);
  await createOrg(h, `sudo-pk-${run}`, PIA);
  console.log(`screenshots: ${h.screenshots}`);
});

afterAll(async () => {
  await h?.stop();
});

const EN = {
  email: "Email",
  signInPassword: "Password",
  password: "Your password",
  signIn: "Sign in",
  enable: "Enable 2FA",
  title: "Confirm it's you",
  needed: "Confirm it's you to continue.",
  wrongPassword: "The password is incorrect.",
  code: "Authentication code",
  verify: "Verify",
  continue: "Continue",
  apiKeys: "API keys",
  name: "Name",
  role: "Role",
  expiresIn: "Expires after",
  create: "Create API key",
  wrongCode: "That code is incorrect or has expired. Wait for a new code and try again.",
};
const FR = {
  email: "E-mail",
  signInPassword: "Mot de passe",
  password: "Votre mot de passe",
  signIn: "Se connecter",
  enable: "Activer la 2FA",
  title: "Confirmez votre identité",
  needed: "Confirmez votre identité pour continuer.",
  wrongPassword: "Le mot de passe est incorrect.",
  code: "Code d’authentification",
  verify: "Vérifier",
  continue: "Continuer",
  apiKeys: "Clés d’API",
  name: "Nom",
  role: "Rôle",
  expiresIn: "Expire après",
  create: "Créer la clé d’API",
  wrongCode: "Ce code est incorrect ou a expiré. Attendez un nouveau code et réessayez.",
};

async function signIn(page: Page, email: string, t: typeof EN) {
  await page.goto("/");
  await page.getByLabel(t.email, { exact: true }).fill(email);
  await page.getByLabel(t.signInPassword, { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: t.signIn, exact: true }).click();
  await page.waitForURL("**/account");
}

/** The error a screen reader reads for a field: its aria-describedby text. */
async function errorOf(page: Page, label: string): Promise<string> {
  const field = page.getByLabel(label, { exact: true });
  expect(await field.getAttribute("aria-invalid")).toBe("true");
  const ids = ((await field.getAttribute("aria-describedby")) ?? "").split(" ").filter(Boolean);
  return (await Promise.all(ids.map((id) => page.locator(`#${id}`).textContent()))).join(" ");
}

/** Account → Enable 2FA through the password prompt, then the QR; returns the secret and the step spent. */
async function enableWithPassword(page: Page, t: typeof EN, shot: string) {
  const prompt = page.getByRole("group", { name: t.title });
  expect(await prompt.isVisible()).toBe(true);
  a11y.push(...(await capture(page, `${shot}-enable-prompt`)));
  await page.getByLabel(t.password, { exact: true }).fill("not my password");
  await page.getByRole("button", { name: t.enable }).click();
  expect(await errorOf(page, t.password)).toBe(t.wrongPassword);
  a11y.push(...(await capture(page, `${shot}-enable-wrong-password`)));
  await page.getByLabel(t.password, { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: t.enable }).click();
  const secret = ((await page.locator("#totp-key").textContent()) ?? "").replace(/\s+/g, "");
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  const enrolled = nextCode(secret, 0);
  await page.getByLabel(t.code, { exact: true }).fill(enrolled.code);
  await page.getByRole("button", { name: t.verify }).click();
  await page.locator("#recovery-codes").waitFor();
  await page.getByRole("link", { name: t.continue }).click();
  return { secret, step: enrolled.step };
}

/** API keys → create, through the code prompt: a wrong code first, then the right one. */
async function createKeyWithCode(page: Page, t: typeof EN, secret: string, lastStep: number, shot: string) {
  await page.getByRole("link", { name: t.apiKeys }).click();
  expect(await page.getByRole("group", { name: t.title }).isVisible()).toBe(true);
  await page.getByLabel(t.name, { exact: true }).fill("nightly backup");
  await page.getByLabel(t.role, { exact: true }).selectOption("admin");
  await page.getByLabel(t.expiresIn).selectOption("30");
  const next = nextCode(secret, lastStep);
  await page.getByLabel(t.code, { exact: true }).fill(wrongCode(next.code));
  await page.getByRole("button", { name: t.create }).click();
  expect(await errorOf(page, t.code)).toBe(t.wrongCode);
  // What was typed stays: only the code is asked again.
  expect(await page.getByLabel(t.name, { exact: true }).inputValue()).toBe("nightly backup");
  expect(await page.getByLabel(t.role, { exact: true }).inputValue()).toBe("admin");
  expect(await page.getByLabel(t.expiresIn).inputValue()).toBe("30");
  expect(await page.locator("#new-api-key").count()).toBe(0);
  a11y.push(...(await capture(page, `${shot}-key-wrong-code`)));
  await page.getByLabel(t.code, { exact: true }).fill(next.code);
  await page.getByRole("button", { name: t.create }).click();
  const key = (await page.locator("#new-api-key").textContent()) ?? "";
  expect(key).toMatch(/^gk\./);
  a11y.push(...(await capture(page, `${shot}-key-created`)));
  const listed = await fetch(`${h.url}/api/org/api-keys`, { headers: { authorization: `Bearer ${key}` } });
  const body = (await listed.json()) as { apiKeys: { expiresAt: string; createdBy: string }[] };
  expect(listed.status).toBe(200);
  const days = (Date.parse(body.apiKeys[0]?.expiresAt ?? "") - Date.now()) / 86_400_000;
  expect(days).toBeGreaterThan(29.9);
  expect(days).toBeLessThanOrEqual(30);
  return next.step;
}

describe("step-up prompts in Chromium", () => {
  it("lets a user whose only second factor is a passkey step up with it (Use a passkey), no code asked", async () => {
    // WebAuthn needs a domain name: the same Worker at http://localhost.
    const local = { ...h, url: h.url.replace("://127.0.0.1", "://localhost") };
    const { context, page, cspErrors } = await newProfile(local, "en-US");
    const auth = await virtualAuthenticator(page);
    await signIn(page, PIA, EN);
    // Adding the first passkey asks for the password (no second factor yet).
    await page.getByLabel("Name of the new passkey").fill("Chromium");
    await page.locator("#passkey-add-password").fill(PASSWORD);
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await page.locator("#recovery-codes li").first().waitFor();
    await page.getByRole("link", { name: EN.continue }).click();
    await page.waitForURL("**/account?m=passkey-added");
    // Every action asks again (STEP_UP_MINUTES=0): removing it offers the passkey, and no code or password field.
    const prompt = page.locator("#passkey-remove-0-passkey");
    await prompt.waitFor({ state: "visible" });
    expect(await page.locator("#passkey-remove-0-code").count()).toBe(0);
    expect(await page.locator("form[action$='/delete'] input[name=password]").count()).toBe(0);
    a11y.push(...(await capture(page, "en-passkey-step-up-prompt")));
    await prompt.click();
    await page.waitForURL("**/account?m=passkey-removed");
    expect(await page.getByText("Passkey removed.").isVisible()).toBe(true);
    const used = (await auth.cdp.send("WebAuthn.getCredentials", { authenticatorId: auth.authenticatorId })).credentials;
    expect(used[0]?.signCount).toBeGreaterThanOrEqual(1);
    a11y.push(...(await capture(page, "en-passkey-step-up-done")));
    expect(cspErrors).toEqual([]);
    await context.close();
  });

  it("asks for the password before 2FA setup, then for a code before an API key and a new admin (English)", async () => {
    const { context, page, cspErrors } = await newProfile(h, "en-US");
    await signIn(page, ADA, EN);
    const { secret, step } = await enableWithPassword(page, EN, "en");
    const keyStep = await createKeyWithCode(page, EN, secret, step, "en");

    await page.getByRole("link", { name: "Users" }).click();
    await page.getByLabel("Email", { exact: true }).fill(`bob-${run}@example.com`);
    await page.getByLabel("Password", { exact: true }).fill("bobs long password");
    await page.getByLabel("Role").selectOption("admin");
    await page.getByRole("button", { name: "Add user" }).click();
    expect(await errorOf(page, EN.code)).toBe(EN.needed);
    a11y.push(...(await capture(page, "en-add-admin-prompt")));
    await page.getByLabel("Password", { exact: true }).fill("bobs long password");
    const next = await nextCodeWaiting(secret, keyStep);
    await page.getByLabel(EN.code, { exact: true }).fill(next.code);
    await page.getByRole("button", { name: "Add user" }).click();
    await page.waitForURL("**/users?m=added");
    expect(await page.getByRole("cell", { name: `bob-${run}@example.com` }).isVisible()).toBe(true);
    expect(cspErrors).toEqual([]);
    await context.close();
  });

  it("asks the same in French", async () => {
    const { context, page, cspErrors } = await newProfile(h, "fr-FR");
    await signIn(page, ELISE, FR);
    const { secret, step } = await enableWithPassword(page, FR, "fr");
    await createKeyWithCode(page, FR, secret, step, "fr");
    expect(cspErrors).toEqual([]);
    await context.close();
  });

  it("has no serious accessibility violation on any prompt", () => {
    expect(a11y).toEqual([]);
  });
});
