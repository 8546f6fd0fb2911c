// Passkeys in real headless Chromium with its virtual authenticator (CDP WebAuthn: ctap2, internal, resident keys,
// user verification): add one on the Account page, sign out, sign in with password + passkey, with the passkey
// alone, remove it; English and French; on http://localhost (WebAuthn refuses IP addresses, and says so there).
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capture, createOrg, type Harness, newProfile, PASSWORD, startHarness } from "./support/harness";
import { credentials, virtualAuthenticator } from "./support/virtual-authenticator";

const run = crypto.randomUUID().slice(0, 6);
const ANA = `ana-${run}@example.com`;
const CHLOE = `chloe-${run}@example.com`;
const DORA = `dora-${run}@example.com`;
const MEMBER = `member-${run}@example.com`;
const ELLA = `ella-${run}@example.com`;
const FINN = `finn-${run}@example.com`;

let h: Harness;
/** The same Worker at http://localhost: a domain name, so WebAuthn has a relying party ID. */
let local: Harness;
const a11y: string[] = [];

beforeAll(async () => {
  h = await startHarness("passkeys");
  local = { ...h, url: h.url.replace("://127.0.0.1", "://localhost") };
  await createOrg(h, `pk-${run}`, ANA);
  await createOrg(h, `pkfr-${run}`, CHLOE);
  await createOrg(h, `pkpr-${run}`, DORA);
  await createOrg(h, `pk2fa-${run}`, ELLA);
  console.log(`screenshots: ${h.screenshots}`);
});

afterAll(async () => {
  await h?.stop();
});

const WORDS = {
  en: {
    email: "Email",
    password: "Password",
    submit: "Sign in",
    signOut: "Sign out",
    newName: "Name of the new passkey",
    add: "Add a passkey",
    continue: "Continue",
    use: "Use a passkey",
    passwordless: "Sign in with a passkey",
    remove: (name: string) => `Remove ${name}`,
    none: "You have no passkeys yet.",
    added: "Passkey added.",
    removed: "Passkey removed.",
  },
  fr: {
    email: "E-mail",
    password: "Mot de passe",
    submit: "Se connecter",
    signOut: "Se déconnecter",
    newName: "Nom de la nouvelle clé d’accès",
    add: "Ajouter une clé d’accès",
    continue: "Continuer",
    use: "Utiliser une clé d’accès",
    passwordless: "Se connecter avec une clé d’accès",
    remove: (name: string) => `Supprimer ${name}`,
    none: "Vous n’avez pas encore de clé d’accès.",
    added: "Clé d’accès ajoutée.",
    removed: "Clé d’accès supprimée.",
  },
};

async function passwordStep(page: Page, email: string, w: (typeof WORDS)["en"]) {
  await page.goto("/");
  await page.getByLabel(w.email, { exact: true }).fill(email);
  await page.getByLabel(w.password, { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: w.submit, exact: true }).click();
}

async function signOut(page: Page, w: (typeof WORDS)["en"]) {
  await page.getByRole("button", { name: w.signOut, exact: true }).click();
  await page.waitForURL((u) => u.pathname === "/");
}

