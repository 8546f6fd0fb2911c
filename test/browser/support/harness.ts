// Browser-test harness: the Worker started by wrangler in Node (fresh storage each run), Debian's Chromium via
// playwright-core, an independent TOTP (Debian's oathtool), a real QR decoder (zbarimg), axe-core, screenshots.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { freshStateDir, startWorker } from "../../e2e/worker";
import { oathtoolCode } from "../../support/oathtool";
import { PASSWORD, TEST_SECRETS } from "../../support/secrets";

export { PASSWORD };
export const SCREENSHOTS = resolve("test-results/screenshots");
// One folder per test file: each file starts its own harness and clears only its own pictures.
let screenshots = SCREENSHOTS;

export interface Harness {
  url: string;
  browser: Browser;
  /** Where this file's screenshots go (printed by the tests). */
  screenshots: string;
  stop(): Promise<void>;
}

/** `bindings` go to the Worker on top of the test secrets (e.g. DEV_MODE=true to read mail at /dev/outbox). */
export async function startHarness(suite: string, bindings: Record<string, string> = {}): Promise<Harness> {
  const persistTo = freshStateDir();
  const worker = await startWorker(persistTo, bindings);
  const url = worker.url;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  screenshots = join(SCREENSHOTS, suite);
  rmSync(screenshots, { recursive: true, force: true });
  mkdirSync(screenshots, { recursive: true });
  return {
    url,
    browser,
    screenshots,
    async stop() {
      await browser.close();
      await worker.dispose();
      rmSync(persistTo, { recursive: true, force: true });
    },
  };
}

/** A browser profile in one language; fails the test on any CSP violation the page reports. */
export async function newProfile(
  h: Harness,
  locale: "en-US" | "fr-FR",
): Promise<{ context: BrowserContext; page: Page; cspErrors: string[] }> {
  const context = await h.browser.newContext({ baseURL: h.url, locale, viewport: { width: 1100, height: 800 } });
  const page = await context.newPage();
  const cspErrors: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
  });
  return { context, page, cspErrors };
}

export async function createOrg(h: Harness, slug: string, email: string) {
  const res = await fetch(`${h.url}/api/platform/orgs`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_SECRETS.PLATFORM_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ slug, name: "Acme Repairs", admin: { email, password: PASSWORD, name: "Ada Admin" } }),
  });
  if (res.status !== 201) throw new Error(`createOrg: ${res.status} ${await res.text()}`);
}

/**
 * The server refuses a time step it already accepted (replay), and accepts one step of drift; so the next
 * code is the one of the step after `lastStep` when that is the current step, else the current one.
 */
export function nextCode(secret: string, lastStep: number, period = 30): { code: string; step: number } {
  const now = Date.now();
  const step = Math.max(Math.floor(now / 1000 / period), lastStep + 1);
  if (step > Math.floor(now / 1000 / period) + 1) throw new Error("no usable code before the next time step");
  return { code: oathtoolCode(secret, step * period * 1000, period), step };
}

/**
 * Like nextCode, but when the step after `lastStep` is still more than one step ahead of the clock (two actions in
 * a row spent the current step and the next), waits for the clock to reach `lastStep` first: at most one period.
 */
export async function nextCodeWaiting(secret: string, lastStep: number, period = 30): Promise<{ code: string; step: number }> {
  const waitMs = lastStep * period * 1000 - Date.now();
  // A little past the boundary: the Worker reads the same clock, but not at the same instant.
  if (waitMs > 0) await new Promise((done) => setTimeout(done, waitMs + 250));
  return nextCode(secret, lastStep, period);
}

/** Reads a QR code off the page: screenshot of the element, decoded by zbarimg. */
export async function readQr(img: Locator, name: string): Promise<string> {
  const file = join(screenshots, `${name}-qr.png`);
  await img.screenshot({ path: file });
  return execFileSync("zbarimg", ["--raw", "-q", file], { encoding: "utf8" }).trim();
}

const AXE = readFileSync(resolve("node_modules/axe-core/axe.min.js"), "utf8");

/** axe-core in the page (through the debugger protocol, so the page's CSP stays as strict as in production). */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  // A string, not a function: it runs in the page, and the test's tsconfig has no DOM types.
  const violations = (await page.evaluate(
    `axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations.map((v) =>
      v.impact + " " + v.id + ": " + v.help + " (" + v.nodes.map((n) => n.target.join(" ")).join(", ") + ")"))`,
  )) as string[];
  return violations.filter((v) => v.startsWith("serious") || v.startsWith("critical"));
}

let shot = 0;
/** Saves a full-page screenshot and checks the page with axe; returns the serious violations found. */
export async function capture(page: Page, name: string): Promise<string[]> {
  shot += 1;
  await page.screenshot({ path: join(screenshots, `${String(shot).padStart(2, "0")}-${name}.png`), fullPage: true });
  const found = await seriousA11yViolations(page);
  return found.map((v) => `${name}: ${v}`);
}

/** Adds a technician through the JSON API with the admin's fresh session (no step-up for a technician). */
export async function addTechnician(h: Harness, adminEmail: string, email: string, name: string): Promise<void> {
  const login = await fetch(`${h.url}/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: adminEmail, password: PASSWORD }),
  });
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const res = await fetch(`${h.url}/api/org/users`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie },
    body: JSON.stringify({ email, password: PASSWORD, name, role: "technician" }),
  });
  if (res.status !== 201) throw new Error(`add user: ${res.status}`);
}
