// A real authenticator's view: the QR code rendered to pixels (rsvg-convert) and scanned (zbarimg), codes from
// an independent TOTP implementation (oathtool), against the Worker served by wrangler.
import { execFileSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { oathtoolCode } from "../support/oathtool";
import { PASSWORD, TEST_SECRETS } from "../support/secrets";
import { freshStateDir, http, type RunningWorker, startWorker } from "./worker";

let dir: string;
let worker: RunningWorker;

beforeAll(async () => {
  dir = freshStateDir();
  worker = await startWorker(dir);
});
afterAll(async () => {
  await worker?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function scanQr(svg: string): string {
  const svgPath = join(dir, "qr.svg");
  const pngPath = join(dir, "qr.png");
  writeFileSync(svgPath, svg);
  execFileSync("rsvg-convert", ["-w", "400", "-b", "white", "-o", pngPath, svgPath]);
  // QR codes only, as an authenticator app reads: with every symbology on, zbar now and then also "finds" a short
  // linear barcode in the modules of a random secret's code and prints it on a second line.
  const qrOnly = ["--set", "*.enable=0", "--set", "qrcode.enable=1"];
  return execFileSync("zbarimg", ["--quiet", "--raw", ...qrOnly, pngPath], { encoding: "utf8" }).trim();
}

describe("with a real authenticator", () => {
  it("scans the QR code to the exact otpauth URI and signs in with oathtool's codes", async () => {
    const slug = `e2e-${Date.now().toString(36)}`;
    const email = `ada-${slug}@example.com`;
    const created = await http(worker.url, "/api/platform/orgs", {
      bearer: TEST_SECRETS.PLATFORM_TOKEN,
      body: { slug, name: "E2E", admin: { email, password: PASSWORD } },
    });
    expect(created.status).toBe(201);
    const login = await http(worker.url, "/auth/login", { body: { email, password: PASSWORD, org: slug } });
    const setup = await http(worker.url, "/api/me/2fa/setup", { method: "POST", cookie: login.cookie });
    expect(setup.status).toBe(200);
    const scanned = scanQr(setup.body.qrSvg);
    expect(scanned).toBe(setup.body.otpauthUri);
    const secret = new URL(scanned).searchParams.get("secret") as string;
    const now = Date.now();
    const confirm = await http(worker.url, "/api/me/2fa/confirm", { cookie: login.cookie, body: { code: oathtoolCode(secret, now) } });
    expect(confirm.status).toBe(200);
    expect(confirm.body.recoveryCodes).toHaveLength(10);

    const step = await http(worker.url, "/auth/login", { body: { email, password: PASSWORD } });
    expect(step.body.status).toBe("2fa_required");
    // The confirming step is spent; the next step's code is within the accepted drift.
    const done = await http(worker.url, "/auth/login/2fa", {
      body: { challenge: step.body.challenge, code: oathtoolCode(secret, now + 30_000) },
    });
    expect(done.status).toBe(200);
    expect(done.cookie).toBeTruthy();
    const me = await http(worker.url, "/api/me", { cookie: done.cookie });
    expect(me.body.twoFactor).toEqual({ enabled: true, recoveryCodesRemaining: 10 });
  });
});
