// The Applications page in real Chromium: an admin (STEP_UP_MINUTES=0, so every change asks for the password in
// place) registers an application, is told a bad redirect URI with what was typed kept, sees the client secret
// once (it authenticates at the token endpoint; the page never shows it again), then revokes the application
// through its confirmation page. Screenshots and axe on each page.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capture, createOrg, type Harness, newProfile, PASSWORD, startHarness } from "./support/harness";

const run = crypto.randomUUID().slice(0, 6);
const ADA = `ada-${run}@example.com`;

let h: Harness;
const a11y: string[] = [];

beforeAll(async () => {
  h = await startHarness("applications", { STEP_UP_MINUTES: "0" });
  await createOrg(h, `apps-${run}`, ADA);
  console.log(`screenshots: ${h.screenshots}`);
});

afterAll(async () => {
  await h?.stop();
});

async function signIn(page: Page) {
  await page.goto("/");
  await page.getByLabel("Email", { exact: true }).fill(ADA);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL("**/account");
}

/** The token endpoint's verdict on a client id and secret: invalid_grant means the client authenticated. */
async function tokenError(clientId: string, secret: string): Promise<string> {
  const res = await fetch(`${h.url}/oauth/token`, {
    method: "POST",
    headers: {
      authorization: `Basic ${btoa(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`)}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code: "oa.nothing",
      redirect_uri: "https://dash.example.com/cb",
      code_verifier: "x".repeat(43),
    }),
  });
  return ((await res.json()) as { error: string }).error;
}

describe("the Applications page in Chromium", () => {
  it("registers an application, shows its secret once, and revokes it", async () => {
    const { context, page, cspErrors } = await newProfile(h, "en-US");
    await signIn(page);
    await page.getByRole("link", { name: "Applications" }).click();
    await page.waitForURL("**/applications");
    expect(await page.getByText("No applications yet.").isVisible()).toBe(true);

    await page.getByLabel("Name", { exact: true }).fill("Dispatch dashboard");
    await page.getByLabel("Redirect URIs", { exact: true }).fill("https://dash.example.com/cb\nhttp://dash.example.com/cb");
    await page.getByLabel("Your password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Register application" }).click();
    const uriError = page.locator("#app-redirect-uris-error");
    await uriError.waitFor();
    expect(await uriError.textContent()).toContain("http://dash.example.com/cb: must use https");
    expect(await page.getByLabel("Name", { exact: true }).inputValue()).toBe("Dispatch dashboard");
    expect(await page.getByLabel("Redirect URIs", { exact: true }).inputValue()).toBe(
      "https://dash.example.com/cb\nhttp://dash.example.com/cb",
    );
    a11y.push(...(await capture(page, "bad-redirect-uri")));

    await page.getByLabel("Redirect URIs", { exact: true }).fill("https://dash.example.com/cb");
    await page.getByLabel("Your password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Register application" }).click();
    await page.locator("#new-client-secret").waitFor();
    const clientId = ((await page.locator("#new-client-id").textContent()) ?? "").trim();
    const secret = ((await page.locator("#new-client-secret").textContent()) ?? "").trim();
    expect(clientId).toMatch(/^oc\./);
    expect(page.url()).not.toContain(secret);
    expect(await page.getByText("Copy the client secret now: it will not be shown again.").isVisible()).toBe(true);
    a11y.push(...(await capture(page, "registered-secret-once")));
    expect(await tokenError(clientId, secret)).toBe("invalid_grant");
    expect(await tokenError(clientId, `${secret}x`)).toBe("invalid_client");

    // Shown once: the list, reloaded or revisited, has the application but not its secret.
    await page.goto("/applications");
    const row = page.getByRole("row", { name: /Dispatch dashboard/ });
    expect(await row.textContent()).toContain(clientId);
    expect(await page.content()).not.toContain(secret);

    await page.getByRole("link", { name: "Revoke: Dispatch dashboard" }).click();
    await page.waitForURL("**/revoke");
    expect(await page.getByText(/Revoke Dispatch dashboard/).isVisible()).toBe(true);
    a11y.push(...(await capture(page, "revoke-confirm")));
    await page.getByRole("button", { name: "Revoke" }).click();
    // No proof given: asked again in place, nothing revoked.
    expect(await page.getByText("Confirm it's you to continue.").isVisible()).toBe(true);
    await page.getByLabel("Your password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Revoke" }).click();
    await page.waitForURL("**/applications?m=revoked");
    expect(await page.getByText("Application revoked: its users are signed out of it.").isVisible()).toBe(true);
    expect(await page.getByText("No applications yet.").isVisible()).toBe(true);
    a11y.push(...(await capture(page, "revoked")));
    expect(await tokenError(clientId, secret)).toBe("invalid_client");

    // French words, same page.
    await page.goto("/applications?lang=fr");
    expect(await page.getByRole("heading", { name: "Enregistrer une application" }).isVisible()).toBe(true);
    a11y.push(...(await capture(page, "fr")));

    expect(cspErrors).toEqual([]);
    expect(a11y).toEqual([]);
    await context.close();
  });
});
