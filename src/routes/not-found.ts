// 405 for a known path with the wrong method (Hono itself answers 404 for both).
import type { Context, Hono } from "hono";
import { ApiError, errorResponse } from "../errors";

function pattern(path: string): RegExp {
  const body = path
    .replace(/\/+$/, "")
    .replace(/[.+?^${}()|[\]\\]/g, "\\$&")
    .replace(/:[A-Za-z]+/g, "[^/]+");
  return new RegExp(`^${body.replace(/\*/g, ".*")}/?$`);
}

// biome-ignore lint/suspicious/noExplicitAny: any Hono app
export function methodNotAllowed(app: Hono<any>, c: Context): Response | null {
  const path = new URL(c.req.url).pathname;
  const allowed = new Set<string>();
  for (const r of app.routes) {
    if (r.method === "ALL" || r.path.includes("*")) continue;
    if (pattern(r.path).test(path)) allowed.add(r.method);
  }
  if (allowed.size === 0 || allowed.has(c.req.method)) return null;
  const res = errorResponse(new ApiError("method_not_allowed", `Use ${[...allowed].join(" or ")} here.`));
  res.headers.set("allow", [...allowed].join(", "));
  return res;
}
