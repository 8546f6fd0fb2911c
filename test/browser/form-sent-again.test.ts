// Reloading a page that showed a secret once, in real headless Chromium: the browser posts the form again, and
// Gatehouse makes nothing more; the page says the secret was shown once and links back to the list.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capture, createOrg, type Harness, newProfile, PASSWORD, startHarness } from "./support/harness";

const run = crypto.randomUUID().slice(0, 6);
const ADMIN = `ada-${run}@example.com`;

let h: Harness;
const a11y: string[] = [];

beforeAll(async () => {
  h = await startHarness("form-sent-again");
  await createOrg(h, `again-${run}`, ADMIN);
  console.log(`screenshots: ${h.screenshots}`);
});

afterAll(async () => {
  await h?.stop();
});

async function signIn(page: Page) {
  await page.goto("/");
  await page.getByLabel("Email", { exact: true }).fill(ADMIN);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL("**/account");
}

/** The names of the org's API keys, read with the page's own session cookie. */
async function keyNames(page: Page): Promise<string[]> {
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const res = await fetch(`${h.url}/api/org/api-keys`, { headers: { cookie } });
  return ((await res.json()) as { apiKeys: { name: string }[] }).apiKeys.map((k) => k.name);
}

describe("a form sent again in Chromium", () => {
  it("reloading the page that showed a new API key creates no second key and shows no secret", async () => {
    const { context, page } = await newProfile(h, "en-US");
    await signIn(page);
    await page.goto("/api-keys");
    await page.getByLabel("Name", { exact: true }).fill("nightly backup");
    await page.getByRole("button", { name: "Create API key" }).click();
    const key = (await page.locator("#new-api-key").textContent()) ?? "";
    expect(key).toMatch(/^gk\./);

    // The reload posts the very same form again.
    await page.reload();
    await page.getByRole("heading", { name: "This API key was already created" }).waitFor({ state: "visible", timeout: 10_000 });
    expect(await page.locator("#new-api-key").count()).toBe(0);
    expect(await page.content()).not.toContain(key);
    a11y.push(...(await capture(page, "api-key-sent-again")));
    expect(await keyNames(page)).toEqual(["nightly backup"]);

    await page.getByRole("link", { name: "Back to API keys" }).click();
    await page.waitForURL("**/api-keys");
    expect(await page.getByRole("cell", { name: "nightly backup", exact: true }).count()).toBe(1);
    await context.close();
  });

  it("has no serious accessibility violations", () => {
    expect(a11y).toEqual([]);
  });
});
