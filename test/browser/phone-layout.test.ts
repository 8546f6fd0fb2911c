// On a phone (360 px) in real headless Chromium: the Users table's rows stack into labelled cells, so a row's
// actions are on screen instead of past the card's edge; a form sent back with an error opens on the field that has
// it, not at the top of the page screens above it. Screenshots are checked by axe.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addTechnician, capture, createOrg, type Harness, PASSWORD, startHarness } from "./support/harness";

const run = crypto.randomUUID().slice(0, 6);
const ADA = `ada-${run}@example-with-a-long-name.com`;
const TESS = `tess-${run}@example-with-a-long-name.com`;

let h: Harness;

beforeAll(async () => {
  h = await startHarness("phone-layout");
  await createOrg(h, `phone-${run}`, ADA);
  await addTechnician(h, ADA, TESS, "Tess");
});

afterAll(async () => {
  await h?.stop();
});

async function phone() {
  const context = await h.browser.newContext({ baseURL: h.url, locale: "en-US", viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  await page.goto("/");
  await page.getByLabel("Email", { exact: true }).fill(ADA);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL("**/account");
  return { context, page };
}

describe("pages on a phone", () => {
  it("stacks the Users table's cells under their column's name, every action within the screen's width", async () => {
    const { context, page } = await phone();
    await page.goto("/users");
    const remove = page.getByRole("link", { name: "Remove", exact: true });
    await remove.scrollIntoViewIfNeeded();
    const box = await remove.boundingBox();
    expect(box).not.toBeNull();
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(360);
    // Tall enough to tap (44 px is the usual target; the link's line and its padding).
    expect(box?.height ?? 0).toBeGreaterThanOrEqual(40);
    // Nothing on the page is wider than the screen: no sideways scrolling, in the card or the page.
    const widest = (await page.evaluate(
      "Math.max(document.documentElement.scrollWidth, ...[...document.querySelectorAll('.card')].map((c) => c.scrollWidth))",
    )) as number;
    expect(widest).toBeLessThanOrEqual(360);
    // Each cell says what it is: the column's heading, shown above its value.
    const label = (await page.evaluate(`getComputedStyle(document.querySelector('td[data-label="Role"]'), '::before').content`)) as string;
    expect(label).toBe('"Role"');
    expect(await capture(page, "phone-users")).toEqual([]);
    await context.close();
  });

  it("opens a form sent back with an error on the field that has it", async () => {
    const { context, page } = await phone();
    await page.goto("/account");
    await page.getByLabel("Current password", { exact: true }).fill("not my password");
    await page.getByLabel("New password", { exact: true }).fill("another passphrase");
    await page.getByRole("button", { name: "Change password", exact: true }).click();
    await page.getByText("The current password is incorrect.").waitFor({ state: "visible", timeout: 10_000 });
    expect(await page.evaluate("document.activeElement.id")).toBe("current-password");
    // On screen without scrolling: the page opened where the error is.
    const box = await page.getByLabel("Current password", { exact: true }).boundingBox();
    expect(box?.y ?? -1).toBeGreaterThanOrEqual(0);
    expect((box?.y ?? 9999) + (box?.height ?? 0)).toBeLessThanOrEqual(740);
    expect(await capture(page, "phone-password-error")).toEqual([]);
    await context.close();
  });
});
