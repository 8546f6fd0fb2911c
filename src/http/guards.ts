// Cross-cutting request guards: security headers, body size, and cross-site request refusal.
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { secureHeaders } from "hono/secure-headers";
import { MAX_BODY_BYTES } from "../constants";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";

/** Strict CSP: scripts and styles only from our own files, no framing (clickjacking), no plugins. */
export const securityHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", "data:"],
    connectSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
  strictTransportSecurity: false,
  xFrameOptions: "DENY",
  // same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on our own form posts,
  // which the CSRF check must refuse. Other sites still get no referrer.
  referrerPolicy: "same-origin",
  crossOriginResourcePolicy: "same-origin",
});

/** HSTS only means something on https; on http://localhost it would be ignored or harmful. */
export const hsts: MiddlewareHandler = async (c, next) => {
  await next();
  if (new URL(c.req.url).protocol === "https:") {
    c.res.headers.set("strict-transport-security", "max-age=63072000; includeSubDomains");
  }
};

export const limitBody = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new ApiError("payload_too_large", `The request body must be at most ${MAX_BODY_BYTES / 1024} KiB.`);
  },
});

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);
/** OAuth endpoints that read no cookie (the client authenticates itself), so a cross-site call carries no ambient authority. */
const NO_AMBIENT_CREDENTIALS = new Set(["/oauth/token", "/oauth/revoke", "/oauth/userinfo"]);
/**
 * POST /oauth/authorize and POST /oauth/logout are cross-site form posts by nature (OIDC Core 3.1.2.1, RP-Initiated
 * Logout 1.0 section 2: an application's page posts the request). Neither reads a cookie or changes anything: each
 * answers a 303 to the equal GET (oidc/authorize.ts, oidc/logout.ts), which any site may already link to.
 */
const CROSS_SITE_FORM_POSTS = new Set(["/oauth/authorize", "/oauth/logout"]);

/**
 * CSRF: a browser always sends Origin (and Sec-Fetch-Site) on a cross-site POST, whatever the content type,
 * so refusing a foreign Origin or a cross-site fetch covers JSON and form posts alike (hono's csrf() checks
 * forms only). Clients without ambient credentials (curl, scripts with API keys) send neither and pass.
 */
export const sameOriginOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  const crossSiteForm = c.req.method === "POST" && CROSS_SITE_FORM_POSTS.has(c.req.path);
  if (!SAFE.has(c.req.method) && !c.req.header("authorization") && !NO_AMBIENT_CREDENTIALS.has(c.req.path) && !crossSiteForm) {
    const origin = c.req.header("origin");
    const site = c.req.header("sec-fetch-site");
    const self = new URL(c.req.url).origin;
    if ((origin && origin !== self) || (site && site !== "same-origin" && site !== "none")) {
      throw new ApiError("forbidden", "Cross-site requests are not allowed.");
    }
  }
  await next();
};
