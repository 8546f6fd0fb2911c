// The configuration is parsed once (src/config.ts): a missing or bad value refuses service with a message that
// names the variable and never its value, instead of a silent fallback or a 500 at the first sign-in.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { config, configProblems, isDevMode } from "../../src/config";
import type { Env } from "../../src/env";
import app from "../../src/index";
import { sessionPolicy } from "../../src/org/sessions";
import { BASE, PASSWORD } from "../support/api";
import { TEST_SECRETS } from "../support/secrets";

/** The real Worker with some variables changed (the bindings are the real ones). */
async function fetchWith(overrides: Partial<Record<keyof Env, unknown>>, path: string, init?: RequestInit) {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`${BASE}${path}`, init), { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const with_ = (overrides: Partial<Record<keyof Env, unknown>>) => ({ ...env, ...overrides }) as Env;

describe("configuration", () => {
  it("parses the test deployment's variables into numbers and flags", () => {
    const c = config(env);
    expect(c).toMatchObject({ devMode: false, stepUpSeconds: 15 * 60, passwordIterations: 100_000 });
    expect(c.sessionPolicy).toEqual({ idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 });
    expect(config(env)).toBe(c);
    // The org objects read the same parsed values.
    expect(sessionPolicy(env)).toBe(c.sessionPolicy);
  });

  it("lets STEP_UP_MINUTES shorten the step-up window, down to 0 (always ask), never lengthen it", () => {
    expect(config(with_({ STEP_UP_MINUTES: "5" })).stepUpSeconds).toBe(300);
    expect(config(with_({ STEP_UP_MINUTES: "0" })).stepUpSeconds).toBe(0);
    expect(config(with_({ STEP_UP_MINUTES: "15" })).stepUpSeconds).toBe(900);
    for (const bad of ["16", "60", "-1", "1.5", "soon", ""]) {
      expect(configProblems(with_({ STEP_UP_MINUTES: bad })), bad).toEqual([
        expect.stringMatching(/^STEP_UP_MINUTES must be an integer from 0 to 15/),
      ]);
    }
  });

  it("names each bad variable, all at once", () => {
    const problems = configProblems(
      with_({ SESSION_IDLE_MINUTES: "0", SESSION_ABSOLUTE_HOURS: "twelve", PASSWORD_ITERATIONS: "100001", DEV_MODE: "yes", HASH_KEY: "" }),
    );
    expect(problems).toHaveLength(5);
    for (const name of ["SESSION_IDLE_MINUTES", "SESSION_ABSOLUTE_HOURS", "PASSWORD_ITERATIONS", "DEV_MODE", "HASH_KEY"]) {
      expect(
        problems.some((p) => p.startsWith(`${name} `)),
        name,
      ).toBe(true);
    }
    expect(() => config(with_({ SESSION_IDLE_MINUTES: "-5" }))).toThrow(/SESSION_IDLE_MINUTES must be a positive number of minutes/);
  });

  it("reads the HTTPS mail API from MAIL_API_KEY and MAIL_API_URL (https, or http to localhost only)", () => {
    expect(config(env).mailApi).toBeNull();
    expect(config(with_({ MAIL_API_KEY: "re_abc" })).mailApi).toEqual({ url: "https://api.resend.com", key: "re_abc" });
    expect(config(with_({ MAIL_API_KEY: "re_abc", MAIL_API_URL: "http://127.0.0.1:8025" })).mailApi?.url).toBe("http://127.0.0.1:8025");
    for (const bad of ["http://mail.example.com", "ftp://mail.example.com", "not a url", "http://localhost.example.com"]) {
      expect(configProblems(with_({ MAIL_API_KEY: "re_abc", MAIL_API_URL: bad })), bad).toEqual([expect.stringMatching(/^MAIL_API_URL /)]);
    }
    expect(configProblems(with_({ MAIL_API_KEY: " " }))).toEqual([expect.stringMatching(/^MAIL_API_KEY is empty/)]);
  });

  it("requires every secret, and a well-formed TOTP_KEYS", () => {
    for (const name of ["PLATFORM_TOKEN", "PASSWORD_PEPPER", "TOTP_KEYS", "HASH_KEY", "CHALLENGE_KEY"] as const) {
      expect(configProblems(with_({ [name]: undefined })), name).toEqual([expect.stringMatching(new RegExp(`^${name} is missing`))]);
      expect(configProblems(with_({ [name]: "" })), name).toEqual([expect.stringMatching(new RegExp(`^${name} is empty`))]);
    }
    for (const bad of ["k1", "k1:c2hvcnQ=", "k1:!!!", ","]) {
      expect(configProblems(with_({ TOTP_KEYS: bad })), bad).toEqual([expect.stringMatching(/^TOTP_KEYS must be 'id:base64key'/)]);
    }
  });

  it("refuses a PLATFORM_TOKEN under 32 bytes outside DEV_MODE, without ever showing it", async () => {
    const token = "short-but-secret-token";
    const problems = configProblems(with_({ PLATFORM_TOKEN: token }));
    expect(problems).toEqual([expect.stringMatching(/^PLATFORM_TOKEN is too short: it must be at least 32 bytes outside DEV_MODE/)]);
    expect(configProblems(with_({ PLATFORM_TOKEN: token, DEV_MODE: "true" }))).toEqual([]);
    expect(isDevMode(with_({ PLATFORM_TOKEN: token, DEV_MODE: "true" }))).toBe(true);
    // The refusal covers the token's own routes: a short token cannot be used, even when guessed right.
    const res = await fetchWith({ PLATFORM_TOKEN: token }, "/api/platform/orgs", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: "{}",
    });
    const text = await res.text();
    expect(res.status).toBe(500);
    expect(text).toContain("PLATFORM_TOKEN");
    expect(text).not.toContain(token);
  });

  it("answers every request but GET /healthz with 500 internal_error naming the variable", async () => {
    const bad = { PASSWORD_ITERATIONS: "250000" };
    const login = await fetchWith(bad, "/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "someone@example.com", password: PASSWORD }),
    });
    expect(login.status).toBe(500);
    const body = (await login.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("internal_error");
    expect(body.error.message).toMatch(/PASSWORD_ITERATIONS must be an integer from 1 to 100000/);
    for (const path of ["/", "/api/me", "/api/openapi.json", "/static/app.css"]) {
      expect((await fetchWith(bad, path)).status, path).toBe(500);
    }
    const health = await fetchWith(bad, "/healthz");
    expect(health.status).toBe(503);
    expect(((await health.json()) as { problems: string[] }).problems).toEqual([expect.stringContaining("PASSWORD_ITERATIONS")]);
  });

  it("serves as before when the configuration is valid", async () => {
    const res = await fetchWith({ STEP_UP_MINUTES: "10", PLATFORM_TOKEN: TEST_SECRETS.PLATFORM_TOKEN }, "/api/me");
    expect(res.status).toBe(401);
  });
});
