// Answers of the API, sign-in and OAuth carry TOTP secrets, recovery codes, API keys and personal data: no
// browser or proxy may keep a copy (Cache-Control: no-store), errors included, since a 401 or 429 still says
// something about an account. Set after the handler ran, so onError, notFound and 405 answers get it too.
import type { MiddlewareHandler } from "hono";

const PRIVATE_PREFIXES = ["/api", "/auth", "/oauth"];

function isPrivate(path: string): boolean {
  return PRIVATE_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
}

export const noStore: MiddlewareHandler = async (c, next) => {
  await next();
  if (isPrivate(c.req.path)) c.res.headers.set("cache-control", "no-store");
};
