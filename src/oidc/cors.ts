// CORS for what a browser application (a public client: a single-page app) calls from its own origin: discovery,
// the keys, the token endpoint, userinfo and revocation. None of them reads a cookie, so any origin may call them,
// and never with credentials; the sign-in pages, authorize and logout are navigations and get no CORS.
import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { AppEnv } from "../env";
import { OIDC_PATHS } from "./issuer";

export const CORS_PATHS = [OIDC_PATHS.discovery, OIDC_PATHS.jwks, OIDC_PATHS.token, OIDC_PATHS.userinfo, OIDC_PATHS.revoke];

export const oidcCors: MiddlewareHandler<AppEnv> = cors({
  origin: "*",
  allowMethods: ["GET", "POST", "OPTIONS"],
  allowHeaders: ["Authorization", "Content-Type"],
  exposeHeaders: ["WWW-Authenticate"],
  credentials: false,
  maxAge: 600,
});