async function wholeJourney(lang: "en" | "fr", email: string) {
  const w = WORDS[lang];
  const { context, page, cspErrors } = await newProfile(local, lang === "en" ? "en-US" : "fr-FR");
  const auth = await virtualAuthenticator(page);

  // Add a passkey on the Account page: the first second factor brings the recovery codes.
  await passwordStep(page, email, w);
  await page.waitForURL("**/account");
  await page.getByLabel(w.newName).fill("Chromium");
  a11y.push(...(await capture(page, `${lang}-account-before`)));
  await page.getByRole("button", { name: w.add }).click();
  await page.locator("#recovery-codes li").first().waitFor();
  expect(await page.locator("#recovery-codes li").count()).toBe(10);
  await page.getByRole("link", { name: w.continue }).click();
  await page.waitForURL("**/account?m=passkey-added");
  expect(await page.getByText(w.added).isVisible()).toBe(true);
  expect(await page.getByRole("cell", { name: "Chromium", exact: true }).isVisible()).toBe(true);
  expect(await credentials(auth)).toHaveLength(1);
  a11y.push(...(await capture(page, `${lang}-passkey-added`)));

  // Sign out; sign in with the password, then the passkey as the second step.
  await signOut(page, w);
  await passwordStep(page, email, w);
  await page.waitForURL("**/login/2fa");
  const use = page.getByRole("button", { name: w.use });
  await use.waitFor({ state: "visible" });
  a11y.push(...(await capture(page, `${lang}-second-step`)));
  await use.click();
  await page.waitForURL("**/account");
  expect((await credentials(auth))[0]?.signCount).toBeGreaterThanOrEqual(1);

  // Sign out; sign in with the passkey alone (no email, no password).
  await signOut(page, w);
  const alone = page.getByRole("button", { name: w.passwordless });
  await alone.waitFor({ state: "visible" });
  a11y.push(...(await capture(page, `${lang}-sign-in`)));
  await alone.click();
  await page.waitForURL("**/account");
  expect(await page.getByText(email, { exact: true }).isVisible()).toBe(true);

  // Remove it (the session is fresh: no step-up asked).
  await page.getByRole("button", { name: w.remove("Chromium") }).click();
  await page.waitForURL("**/account?m=passkey-removed");
  expect(await page.getByText(w.removed).isVisible()).toBe(true);
  expect(await page.getByText(w.none).isVisible()).toBe(true);
  a11y.push(...(await capture(page, `${lang}-passkey-removed`)));

  // The removed passkey no longer signs anyone in.
  await signOut(page, w);
  await page.getByRole("button", { name: w.passwordless }).click();
  await page.getByRole("alert").first().waitFor();
  expect(new URL(page.url()).pathname).toBe("/login/passkey");
  a11y.push(...(await capture(page, `${lang}-removed-passkey-refused`)));
  expect(cspErrors).toEqual([]);
  await context.close();
}

