// Every JSON route the app serves is in GET /api/openapi.json, read from the app's own route table, so a route
// added without its OpenAPI entry fails here instead of going missing from the document scripts are built from.
import { describe, expect, it } from "vitest";
import app from "../../src/index";
import { callJson } from "../support/api";

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);

/**
 * The rule: the JSON API is everything under /api/ and /auth/, plus /healthz and /.well-known/. Page routes
 * (HTML forms, /pair/<token>, /static/) and the DEV_MODE-only /dev/ outbox are not part of the OpenAPI document.
 */
function isJsonApi(path: string): boolean {
  return /^\/(api|auth|\.well-known)\//.test(path) || path === "/healthz";
}

/** "method path" of every JSON route the app serves, with Hono's ":param" written as OpenAPI's "{param}". */
function servedJsonRoutes(): string[] {
  const seen = new Set<string>();
  for (const r of app.routes) {
    if (!METHODS.has(r.method) || r.path.includes("*") || !isJsonApi(r.path)) continue;
    seen.add(`${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, "{$1}")}`);
  }
  return [...seen].sort();
}

describe("the OpenAPI document covers the app", () => {
  it("finds the app's JSON routes to compare, and leaves its pages out", () => {
    const routes = servedJsonRoutes();
    expect(routes).toContain("post /auth/login");
    expect(routes).toContain("patch /api/org/users/{id}");
    expect(routes).toContain("get /healthz");
    expect(routes.some((r) => /^\w+ \/(login|account|users|pair|dev|static)(\/|$)/.test(r))).toBe(false);
    expect(routes.length).toBeGreaterThan(30);
  });

  it("documents every JSON route the app serves", async () => {
    const r = await callJson<{ paths: Record<string, Record<string, unknown>> }>("/api/openapi.json");
    expect(r.status).toBe(200);
    const documented = new Set(Object.entries(r.body.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`)));
    const missing = servedJsonRoutes().filter((route) => !documented.has(route));
    expect(missing, `served but not in /api/openapi.json: ${missing.join(", ")}`).toEqual([]);
  });

  it("documents no route the app does not serve", async () => {
    const r = await callJson<{ paths: Record<string, Record<string, unknown>> }>("/api/openapi.json");
    const served = new Set(servedJsonRoutes());
    const stale = Object.entries(r.body.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`))
      .filter((route) => !served.has(route));
    expect(stale, `in /api/openapi.json but not served: ${stale.join(", ")}`).toEqual([]);
  });
});
