// The OpenID provider's JSON routes in /api/openapi.json (routes/openapi.ts). The /oauth/* endpoints speak
// OAuth's own formats (form bodies, redirects) and are described by the discovery document instead.
import type { Endpoint } from "../routes/openapi";

export const OIDC_ENDPOINTS: Endpoint[] = [
  {
    method: "get",
    path: "/.well-known/openid-configuration",
    summary: "OpenID Connect Discovery 1.0: the provider's metadata (issuer = ISSUER_URL or the request's origin)",
    auth: "none",
    ok: 200,
  },
];
