// Every answer under /api/, /auth/ and /oauth/ carries Cache-Control: no-store (docs/api.md), errors included and
// above all those carrying a TOTP secret, recovery codes or an API key; static assets keep their caching.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import app from "../../src/index";
import { BASE, call, callJson, createOrg, randomEmail, signIn } from "../support/api";

function routes(): [string, string][] {
  const seen = new Set<string>();
  for (const r of app.routes) {
    if (r.method !== "ALL" && /^\/(api|auth)\//.test(r.path) && !r.path.includes("*")) seen.add(`${r.method} ${r.path}`);
  }
  return [...seen].map((k) => k.split(" ") as [string, string]);
}

function expectNoStore(res: Response, what: string) {
  expect(res.headers.get("cache-control"), what).toBe("no-store");
}

describe("Cache-Control: no-store", () => {
  it("is on the answer of every /api/ and /auth/ route, whatever its status", async () => {
    const org = await createOrg();
    const statuses = new Set<number>();
    for (const [method, template] of routes()) {
      const path = template.replace(/:slug/g, org.slug).replace(/:(\w+)/g, "x");
      for (const who of [{}, { cookie: await signIn(org.admin.email) }]) {
        const res = await call(path, { method, ...who, ...(method === "GET" ? {} : { body: {} }) });
        statuses.add(res.status);
        expectNoStore(res, `${method} ${template} -> ${res.status}`);
      }
    }
    // The walk met successes and refusals alike.
    expect([...statuses].some((s) => s < 300)).toBe(true);
    expect([...statuses].filter((s) => s >= 400).length).toBeGreaterThan(2);
  });

  it("is on answers that carry a TOTP secret, an API key or a session", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const setup = await callJson<{ secret: string }>("/api/me/2fa/setup", { method: "POST", cookie });
    expect(setup.body.secret).toBeTruthy();
    expectNoStore(setup.res, "2fa setup");
    const key = await callJson<{ key: string }>("/api/org/api-keys", { cookie, body: { name: "ci", role: "admin" } });
    expect(key.body.key).toBeTruthy();
    expectNoStore(key.res, "new API key");
    expectNoStore(await call("/auth/login", { body: { email: org.admin.email, password: org.admin.password } }), "sign-in");
  });

  it("is on errors made by onError, notFound, the 405 helper, the body limit and the throttle", async () => {
    expectNoStore(await call("/api/me"), "401");
    expectNoStore(await call("/api/nothing-here"), "404");
    expectNoStore(await call("/oauth/token", { body: {} }), "404 under /oauth/");
    const wrongMethod = await call("/auth/login");
    expect(wrongMethod.status).toBe(405);
    expectNoStore(wrongMethod, "405");
    const big = await call("/auth/login", { body: "x".repeat(100 * 1024) });
    expect(big.status).toBe(413);
    expectNoStore(big, "413");
    const form = await call("/auth/login", { body: "a=b", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(form.status).toBe(415);
    expectNoStore(form, "415");
    const email = randomEmail("nobody");
    let last = new Response();
    for (let i = 0; i < 11; i++) last = await call("/auth/login", { body: { email, password: "not the password" } });
    expect(last.status).toBe(429);
    expectNoStore(last, "429");
  });

  it("is on the 500 of a misconfigured deployment", async () => {
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request(`${BASE}/api/me`), { ...env, PASSWORD_ITERATIONS: "0" }, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(500);
    expectNoStore(res, "500");
  });

  it("leaves the static assets cacheable and pages as they were", async () => {
    for (const path of ["/static/app.css", "/static/app.js"]) {
      const res = await call(path);
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toMatch(/max-age=\d+/);
    }
  });

  it("serves the site icon where browsers ask for it unprompted, so no page logs a 404", async () => {
    for (const path of ["/favicon.ico", "/static/favicon.svg"]) {
      const res = await call(path);
      expect([res.status, res.headers.get("content-type")], path).toEqual([200, "image/svg+xml"]);
      expect(await res.text(), path).toMatch(/^<svg [^>]*viewBox="0 0 32 32"/);
    }
    const page = await (await call("/", { headers: { accept: "text/html" } })).text();
    expect(page).toContain('<link rel="icon" href="/static/favicon.svg" type="image/svg+xml"/>');
  });
});
