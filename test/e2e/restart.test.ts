// `wrangler dev` restarted with persisted state: sessions, 2FA secrets, spent codes and the audit log survive.
import { rmSync } from "node:fs";
import { TOTP } from "otpauth";
import { afterAll, describe, expect, it } from "vitest";
import { TEST_SECRETS } from "../support/secrets";
import { freshStateDir, http, startWorker } from "./worker";

const PASSWORD = "correct horse battery staple";
const dir = freshStateDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("restarting wrangler dev with persisted state", () => {
  it("keeps sessions, secrets, spent recovery codes and the audit log", async () => {
    const slug = `rs-${Date.now().toString(36)}`;
    const email = `ada-${slug}@example.com`;
    let worker = await startWorker(dir);
    await http(worker.url, "/api/platform/orgs", {
      bearer: TEST_SECRETS.PLATFORM_TOKEN,
      body: { slug, name: "Restart", admin: { email, password: PASSWORD } },
    });
    const login = await http(worker.url, "/auth/login", { body: { email, password: PASSWORD } });
    const setup = await http(worker.url, "/api/me/2fa/setup", { method: "POST", cookie: login.cookie });
    const totp = new TOTP({ secret: setup.body.secret });
    const confirm = await http(worker.url, "/api/me/2fa/confirm", { cookie: login.cookie, body: { code: totp.generate() } });
    const [used, unused] = confirm.body.recoveryCodes as string[];
    // Turning 2FA on replaces the session token: the confirm answer's cookie is the session that must survive.
    const session = confirm.cookie;
    expect(session).toBeDefined();
    const challenge = (await http(worker.url, "/auth/login", { body: { email, password: PASSWORD } })).body.challenge;
    expect((await http(worker.url, "/auth/login/recovery", { body: { challenge, code: used } })).status).toBe(200);
    await worker.dispose();

    worker = await startWorker(dir);
    try {
      expect((await http(worker.url, "/api/me", { cookie: session })).status).toBe(200);
      const again = (await http(worker.url, "/auth/login", { body: { email, password: PASSWORD } })).body;
      expect(again.status).toBe("2fa_required");
      expect((await http(worker.url, "/auth/login/recovery", { body: { challenge: again.challenge, code: used } })).status).toBe(401);
      const ok = await http(worker.url, "/auth/login/recovery", { body: { challenge: again.challenge, code: unused } });
      expect(ok.body).toEqual({ status: "authenticated", recoveryCodesRemaining: 8 });
      const audit = await http(worker.url, "/api/org/audit?limit=200", { cookie: session });
      const types = (audit.body.events as { type: string }[]).map((e) => e.type);
      expect(types.filter((t) => t === "2fa.recovery_code_used")).toHaveLength(2);
      expect(types).toContain("2fa.enabled");
    } finally {
      await worker.dispose();
    }
  });
});
