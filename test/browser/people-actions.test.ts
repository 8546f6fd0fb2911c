// The Users page's per-user actions and the Account page's sessions in real headless Chromium, in English and
// French, without JS needed: each action goes through its confirmation page; the screenshots are checked by axe.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addTechnician, capture, createOrg, type Harness, newProfile, PASSWORD, startHarness } from "./support/harness";

const run = crypto.randomUUID().slice(0, 6);
const ADA = `ada-${run}@example.com`;
const TESS = `tess-${run}@example.com`;
const ZOE = `zoe-${run}@example.com`;

let h: Harness;
const a11y: string[] = [];

beforeAll(async () => {
  h = await startHarness("people");
  await createOrg(h, `people-${run}`, ADA);
  await addTechnician(h, ADA, TESS, TESS.split("-")[0] ?? "");
  await addTechnician(h, ADA, ZOE, ZOE.split("-")[0] ?? "");
  console.log(`screenshots: ${h.screenshots}`);
});

afterAll(async () => {
  await h?.stop();
});

async function signIn(page: Page, email: string, labels = { email: "Email", password: "Password", submit: "Sign in" }) {
  await page.goto("/");
  await page.getByLabel(labels.email, { exact: true }).fill(email);
  await page.getByLabel(labels.password, { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: labels.submit, exact: true }).click();
}

describe("people in Chromium", () => {
  it("deactivates, reactivates, signs out and removes a user through confirmation pages (English)", async () => {
    const admin = await newProfile(h, "en-US");
    const tess = await newProfile(h, "en-US");
    await signIn(tess.page, TESS);
    await tess.page.waitForURL("**/account");
    await signIn(admin.page, ADA);
    await admin.page.waitForURL("**/account");

    await admin.page.goto("/users");
    a11y.push(...(await capture(admin.page, "users-actions")));
    await admin.page
      .getByRole("row", { name: new RegExp(TESS) })
      .getByRole("link", { name: "Deactivate", exact: true })
      .click();
    // The link navigates: wait for the confirmation page rather than look before it has loaded.
    await admin.page.getByRole("heading", { name: "Deactivate account" }).waitFor({ state: "visible", timeout: 10_000 });
    a11y.push(...(await capture(admin.page, "deactivate-confirm")));
    await admin.page.getByRole("button", { name: "Deactivate", exact: true }).click();
    await admin.page.waitForURL("**/users?m=deactivated");
    expect(await admin.page.getByRole("status").textContent()).toBe("Account deactivated.");
    expect(await admin.page.getByText("Deactivated", { exact: true }).isVisible()).toBe(true);
    a11y.push(...(await capture(admin.page, "users-deactivated")));

    // Tess's open page is signed out; her right password is told the account is deactivated.
    await tess.page.goto("/account");
    await tess.page.waitForURL((u) => u.pathname === "/");
    await signIn(tess.page, TESS);
    expect(await tess.page.getByText("This account is deactivated").isVisible()).toBe(true);
    a11y.push(...(await capture(tess.page, "sign-in-deactivated")));

    await admin.page
      .getByRole("row", { name: new RegExp(TESS) })
      .getByRole("link", { name: "Reactivate", exact: true })
      .click();
    await admin.page.getByRole("button", { name: "Reactivate", exact: true }).click();
    await admin.page.waitForURL("**/users?m=reactivated");
    await signIn(tess.page, TESS);
    await tess.page.waitForURL("**/account");

    await admin.page
      .getByRole("row", { name: new RegExp(TESS) })
      .getByRole("link", { name: "Sign out everywhere", exact: true })
      .click();
    a11y.push(...(await capture(admin.page, "sign-out-confirm")));
    await admin.page.getByRole("button", { name: "Sign out everywhere", exact: true }).click();
    await admin.page.waitForURL("**/users?m=signed-out");
    await tess.page.goto("/account");
    await tess.page.waitForURL((u) => u.pathname === "/");

    await admin.page
      .getByRole("row", { name: new RegExp(TESS) })
      .getByRole("link", { name: "Remove", exact: true })
      .click();
    await admin.page.getByRole("button", { name: "Remove", exact: true }).click();
    await admin.page.waitForURL("**/users?m=removed");
    expect(await admin.page.getByText(TESS).count()).toBe(0);
    a11y.push(...(await capture(admin.page, "users-removed")));
    expect([...admin.cspErrors, ...tess.cspErrors]).toEqual([]);
    await Promise.all([admin.context.close(), tess.context.close()]);
  }, 90_000);

  it("lists sessions on the Account page and signs out one and everywhere else (French)", async () => {
    const fr = { email: "E-mail", password: "Mot de passe", submit: "Se connecter" };
    const laptop = await newProfile(h, "fr-FR");
    const phone = await newProfile(h, "fr-FR");
    const tablet = await newProfile(h, "fr-FR");
    for (const p of [phone, tablet, laptop]) {
      await signIn(p.page, ZOE, fr);
      await p.page.waitForURL("**/account");
    }
    await laptop.page.goto("/account");
    expect(await laptop.page.getByRole("heading", { name: "Sessions" }).isVisible()).toBe(true);
    expect(await laptop.page.getByText("Cette session").isVisible()).toBe(true);
    expect(await laptop.page.getByText("Chrome sous Linux").count()).toBeGreaterThan(0);
    a11y.push(...(await capture(laptop.page, "account-sessions-fr")));

    await laptop.page
      .getByRole("button", { name: /^Déconnecter\s: / })
      .first()
      .click();
    await laptop.page.waitForURL("**/account?m=session-ended");
    expect(await laptop.page.getByRole("status").textContent()).toBe("Cette session a pris fin.");
    await laptop.page.getByRole("button", { name: "Déconnecter partout ailleurs" }).click();
    await laptop.page.waitForURL("**/account?m=others-ended");
    a11y.push(...(await capture(laptop.page, "account-others-ended-fr")));
    for (const p of [phone, tablet]) {
      await p.page.goto("/account");
      await p.page.waitForURL((u) => u.pathname === "/");
    }
    await laptop.page.goto("/account");
    await laptop.page.waitForURL("**/account");

    // The Users page and a confirmation page in French.
    const admin = await newProfile(h, "fr-FR");
    await signIn(admin.page, ADA, fr);
    await admin.page.waitForURL("**/account");
    await admin.page.goto("/users");
    await admin.page
      .getByRole("row", { name: new RegExp(ZOE) })
      .getByRole("link", { name: "Désactiver", exact: true })
      .click();
    // The link navigates: wait for the confirmation page rather than look before it has loaded.
    await admin.page.getByRole("heading", { name: "Désactiver le compte" }).waitFor({ state: "visible", timeout: 10_000 });
    a11y.push(...(await capture(admin.page, "deactivate-confirm-fr")));
    await Promise.all([laptop, phone, tablet, admin].map((p) => p.context.close()));
  }, 90_000);

  it("has no serious accessibility violations on any page captured", () => {
    expect(a11y).toEqual([]);
  });
});
