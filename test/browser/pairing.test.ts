// The emailed pairing link in real headless Chromium: an admin asks for a link for a technician (JSON API), the
// mail reaches the dev outbox (DEV_MODE=true, sent by the org object's alarm), and the technician opens it in a
// fresh browser profile, as on another device: types their password, Start setup, scans the QR (zbarimg), types
// the code (oathtool), saves the recovery codes. A wrong password is shown in words and the link still works. No
// session cookie ever appears in that profile. English and French, desktop and phone; then the admin reads the
// events in the audit log, in words, with the raw type and the IP (and a count for repeated failed sign-ins).
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { http } from "../e2e/worker";
import { capture, createOrg, type Harness, newProfile, nextCode, PASSWORD, readQr, startHarness } from "./support/harness";

const run = crypto.randomUUID().slice(0, 6);
const SLUG = `pair-${run}`;
const ADMIN = `ada-${run}@example.com`;
const TESS = `tess-${run}@example.com`; // pairs in English
const THEO = `theo-${run}@example.com`; // pairs in French, on a phone
const PHONE = { width: 390, height: 844 };

let h: Harness;
let adminCookie = "";
const a11y: string[] = [];

beforeAll(async () => {
  h = await startHarness("pairing", { DEV_MODE: "true" });
  await createOrg(h, SLUG, ADMIN);
  const login = await http(h.url, "/auth/login", { body: { email: ADMIN, password: PASSWORD } });
  adminCookie = login.cookie ?? "";
  if (!adminCookie) throw new Error(`admin sign-in: ${login.status}`);
  console.log(`screenshots: ${h.screenshots}`);
});

afterAll(async () => {
  await h?.stop();
});

