// The OpenID Provider's signing keys: OIDC_SIGNING_KEYS holds a JSON array of private RSA JWKs, each with a
// `kid`. The first signs; all are published in the JWKS, so rotation is "prepend a new key, remove the old one
// after the longest token lifetime" (ID and access tokens are short-lived; see constants.ts). jose alone signs.
import { type JWK, importJWK } from "jose";

export interface SigningKeys {
  /** The key that signs, with its kid. */
  signer: { kid: string; key: CryptoKey };
  /** Every key's public half, as published at the JWKS endpoint. */
  publicJwks: JWK[];
}

/** The members of an RSA private JWK (RFC 7518 6.3.2) the signer needs. */
const PRIVATE_MEMBERS = ["n", "e", "d", "p", "q", "dp", "dq", "qi"] as const;

/**
 * Parses and checks the spec without importing (config.ts calls it synchronously): a non-empty JSON array of
 * RSA private JWKs with distinct, non-empty kids and RS256 (or no alg). Throws an Error saying what is wrong.
 */
export function parseSigningKeySpec(spec: string): JWK[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(spec);
  } catch {
    throw new Error("is not JSON");
  }
  if (!Array.isArray(parsed) || parsed.length === 0) throw new Error("must be a non-empty JSON array of private JWKs");
  const kids = new Set<string>();
  for (const jwk of parsed as JWK[]) {
    if (typeof jwk !== "object" || jwk === null || jwk.kty !== "RSA") throw new Error("holds a key that is not an RSA JWK");
    if (typeof jwk.kid !== "string" || jwk.kid === "" || kids.has(jwk.kid)) throw new Error("needs a distinct, non-empty kid on every key");
    if (jwk.alg !== undefined && jwk.alg !== "RS256") throw new Error(`key ${jwk.kid} is not for RS256`);
    if (PRIVATE_MEMBERS.some((m) => typeof jwk[m] !== "string")) throw new Error(`key ${jwk.kid} is not a private RSA key`);
    // RFC 7518 3.3: 2048 bits at least; n is the modulus, base64url (4 characters per 3 bytes).
    if ((jwk.n as string).length < 342) throw new Error(`key ${jwk.kid} is shorter than 2048 bits`);
    kids.add(jwk.kid);
  }
  return parsed as JWK[];
}

function publicHalf(jwk: JWK): JWK {
  return { kty: "RSA", kid: jwk.kid, use: "sig", alg: "RS256", n: jwk.n, e: jwk.e };
}

const cache = new Map<string, Promise<SigningKeys>>();

async function load(spec: string): Promise<SigningKeys> {
  const jwks = parseSigningKeySpec(spec);
  const first = jwks[0] as JWK;
  const key = (await importJWK({ ...first, alg: "RS256" }, "RS256")) as CryptoKey;
  return { signer: { kid: first.kid as string, key }, publicJwks: jwks.map(publicHalf) };
}

/** The deployment's keys, imported once per isolate (config.ts has already checked the spec). */
export function signingKeys(spec: string): Promise<SigningKeys> {
  let found = cache.get(spec);
  if (!found) {
    found = load(spec);
    found.catch(() => cache.delete(spec));
    cache.set(spec, found);
  }
  return found;
}
