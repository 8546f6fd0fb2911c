// The OpenID provider's JSON routes in /api/openapi.json (routes/openapi/index.ts). The /oauth/* endpoints speak
// OAuth's own formats (form bodies, redirects) and are described by the discovery document instead.
import type { Endpoint } from "../routes/openapi/endpoint";
import { stepUpBody } from "../http/fields";
import { clientBody } from "./registration";

export const OIDC_ENDPOINTS: Endpoint[] = [
  {
    method: "get",
    path: "/.well-known/openid-configuration",
    summary: "OpenID Connect Discovery 1.0: the provider's metadata (issuer = ISSUER_URL or the request's origin)",
    auth: "none",
    ok: 200,
  },
  {
    method: "post",
    path: "/api/platform/oidc-clients",
    summary: "Register a platform OpenID client (any org's users); the secret of a confidential client is shown once",
    auth: "platform",
    body: clientBody,
    ok: 201,
    errors: [400, 401, 429],
  },
  {
    method: "get",
    path: "/api/platform/oidc-clients/{id}",
    summary: "A platform OpenID client",
    auth: "platform",
    ok: 200,
    errors: [401, 404],
  },
  {
    method: "delete",
    path: "/api/platform/oidc-clients/{id}",
    summary: "Revoke a platform OpenID client: its refresh tokens stop working at once",
    auth: "platform",
    ok: 204,
    errors: [401, 404],
  },
  {
    method: "get",
    path: "/api/org/oidc-clients",
    summary: "The org's own OpenID clients (never a secret)",
    auth: "admin",
    ok: 200,
    errors: [401, 403],
  },
  {
    method: "post",
    path: "/api/org/oidc-clients",
    summary: "Register an OpenID client for this org's users only (step-up; not with an API key); the secret is shown once",
    auth: "admin",
    body: clientBody,
    ok: 201,
    errors: [400, 401, 403],
  },
  {
    method: "delete",
    path: "/api/org/oidc-clients/{id}",
    summary: "Revoke one of the org's OpenID clients and every grant it holds (step-up from a session)",
    auth: "admin",
    body: stepUpBody,
    ok: 204,
    errors: [401, 403, 404],
  },
];
