// Sign-in challenges travel as short-lived JWTs (jose, HS256) naming the user, org and purpose; the org's
// object keeps the matching row that makes each one single-use. The token alone never grants anything.
import { jwtVerify, SignJWT } from "jose";
import { nowMs } from "../clock";
import { utf8 } from "../crypto/encoding";
import type { ChallengePurpose } from "../org/challenges";
import type { Route } from "../http/credentials";

const AUDIENCE = "gatehouse:challenge";

/**
 * The HS256 key, imported once per isolate and key (jose imports a raw key again on every call). Only keys that
 * imported are kept (a failure is retried, never cached), and only the last few (a rotation adds one).
 */
const keys = new Map<string, CryptoKey>();
const KEPT_KEYS = 4;

async function hmacKey(key: string): Promise<CryptoKey> {
  const kept = keys.get(key);
  if (kept) return kept;
  const imported = await crypto.subtle.importKey("raw", utf8(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
  if (keys.size >= KEPT_KEYS) keys.delete(keys.keys().next().value as string);
  keys.set(key, imported);
  return imported;
}

export interface ChallengeClaims extends Route {
  challengeId: string;
  userId: string;
  purpose: ChallengePurpose;
}

export async function signChallenge(key: string, claims: ChallengeClaims, expiresAtMs: number): Promise<string> {
  return new SignJWT({ org: claims.slug, jur: claims.jurisdiction, pur: claims.purpose })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(claims.userId)
    .setJti(claims.challengeId)
    .setAudience(AUDIENCE)
    .setIssuedAt(Math.floor(nowMs() / 1000))
    .setExpirationTime(Math.floor(expiresAtMs / 1000))
    .sign(await hmacKey(key));
}

/** The claims of a valid, unexpired challenge of this purpose, or null. */
export async function verifyChallenge(key: string, token: string, purpose: ChallengePurpose): Promise<ChallengeClaims | null> {
  try {
    const { payload } = await jwtVerify(token, await hmacKey(key), {
      algorithms: ["HS256"],
      audience: AUDIENCE,
      currentDate: new Date(nowMs()),
    });
    const { sub, jti, org, jur, pur } = payload;
    if (typeof sub !== "string" || typeof jti !== "string" || typeof org !== "string" || pur !== purpose) return null;
    if (jur !== null && typeof jur !== "string") return null;
    return { userId: sub, challengeId: jti, slug: org, jurisdiction: jur ?? null, purpose };
  } catch {
    return null;
  }
}