async function addTechnician(email: string): Promise<string> {
  const r = await http(h.url, "/api/org/users", {
    cookie: adminCookie,
    body: { email, password: PASSWORD, name: "Tess Tech", role: "technician" },
  });
  if (r.status !== 201) throw new Error(`add user: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id as string;
}

interface DevMail {
  to: string;
  subject: string;
  text: string;
}

/** Asks for a link as the admin, then reads it from the dev outbox; the alarm sends right after the request. */
async function emailedLink(userId: string, email: string): Promise<string> {
  const asked = await http(h.url, `/api/org/users/${userId}/2fa/pairing-link`, { method: "POST", cookie: adminCookie });
  expect(asked.status).toBe(202);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const res = await fetch(`${h.url}/dev/outbox?org=${SLUG}&format=json`);
    expect(res.status).toBe(200);
    const { delivered } = (await res.json()) as { delivered: DevMail[] };
    const mail = delivered.find((m) => m.to === email);
    const link = mail && /https?:\/\/\S+\/pair\/\S+/.exec(mail.text)?.[0];
    if (link) return link;
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`no pairing mail for ${email} in the dev outbox after 10 s`);
}

/** Every cookie the profile holds must be one of the signed-out ones: form token and language, never a session. */
async function expectNoSession(context: BrowserContext) {
  const names = (await context.cookies()).map((c) => c.name);
  expect(names.filter((n) => /session|challenge/i.test(n))).toEqual([]);
  expect(names.every((n) => ["csrf", "__Host-csrf", "lang"].includes(n))).toBe(true);
}

/** Reads the QR off the page, checks it against the key shown, and returns the secret. */
async function scan(page: Page, name: string): Promise<string> {
  const uri = await readQr(page.getByRole("img", { name: /QR/ }), name);
  expect(uri).toMatch(/^otpauth:\/\/totp\/Gatehouse:.+\?secret=[A-Z2-7]+&issuer=Gatehouse/);
  const secret = new URL(uri).searchParams.get("secret") ?? "";
  expect(((await page.locator("#totp-key").textContent()) ?? "").replace(/\s+/g, "")).toBe(secret);
  return secret;
}

describe("pairing link in Chromium", () => {
  it("sets up 2FA from the emailed link on another device, in English, with no session", async () => {
    const link = await emailedLink(await addTechnician(TESS), TESS);
    expect(link.startsWith(`${h.url}/pair/gp.${SLUG}.`)).toBe(true);
    const { context, page, cspErrors } = await newProfile(h, "en-US");

    const opened = await page.goto(link);
    expect(opened?.status()).toBe(200);
    expect(await page.getByRole("heading", { name: "Set up two-factor authentication" }).isVisible()).toBe(true);
    expect(await page.getByText("It does not sign you in.").isVisible()).toBe(true);
    expect(await page.getByRole("link", { name: "Account" }).count()).toBe(0);
    a11y.push(...(await capture(page, "pair-start")));

    // A wrong password: the same start page, the error in words at the field, as a 401; the link still works.
    const password = page.getByLabel("Your Gatehouse password");
    expect(await password.getAttribute("autocomplete")).toBe("current-password");
    await password.fill("not the password");
    const refused = page.waitForResponse((r) => r.request().method() === "POST");
    await page.getByRole("button", { name: "Start setup" }).click();
    expect((await refused).status()).toBe(401);
    expect(await page.getByLabel("Your Gatehouse password").getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#password-error").textContent()).toBe("That password is incorrect. This link still works: try again.");
    expect(await page.locator("#totp-key").count()).toBe(0);
    a11y.push(...(await capture(page, "pair-wrong-password")));

    await page.getByLabel("Your Gatehouse password").fill(PASSWORD);
    await page.getByRole("button", { name: "Start setup" }).click();
    a11y.push(...(await capture(page, "pair-setup")));
    const secret = await scan(page, "pair-setup");
    expect(await page.locator("#qr").getAttribute("alt")).toContain(TESS);

    // A wrong code: the same QR stays, the error is tied to the field.
    await page.getByLabel("Authentication code").fill("000000");
    await page.getByRole("button", { name: "Verify" }).click();
    const field = page.getByLabel("Authentication code");
    expect(await field.getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#code-error").textContent()).toBe(
      "That code is incorrect or has expired. Wait for a new code and try again.",
    );
    expect(((await page.locator("#totp-key").textContent()) ?? "").replace(/\s+/g, "")).toBe(secret);
    a11y.push(...(await capture(page, "pair-wrong-code")));

    await field.fill(nextCode(secret, 0).code);
    await page.getByRole("button", { name: "Verify" }).click();
    expect(await page.getByRole("heading", { name: "Save your recovery codes" }).isVisible()).toBe(true);
    expect(await page.getByText("Two-factor authentication is on.").isVisible()).toBe(true);
    const codes = await page.locator("#recovery-codes li").allInnerTexts();
    expect(codes).toHaveLength(10);
    const download = await page.getByRole("link", { name: "Download" }).getAttribute("href");
    expect(decodeURIComponent(download ?? "")).toContain(codes[0]);
    expect(await page.getByRole("button", { name: "Copy" }).isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: "Print" }).isVisible()).toBe(true);
    expect(await page.getByText("These codes will not be shown again.").isVisible()).toBe(true);
    a11y.push(...(await capture(page, "pair-recovery-codes")));
    await page.setViewportSize(PHONE);
    a11y.push(...(await capture(page, "phone-pair-recovery-codes")));
    await page.setViewportSize({ width: 1100, height: 800 });
    await expectNoSession(context);

    // Continue leads to the sign-in page, signed out; the password alone is no longer enough.
    await page.getByRole("link", { name: "Continue" }).click();
    expect(await page.getByRole("button", { name: "Sign in" }).isVisible()).toBe(true);
    const login = await http(h.url, "/auth/login", { body: { email: TESS, password: PASSWORD } });
    expect(login.body.status).toBe("2fa_required");
    expect(login.cookie).toBeUndefined();

    // The spent link: a clear message and a 404 on opening it, before any password is asked.
    const spent = await page.goto(link);
    expect(spent?.status()).toBe(404);
    expect(await page.getByLabel("Your Gatehouse password").count()).toBe(0);
    expect(await page.getByRole("heading", { name: "This setup link cannot be used" }).isVisible()).toBe(true);
    expect(await page.getByRole("alert").textContent()).toContain("This setup link was used, replaced or has expired.");
    a11y.push(...(await capture(page, "pair-link-used")));
    await expectNoSession(context);
    expect(cspErrors).toEqual([]);
    await context.close();
  });

  it("shows the same steps in French on a phone", async () => {
    const link = await emailedLink(await addTechnician(THEO), THEO);
    const { context, page, cspErrors } = await newProfile(h, "fr-FR");
    await page.setViewportSize(PHONE);
    await page.goto(link);
    expect(await page.locator("html").getAttribute("lang")).toBe("fr");
    expect(await page.getByRole("heading", { name: "Activer l’authentification à deux facteurs" }).isVisible()).toBe(true);
    a11y.push(...(await capture(page, "phone-fr-pair-start")));
    await page.getByLabel("Votre mot de passe").fill("pas le bon mot de passe");
    await page.getByRole("button", { name: "Commencer" }).click();
    expect(await page.locator("#password-error").textContent()).toBe(
      "Ce mot de passe est incorrect. Ce lien fonctionne toujours\u00a0: réessayez.",
    );
    a11y.push(...(await capture(page, "phone-fr-pair-wrong-password")));
    await page.getByLabel("Votre mot de passe").fill(PASSWORD);
    await page.getByRole("button", { name: "Commencer" }).click();
    a11y.push(...(await capture(page, "phone-fr-pair-setup")));
    const secret = await scan(page, "phone-fr-pair-setup");
    await page.getByLabel("Code d’authentification").fill(nextCode(secret, 0).code);
    await page.getByRole("button", { name: "Vérifier" }).click();
    expect(await page.getByRole("heading", { name: "Enregistrez vos codes de récupération" }).isVisible()).toBe(true);
    expect(await page.locator("#recovery-codes li").count()).toBe(10);
    expect(await page.getByText("Ces codes ne seront plus affichés.").isVisible()).toBe(true);
    a11y.push(...(await capture(page, "phone-fr-pair-recovery-codes")));
    await page.setViewportSize({ width: 1100, height: 800 });
    a11y.push(...(await capture(page, "fr-pair-recovery-codes")));
    await expectNoSession(context);
    expect(cspErrors).toEqual([]);
    await context.close();
  });

  it("the admin reads the pairing in the audit log: words, raw type and IP, in English and French", async () => {
    // Failures anyone can cause are one row with a count: three wrong passwords for Tess here. The one she typed on
    // her pairing link's page in the first test has a row of its own: her 2FA turned on since, a security event about
    // her, and a repeat never folds into a row older than one (the log stays newest first).
    for (let i = 0; i < 3; i++)
      expect((await http(h.url, "/auth/login", { body: { email: TESS, password: "wrong wrong" } })).status).toBe(401);
    const { context, page } = await newProfile(h, "en-US");
    await page.goto("/");
    await page.getByLabel("Email", { exact: true }).fill(ADMIN);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL("**/account");
    await page.getByRole("link", { name: "Audit log" }).click();
    expect(await page.getByRole("columnheader", { name: "IP address" }).isVisible()).toBe(true);
    const enabled = page.getByRole("row", { name: new RegExp(`Two-factor turned on.*${TESS}`) });
    expect(await enabled.locator("code").first().textContent()).toBe("2fa.enabled");
    expect(await enabled.locator("td").last().textContent()).toMatch(/^\S+$/);
    const sent = page.getByRole("row", { name: new RegExp(`Setup link emailed.*${TESS}`) });
    expect(await sent.locator("code").first().textContent()).toBe("2fa.pairing_link_sent");
    expect(await page.getByRole("row", { name: new RegExp(`×3, last .*Sign-in failed.*${TESS}`) }).isVisible()).toBe(true);
    a11y.push(...(await capture(page, "audit")));
    await page.setViewportSize(PHONE);
    a11y.push(...(await capture(page, "phone-audit")));
    await page.setViewportSize({ width: 1100, height: 800 });
    await page.getByRole("link", { name: "Français" }).click();
    expect(await page.getByRole("columnheader", { name: "Adresse IP" }).isVisible()).toBe(true);
    expect(await page.getByRole("row", { name: new RegExp(`2FA activée.*${THEO}`) }).isVisible()).toBe(true);
    expect(await page.getByRole("row", { name: new RegExp(`3 fois, la dernière le .*Échec de connexion.*${TESS}`) }).isVisible()).toBe(
      true,
    );
    a11y.push(...(await capture(page, "fr-audit")));
    await page.getByRole("link", { name: "English" }).click();
    await context.close();
  });

  it("axe finds no serious or critical accessibility violations on these pages", () => {
    expect(a11y).toEqual([]);
  });
});