describe("passkeys in Chromium", () => {
  it("add a passkey, sign in with password + passkey, with the passkey alone, remove it (English)", async () => {
    await wholeJourney("en", ANA);
  });

  it("the same in French", async () => {
    await wholeJourney("fr", CHLOE);
  });

  it("require phishing-resistant sign-in: a member without a passkey is sent to add one, then gets in", async () => {
    // The admin turns the setting on (a fresh session: no step-up asked) and adds a member, through the API.
    const json = { "content-type": "application/json", origin: h.url };
    const login = await fetch(`${h.url}/auth/login`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ email: DORA, password: PASSWORD }),
    });
    const cookie = (login.headers.getSetCookie()[0] ?? "").split(";")[0] ?? "";
    const on = await fetch(`${h.url}/api/org/settings`, {
      method: "PATCH",
      headers: { ...json, cookie },
      body: JSON.stringify({ requirePhishingResistant: true }),
    });
    expect(on.status).toBe(200);
    const added = await fetch(`${h.url}/api/org/users`, {
      method: "POST",
      headers: { ...json, cookie },
      body: JSON.stringify({ email: MEMBER, password: PASSWORD, role: "technician" }),
    });
    expect(added.status).toBe(201);

    const { context, page, cspErrors } = await newProfile(local, "en-US");
    const auth = await virtualAuthenticator(page);
    await passwordStep(page, MEMBER, WORDS.en);
    await page.waitForURL("**/login/enroll/passkey");
    a11y.push(...(await capture(page, "en-phishing-resistant-enroll")));
    // The name is optional: the button alone starts the ceremony, and the passkey is named after the browser.
    await page.getByRole("button", { name: WORDS.en.add }).click();
    await page.locator("#recovery-codes li").first().waitFor();
    await page.getByRole("link", { name: WORDS.en.continue }).click();
    await page.waitForURL("**/account");
    expect(await credentials(auth)).toHaveLength(1);
    expect(await page.getByRole("cell", { name: "Chrome on Linux", exact: true }).isVisible()).toBe(true);
    // From now on the passkey finishes the sign-in: the second step offers no code field.
    await signOut(page, WORDS.en);
    await passwordStep(page, MEMBER, WORDS.en);
    await page.waitForURL("**/login/2fa");
    expect(await page.locator("#code").count()).toBe(0);
    await page.getByRole("button", { name: WORDS.en.use }).click();
    await page.waitForURL("**/account");
    a11y.push(...(await capture(page, "en-phishing-resistant-signed-in")));
    expect(cspErrors).toEqual([]);
    await context.close();
  });

  it("require 2FA: a member without it may set up a passkey instead of an authenticator app, then gets in", async () => {
    const json = { "content-type": "application/json" };
    const login = await fetch(`${h.url}/auth/login`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ email: ELLA, password: PASSWORD }),
    });
    const cookie = (login.headers.getSetCookie()[0] ?? "").split(";")[0] ?? "";
    const on = await fetch(`${h.url}/api/org/settings`, {
      method: "PATCH",
      headers: { ...json, cookie },
      body: JSON.stringify({ require2fa: true }),
    });
    expect(on.status).toBe(200);
    const added = await fetch(`${h.url}/api/org/users`, {
      method: "POST",
      headers: { ...json, cookie },
      body: JSON.stringify({ email: FINN, password: PASSWORD, role: "technician" }),
    });
    expect(added.status).toBe(201);

    const { context, page, cspErrors } = await newProfile(local, "en-US");
    const auth = await virtualAuthenticator(page);
    await passwordStep(page, FINN, WORDS.en);
    await page.waitForURL("**/login/enroll");
    expect(await page.locator("img[alt^='QR code']").isVisible()).toBe(true);
    await page.getByRole("link", { name: "Use a passkey instead" }).click();
    await page.waitForURL("**/login/enroll/passkey?choice=1");
    expect(await page.getByText("instead of an authenticator app. It counts as two-factor authentication.").isVisible()).toBe(true);
    expect(await page.getByText("phishing-resistant").count()).toBe(0);
    a11y.push(...(await capture(page, "en-require-2fa-passkey-instead")));
    await page.getByRole("button", { name: WORDS.en.add }).click();
    await page.locator("#recovery-codes li").first().waitFor();
    await page.getByRole("link", { name: WORDS.en.continue }).click();
    await page.waitForURL("**/account");
    expect(await credentials(auth)).toHaveLength(1);
    // The passkey is the second factor from now on.
    await signOut(page, WORDS.en);
    await passwordStep(page, FINN, WORDS.en);
    await page.waitForURL("**/login/2fa");
    await page.getByRole("button", { name: WORDS.en.use }).click();
    await page.waitForURL("**/account");
    expect(cspErrors).toEqual([]);
    await context.close();
  });

  it("hide the passkey buttons without JavaScript; the password still signs in", async () => {
    const context = await h.browser.newContext({ baseURL: local.url, locale: "en-US", javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto("/");
    expect(await page.getByRole("button", { name: WORDS.en.passwordless }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Sign in", exact: true }).isVisible()).toBe(true);
    await context.close();
  });

  it("say on 127.0.0.1 why passkeys are unavailable", async () => {
    const { context, page, cspErrors } = await newProfile(h, "en-US");
    await page.goto("/");
    expect(await page.getByText("Passkeys are unavailable at this address").isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: WORDS.en.passwordless }).count()).toBe(0);
    a11y.push(...(await capture(page, "ip-address-unavailable")));
    expect(cspErrors).toEqual([]);
    await context.close();
  });

  it("axe finds no serious or critical accessibility violations on these pages", () => {
    expect(a11y).toEqual([]);
  });
});
