// A fresh RS256 signing key for the OpenID provider, as OIDC_SIGNING_KEYS wants it (a JSON array of private JWKs):
// for local runs only (npm start's .dev.vars, the soak's runtime). Production keys are set with wrangler secret put.
import { generateKeyPairSync } from "node:crypto";

export function oidcSigningKeys(kidPrefix) {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return JSON.stringify([{ kid: `${kidPrefix}-${Date.now()}`, alg: "RS256", ...privateKey.export({ format: "jwk" }) }]);
}
