// The Users page's role control in real headless Chromium, in English and French, without JS needed: "Make admin"
// and "Make technician" open a confirmation page that asks for step-up in place (the Worker runs with
// STEP_UP_MINUTES=0, so it always asks); a wrong password changes nothing, the right one changes the role and ends
// the person's sessions. Screenshots are checked by axe.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addTechnician, capture, createOrg, type Harness, newProfile, PASSWORD, startHarness } from "./support/harness";

const run = crypto.randomUUID().slice(0, 6);
const ADA = `ada-${run}@example.com`;
const TESS = `tess-${run}@example.com`;

let h: Harness;
const a11y: string[] = [];

beforeAll(async () => {
  h = await startHarness("role-change", { STEP_UP_MINUTES: "0" });
  await createOrg(h, `roles-${run}`, ADA);
  await addTechnician(h, ADA, TESS, "Tess");
  console.log(`screenshots: ${h.screenshots}`);
});

afterAll(async () => {
  await h?.stop();
});

const EN = {
  email: "Email",
  signInPassword: "Password",
  signIn: "Sign in",
  makeAdmin: "Make admin",
  makeTechnician: "Make technician",
  prompt: "Confirm it's you",
  password: "Your password",
  wrongPassword: "The password is incorrect.",
  done: "Role changed. They were signed out everywhere.",
  admin: "Admin",
  technician: "Technician",
};
const FR = {
  email: "E-mail",
  signInPassword: "Mot de passe",
  signIn: "Se connecter",
  makeAdmin: "Nommer administrateur",
  makeTechnician: "Rendre technicien",
  prompt: "Confirmez votre identité",
  password: "Votre mot de passe",
  wrongPassword: "Le mot de passe est incorrect.",
  done: "Rôle modifié. La personne a été déconnectée partout.",
  admin: "Administrateur",
  technician: "Technicien",
};

async function signIn(page: Page, email: string, t: typeof EN) {
  await page.goto("/");
  await page.getByLabel(t.email, { exact: true }).fill(email);
  await page.getByLabel(t.signInPassword, { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: t.signIn, exact: true }).click();
  await page.waitForURL("**/account");
}

/** Users → the role link on Tess's row → the confirmation page, through the password prompt. */
async function changeTessRole(page: Page, t: typeof EN, action: string, shot: string) {
  await page.goto("/users");
  await page
    .getByRole("row", { name: new RegExp(TESS) })
    .getByRole("link", { name: action, exact: true })
    .click();
  await page.getByRole("heading", { name: action }).waitFor({ state: "visible", timeout: 10_000 });
  expect(await page.getByRole("group", { name: t.prompt }).isVisible()).toBe(true);
  a11y.push(...(await capture(page, `${shot}-confirm`)));
  await page.getByLabel(t.password, { exact: true }).fill("not my password");
  await page.getByRole("button", { name: action, exact: true }).click();
  await page.getByText(t.wrongPassword).waitFor({ state: "visible", timeout: 10_000 });
  a11y.push(...(await capture(page, `${shot}-wrong-password`)));
  await page.getByLabel(t.password, { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: action, exact: true }).click();
  await page.waitForURL("**/users?m=role-changed");
  expect(await page.getByRole("status").textContent()).toBe(t.done);
}

async function tessRole(page: Page): Promise<string> {
  return (
    (await page
      .getByRole("row", { name: new RegExp(TESS) })
      .getByRole("cell")
      .nth(2)
      .textContent()) ?? ""
  ).trim();
}

describe("roles in Chromium", () => {
  it("makes a technician an admin through the confirmation page and the step-up prompt; their session ends (English)", async () => {
    const admin = await newProfile(h, "en-US");
    const tess = await newProfile(h, "en-US");
    await signIn(tess.page, TESS, EN);
    await signIn(admin.page, ADA, EN);
    await admin.page.goto("/users");
    expect(await tessRole(admin.page)).toBe(EN.technician);

    await changeTessRole(admin.page, EN, EN.makeAdmin, "make-admin");
    expect(await tessRole(admin.page)).toBe(EN.admin);
    a11y.push(...(await capture(admin.page, "users-role-changed")));
    // Her open page is signed out: new privileges, new session.
    await tess.page.goto("/account");
    await tess.page.waitForURL((u) => u.pathname === "/");
    await admin.context.close();
    await tess.context.close();
  });

  it("makes an admin a technician again (French)", async () => {
    const admin = await newProfile(h, "fr-FR");
    await signIn(admin.page, ADA, FR);
    await changeTessRole(admin.page, FR, FR.makeTechnician, "fr-make-technician");
    expect(await tessRole(admin.page)).toBe(FR.technician);
    await admin.context.close();
  });

  it("has no serious accessibility violations", () => {
    expect(a11y).toEqual([]);
  });
});
