// OpenID Connect Discovery 1.0 section 3 (provider metadata) and the JWKS the tokens are verified with.
import { Hono } from "hono";
import { config } from "../config";
import type { AppEnv } from "../env";
import { OIDC_PATHS, issuerOf } from "./issuer";
import { signingKeys } from "./keys";

export const SCOPES = ["openid", "profile", "email", "offline_access"] as const;
export const CLAIMS = [
  "sub",
  "iss",
  "aud",
  "exp",
  "iat",
  "auth_time",
  "nonce",
  "amr",
  "acr",
  "sid",
  "email",
  "email_verified",
  "name",
  "org",
  "role",
];

export const discoveryRoutes = new Hono<AppEnv>()
  .get(OIDC_PATHS.discovery, (c) => {
    const issuer = issuerOf(c);
    return c.json({
      issuer,
      authorization_endpoint: `${issuer}${OIDC_PATHS.authorize}`,
      token_endpoint: `${issuer}${OIDC_PATHS.token}`,
      userinfo_endpoint: `${issuer}${OIDC_PATHS.userinfo}`,
      jwks_uri: `${issuer}${OIDC_PATHS.jwks}`,
      revocation_endpoint: `${issuer}${OIDC_PATHS.revoke}`,
      end_session_endpoint: `${issuer}${OIDC_PATHS.logout}`,
      scopes_supported: SCOPES,
      response_types_supported: ["code"],
      response_modes_supported: ["query"],
      grant_types_supported: ["authorization_code", "refresh_token"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["RS256"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
      revocation_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
      code_challenge_methods_supported: ["S256"],
      claims_supported: CLAIMS,
      // RFC 8176 values Gatehouse puts in `amr`; acr_values asking for MFA: see authorize.
      acr_values_supported: ["mfa"],
      prompt_values_supported: ["none", "login"],
      claims_parameter_supported: false,
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
      // RFC 9207: `iss` comes back with every authorization response, so a client can tell mix-ups.
      authorization_response_iss_parameter_supported: true,
    });
  })
  .get(OIDC_PATHS.jwks, async (c) => {
    const { publicJwks } = await signingKeys(config(c.env).oidc.signingKeys);
    return c.json({ keys: publicJwks });
  });
