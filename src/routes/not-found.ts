// 405 for a known path with the wrong method (Hono itself answers 404 for both); a browser opening the address of
// a page's form (reloading after a post) goes to the page above it instead.
import type { Context, Hono } from "hono";
import { ApiError, errorResponse } from "../errors";

function pattern(path: string): RegExp {
  const body = path
    .replace(/\/+$/, "")
    .replace(/[.+?^${}()|[\]\\]/g, "\\$&")
    .replace(/:[A-Za-z]+/g, "[^/]+");
  return new RegExp(`^${body.replace(/\*/g, ".*")}/?$`);
}

interface Route {
  method: string;
  pattern: RegExp;
}

// Compiled once per app and route count (the routes are all mounted before the first request), not on every 404.
// biome-ignore lint/suspicious/noExplicitAny: any Hono app
const compiled = new WeakMap<Hono<any>, { count: number; routes: Route[] }>();

// biome-ignore lint/suspicious/noExplicitAny: any Hono app
function routesOf(app: Hono<any>): Route[] {
  const found = compiled.get(app);
  if (found && found.count === app.routes.length) return found.routes;
  const routes = app.routes
    .filter((r) => r.method !== "ALL" && !r.path.includes("*"))
    .map((r) => ({ method: r.method, pattern: pattern(r.path) }));
  compiled.set(app, { count: app.routes.length, routes });
  return routes;
}

// biome-ignore lint/suspicious/noExplicitAny: any Hono app
function methodsAt(app: Hono<any>, path: string): Set<string> {
  const allowed = new Set<string>();
  for (const r of routesOf(app)) {
    if (r.pattern.test(path)) allowed.add(r.method);
  }
  return allowed;
}

/**
 * A form posts to an address of its own (/login, /account/2fa/setup), which the address bar keeps: reloading it, or
 * opening it in a new tab, asks for a GET it has not. The person gets the nearest page above it (/, /account), not a
 * JSON 405.
 */
// biome-ignore lint/suspicious/noExplicitAny: any Hono app
export function formAddressOpened(app: Hono<any>, c: Context): Response | null {
  if (!wantsPage(c)) return null;
  let path = new URL(c.req.url).pathname.replace(/\/+$/, "");
  if (methodsAt(app, path).size === 0) return null;
  while (path !== "") {
    path = path.slice(0, path.lastIndexOf("/"));
    if (methodsAt(app, path || "/").has("GET")) break;
  }
  return c.redirect(path || "/", 303);
}

// biome-ignore lint/suspicious/noExplicitAny: any Hono app
export function methodNotAllowed(app: Hono<any>, c: Context): Response | null {
  const allowed = methodsAt(app, new URL(c.req.url).pathname);
  if (allowed.size === 0 || allowed.has(c.req.method)) return null;
  const res = errorResponse(new ApiError("method_not_allowed", `Use ${[...allowed].join(" or ")} here.`));
  res.headers.set("allow", [...allowed].join(", "));
  return res;
}

/** JSON answers under these prefixes (docs/api.md); anything else a browser opens is a page. */
const JSON_PREFIXES = ["/api/", "/auth/", "/oauth/", "/dev/"];

/** A browser navigating to an address with no page: it reads an HTML page in its language, not a JSON error. */
export function wantsPage(c: Context): boolean {
  if (c.req.method !== "GET" && c.req.method !== "HEAD") return false;
  if (!(c.req.header("accept") ?? "").includes("text/html")) return false;
  const path = new URL(c.req.url).pathname;
  return !JSON_PREFIXES.some((p) => path.startsWith(p) || path === p.slice(0, -1));
}
