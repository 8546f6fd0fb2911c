// The issuer of every token and the URLs of every endpoint, from ISSUER_URL or the request's own origin.
import type { Context } from "hono";
import { config } from "../config";
import type { AppEnv } from "../env";

export const OIDC_PATHS = {
  discovery: "/.well-known/openid-configuration",
  jwks: "/oauth/jwks",
  authorize: "/oauth/authorize",
  token: "/oauth/token",
  userinfo: "/oauth/userinfo",
  revoke: "/oauth/revoke",
  logout: "/oauth/logout",
} as const;

/** OIDC Core 2 `iss`: ISSUER_URL when set (behind a proxy the request's origin may not be the public one). */
export function issuerOf(c: Context<AppEnv>): string {
  return config(c.env).oidc.issuer ?? new URL(c.req.url).origin;
}
