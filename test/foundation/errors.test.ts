import { describe, expect, it } from "vitest";
import { call, callJson, createOrg, signIn } from "../support/api";
import { TEST_SECRETS } from "../support/secrets";

type Err = { error: { code: string; message: string } };

describe("errors follow docs/api.md's shape", () => {
  it("answers bad JSON with 400 invalid_request", async () => {
    const r = await callJson<Err>("/auth/login", { body: "{not json", headers: { "content-type": "application/json" } });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("invalid_request");
    // A sentence for a person that names what is wrong, as every other message does.
    expect(r.body.error.message).toBe("Field 'body' must be valid JSON: it could not be read.");
  });

  it("names the field of a wrong type or a missing field", async () => {
    const wrongType = await callJson<Err>("/auth/login", { body: { email: 42, password: "x" } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.message).toContain("email");
    const missing = await callJson<Err>("/auth/login", { body: { email: "a@b.co" } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain("password");
  });

  it("says what a refused field must be, in words, not the validator's", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const cases: [string, { method?: string; body: unknown }, string][] = [
      ["/auth/login", { body: { email: 42, password: "x" } }, "Field 'email' must be a string."],
      ["/auth/login", { body: { email: "a@b.co" } }, "Field 'password' is required."],
      ["/auth/login", { body: { email: "a@b.co", password: null } }, "Field 'password' must be a string."],
      ["/auth/login", { body: [] }, "Field 'body' must be an object."],
      ["/api/org/settings", { method: "PATCH", body: { require2fa: "true" } }, "Field 'require2fa' must be true or false."],
      ["/api/org/settings", { method: "PATCH", body: { totpPeriod: 45 } }, "Field 'totpPeriod' must be one of 30, 60."],
      [
        "/api/org/users",
        { body: { email: "new@b.co", password: "long enough password", role: "boss" } },
        `Field 'role' must be one of "technician", "admin".`,
      ],
      [
        "/api/org/users",
        { body: { email: "not-an-email", password: "long enough password", role: "admin" } },
        "Field 'email' must be an email address.",
      ],
      ["/api/org/api-keys", { body: { name: "", role: "admin" } }, "Field 'name' must not be empty."],
      ["/api/org/api-keys", { body: { name: "n".repeat(101), role: "admin" } }, "Field 'name' must be at most 100 characters long."],
      ["/api/org/api-keys", { body: { name: "k", role: "admin", expiresInDays: "5" } }, "Field 'expiresInDays' must be a number."],
      ["/api/org/api-keys", { body: { name: "k", role: "admin", expiresInDays: 0 } }, "Field 'expiresInDays' must be at least 1."],
      ["/api/org/api-keys", { body: { name: "k", role: "admin", expiresInDays: 1.5 } }, "Field 'expiresInDays' must be a whole number."],
      ["/api/me/2fa/recovery-codes", { body: {} }, "Field 'code' is required (or 'webauthn' instead)."],
      ["/api/org/users/x", { method: "PATCH", body: {} }, "Field 'body' needs at least one of 'role', 'name' or 'active'."],
    ];
    for (const [path, opts, message] of cases) {
      const r = await callJson<Err>(path, { cookie, ...opts });
      expect([r.status, r.body.error.code, r.body.error.message], `${path} ${JSON.stringify(opts.body)}`).toEqual([
        400,
        "invalid_request",
        message,
      ]);
    }
    const cursor = await callJson<Err>("/api/org/users?cursor=nope", { cookie });
    expect(cursor.body.error.message).toBe("Field 'cursor' must be the nextCursor of an earlier answer of this list.");
  });

  it("answers an unknown route with a JSON 404", async () => {
    const r = await callJson<Err>("/api/nothing-here");
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe("not_found");
    expect(r.headers.get("content-type")).toContain("application/json");
  });

  it("shows a browser an HTML page, in its language, for an address with no page; JSON paths stay JSON", async () => {
    const html = { accept: "text/html,application/xhtml+xml", "accept-language": "fr-FR" };
    const page = await call("/no-such-page", { headers: html });
    expect(page.status).toBe(404);
    expect(page.headers.get("content-type")).toContain("text/html");
    const text = await page.text();
    expect(text).toContain('<html lang="fr">');
    expect(text).toContain("Page introuvable.");
    for (const path of ["/api/nothing-here", "/auth/nothing", "/oauth/nothing"]) {
      const r = await call(path, { headers: html });
      expect([path, r.status, r.headers.get("content-type")?.split(";")[0]]).toEqual([path, 404, "application/json"]);
    }
    expect((await call("/no-such-page")).headers.get("content-type")).toMatch(/^application\/json/);
  });

  it("answers a wrong method with 405 and Allow", async () => {
    const r = await callJson<Err>("/auth/login", { method: "GET" });
    expect(r.status).toBe(405);
    expect(r.body.error.code).toBe("method_not_allowed");
    expect(r.headers.get("allow")).toBe("POST");
    const del = await call("/api/org/settings", { method: "DELETE" });
    expect(del.status).toBe(405);
  });

  it("answers a body over 64 KiB with 413 payload_too_large", async () => {
    const big = JSON.stringify({ email: "a@b.co", password: "x".repeat(70 * 1024) });
    const r = await callJson<Err>("/auth/login", { body: big });
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe("payload_too_large");
  });

  it("never shows a stack trace or another org's internals", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    for (const [path, opts] of [
      ["/api/org/users", { cookie, body: { email: "not-an-email", password: "long enough", role: "boss" } }],
      ["/api/platform/orgs", { bearer: TEST_SECRETS.PLATFORM_TOKEN, body: [] }],
      ["/auth/login/2fa", { body: { challenge: "a.b.c", code: "123456" } }],
    ] as const) {
      const text = await (await call(path, opts)).text();
      expect(text).not.toMatch(/at \w+ \(|\.ts:\d+|Error:/);
    }
  });
});

describe("security headers", () => {
  it("send a strict CSP, no framing, nosniff and a referrer policy on every answer", async () => {
    const r = await call("/healthz");
    const csp = r.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    expect(r.headers.get("referrer-policy")).toBe("same-origin");
    expect(r.headers.get("strict-transport-security")).toContain("max-age=");
  });

  it("refuse a cross-site POST made with the session cookie (CSRF), JSON included", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const evil = await callJson<Err>("/api/org/settings", {
      method: "PATCH",
      cookie,
      body: { require2fa: true },
      headers: { origin: "https://evil.example" },
    });
    expect(evil.status).toBe(403);
    const site = await call("/auth/logout", { method: "POST", cookie, headers: { "sec-fetch-site": "cross-site" } });
    expect(site.status).toBe(403);
    const settings = await callJson<{ require2fa: boolean }>("/api/org/settings", { cookie });
    expect(settings.body.require2fa).toBe(false);
    const same = await call("/api/org/settings", {
      method: "PATCH",
      cookie,
      body: { require2fa: true },
      headers: { origin: "https://gatehouse.test" },
    });
    expect(same.status).toBe(200);
  });
});
