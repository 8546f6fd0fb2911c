// The example app (examples/hono-app: Hono + @hono/oidc-auth) protected by Gatehouse, in real Chromium: both
// Workers served by wrangler, the app on https (as its README runs it), the person sent to Gatehouse's own
// sign-in, password then a TOTP code from oathtool, and back to the app showing user, org and amr.
import { createServer } from "node:net";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unstable_startWorker } from "wrangler";
import { oathtoolCode } from "../support/oathtool";
import { TEST_SECRETS } from "../support/secrets";
import { capture, createOrg, type Harness, nextCodeWaiting, PASSWORD, startHarness } from "./support/harness";

let h: Harness;
let app: { url: string; dispose(): Promise<void> };
const run = Date.now().toString(36);
const slug = `example-${run}`;
const ADA = `ada-${run}@example.com`;

/** A port nobody listens on now: the app's redirect URI is registered before the app starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

async function api(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${h.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string>, cookie: res.headers.getSetCookie()[0]?.split(";")[0] };
}

beforeAll(async () => {
  h = await startHarness("example-app");
  const port = await freePort();
  const origin = `https://localhost:${port}`;
  const client = await api(
    "/api/platform/oidc-clients",
    { name: "Example app", type: "confidential", redirectUris: [`${origin}/callback`] },
    { authorization: `Bearer ${TEST_SECRETS.PLATFORM_TOKEN}` },
  );
  expect(client.status).toBe(201);
  const vars = {
    OIDC_ISSUER: h.url,
    OIDC_CLIENT_ID: client.body.clientId as string,
    OIDC_CLIENT_SECRET: client.body.clientSecret as string,
    OIDC_AUTH_SECRET: crypto.randomUUID() + crypto.randomUUID(),
  };
  const worker = await unstable_startWorker({
    config: "./examples/hono-app/wrangler.toml",
    bindings: Object.fromEntries(Object.entries(vars).map(([k, value]) => [k, { type: "plain_text" as const, value }])),
    dev: { server: { hostname: "localhost", port, secure: true }, inspector: false, persist: false, watch: false, logLevel: "warn" },
  } as Parameters<typeof unstable_startWorker>[0]);
  app = { url: (await worker.url).toString().replace(/\/$/, ""), dispose: () => worker.dispose() };
  expect(app.url).toBe(origin);
  await createOrg(h, slug, ADA);
  console.log(`screenshots: ${h.screenshots}`);
});

afterAll(async () => {
  await app?.dispose();
  await h?.stop();
});

/** Ada turns on 2FA through the API with oathtool's code; returns her secret and the step it spent. */
async function enrollAda(): Promise<{ secret: string; step: number }> {
  const login = await api("/auth/login", { email: ADA, password: PASSWORD, org: slug });
  const setup = await fetch(`${h.url}/api/me/2fa/setup`, {
    method: "POST",
    headers: { cookie: login.cookie as string, "content-type": "application/json" },
    body: JSON.stringify({ password: PASSWORD }),
  });
  const secret = new URL(((await setup.json()) as { otpauthUri: string }).otpauthUri).searchParams.get("secret") as string;
  const step = Math.floor(Date.now() / 30_000);
  const confirm = await api("/api/me/2fa/confirm", { code: oathtoolCode(secret, step * 30_000) }, { cookie: login.cookie as string });
  expect(confirm.status).toBe(200);
  return { secret, step };
}

describe("the example app in Chromium", () => {
  let context: BrowserContext;
  afterAll(async () => {
    await context?.close();
  });

  it("sends the visitor to Gatehouse, signs in with password and TOTP, and shows user, org and amr", async () => {
    const { secret, step } = await enrollAda();
    // The app serves wrangler's self-signed certificate locally.
    context = await h.browser.newContext({ ignoreHTTPSErrors: true, locale: "en-US", viewport: { width: 1100, height: 800 } });
    const page = await context.newPage();
    const violations: string[] = [];

    await page.goto(app.url);
    // Sent to Gatehouse's own sign-in page, on Gatehouse's origin.
    expect(new URL(page.url()).origin).toBe(h.url);
    violations.push(...(await capture(page, "gatehouse-sign-in")));
    await page.getByLabel("Email", { exact: true }).fill(ADA);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL("**/login/2fa");
    violations.push(...(await capture(page, "gatehouse-totp")));
    const next = await nextCodeWaiting(secret, step);
    await page.getByLabel("Authentication code", { exact: true }).fill(next.code);
    await page.getByRole("button", { name: "Verify" }).click();

    // Back on the app, which shows what Gatehouse's id_token said.
    await page.waitForURL(`${app.url}/`);
    expect(await page.locator("#user").textContent()).toContain(ADA);
    expect(await page.locator("#org").textContent()).toBe(`${slug} (admin)`);
    expect(await page.locator("#amr").textContent()).toBe("pwd otp mfa");
    violations.push(...(await capture(page, "example-app-signed-in")));

    // Signing out of the app revokes its refresh token; the next visit goes to Gatehouse again, where the
    // person's own session still stands: straight back, without typing anything.
    await page.getByRole("link", { name: "Sign out" }).click();
    await page.waitForURL(`${app.url}/logout`);
    expect(await page.locator("h1").textContent()).toBe("Signed out");
    await page.getByRole("link", { name: "Sign in again" }).click();
    await page.waitForURL(`${app.url}/`);
    expect(await page.locator("#amr").textContent()).toBe("pwd otp mfa");
    expect(violations).toEqual([]);
  });
});
