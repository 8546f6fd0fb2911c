// GET /healthz: {ok: true} when the deployment is complete, else 503 naming what is missing or wrong.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Env } from "../../src/env";
import app from "../../src/index";
import { BASE, call } from "../support/api";

/** healthz only asks whether a send_email binding is there; it never sends through it. */
const BOUND_MAILER: SendEmail = { send: async () => ({ messageId: "unused" }) };

async function health(overrides: Partial<Record<keyof Env, unknown>>) {
  const ctx = createExecutionContext();
  // The test runtime opens the test seams (TEST_SEAMS); a deployment never does, and healthz says so when it does.
  const res = await app.fetch(new Request(`${BASE}/healthz`), { ...env, TEST_SEAMS: undefined, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: (await res.json()) as { ok: boolean; problems?: string[] } };
}

describe("health", () => {
  it("answers {ok: true} when mail can leave and the configuration is valid", async () => {
    expect(await health({ MAILER: BOUND_MAILER, MAIL_FROM: "no-reply@example.com" })).toEqual({ status: 200, body: { ok: true } });
    // Development needs no binding: mail goes to /dev/outbox.
    expect(await health({ DEV_MODE: "true" })).toEqual({ status: 200, body: { ok: true } });
  });

  it("says plainly that mail never leaves outside DEV_MODE without a MAILER (as in the test bindings)", async () => {
    const res = await call("/healthz");
    expect(res.status).toBe(503);
    const body = (await res.json()) as { ok: boolean; problems: string[] };
    expect(body.ok).toBe(false);
    expect(body.problems).toContainEqual(expect.stringMatching(/^MAILER: no mail transport is configured, so mail .* never leaves/));
  });

  it("says when development mode is on beside a real mail binding (every org's mail would be public)", async () => {
    for (const devMode of ["true", true]) {
      const r = await health({ MAILER: BOUND_MAILER, MAIL_FROM: "no-reply@example.com", DEV_MODE: devMode });
      expect(r.status).toBe(503);
      expect(r.body.problems).toEqual([expect.stringMatching(/^DEV_MODE: /)]);
    }
  });

  it("says when the test seams are open", async () => {
    const r = await health({ MAILER: BOUND_MAILER, MAIL_FROM: "no-reply@example.com", TEST_SEAMS: "true" });
    expect(r.status).toBe(503);
    expect(r.body.problems).toEqual([expect.stringMatching(/^TEST_SEAMS: /)]);
  });

  it("refuses to serve where the test seams are open in a deployment (native jurisdictions)", async () => {
    const deployed = { MAILER: BOUND_MAILER, MAIL_FROM: "no-reply@example.com", TEST_SEAMS: "true", JURISDICTION_MODE: "native" };
    const r = await health(deployed);
    expect(r.status).toBe(503);
    expect(r.body.problems).toEqual([expect.stringMatching(/^TEST_SEAMS must not be set in a deployment/)]);
    const ctx = createExecutionContext();
    const me = await app.fetch(new Request(`${BASE}/api/me`), { ...env, ...deployed }, ctx);
    await waitOnExecutionContext(ctx);
    expect(me.status).toBe(500);
    expect(JSON.stringify(await me.json())).toContain("TEST_SEAMS must not be set");
  });

  it("says when the sender's domain cannot send", async () => {
    const r = await health({ MAILER: BOUND_MAILER, MAIL_FROM: "no-reply@gatehouse.invalid" });
    expect(r.status).toBe(503);
    expect(r.body.problems).toEqual([expect.stringMatching(/^MAIL_FROM: /)]);
  });

  it("lists the configuration problems that keep the Worker from serving", async () => {
    const r = await health({ MAILER: BOUND_MAILER, MAIL_FROM: "a@example.com", SESSION_IDLE_MINUTES: "thirty", CHALLENGE_KEY: undefined });
    expect(r.status).toBe(503);
    expect(r.body.ok).toBe(false);
    expect(r.body.problems).toHaveLength(2);
    expect(r.body.problems?.join(" ")).toMatch(/CHALLENGE_KEY is missing.*SESSION_IDLE_MINUTES must be a positive number/);
  });

  it("accepts an HTTPS mail API key in place of the send_email binding, and flags it beside DEV_MODE", async () => {
    const api = { MAIL_API_KEY: "re_key_for_health_0123456789", MAIL_FROM: "no-reply@example.com" };
    expect(await health(api)).toEqual({ status: 200, body: { ok: true } });
    const dev = await health({ ...api, DEV_MODE: "true" });
    expect(dev.status).toBe(503);
    expect(dev.body.problems).toEqual([expect.stringMatching(/^DEV_MODE: /)]);
    const badUrl = await health({ ...api, MAIL_API_URL: "http://mail.example.com" });
    expect(badUrl.body.problems).toEqual([expect.stringMatching(/^MAIL_API_URL must be an https:\/\/ URL/)]);
    expect(JSON.stringify(badUrl.body)).not.toContain(api.MAIL_API_KEY);
  });
});
