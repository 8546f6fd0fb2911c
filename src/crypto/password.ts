// Password hashing: PBKDF2-SHA256 over an HMAC-peppered, NFKC-normalised password.
// Runs in the stateless Worker, never in an org's object (which is single-threaded).
// The hash is self-describing ("pbkdf2-sha256:<rounds>:<salt>:<hash>") so the cost can be raised later
// and old hashes upgraded at the next sign-in (needsRehash).
import { PASSWORD_SALT_BYTES, PBKDF2_MAX_ITERATIONS } from "../constants";
import { timingSafeEqual } from "./compare";
import { fromBase64, randomBytes, toBase64Url, utf8 } from "./encoding";
import { keyedHash } from "./tokens";

const SCHEME = "pbkdf2-sha256";

/** How many times the KDF ran in this isolate: tests count it to prove equal work for unknown emails. */
export const kdfStats = { calls: 0 };

async function derive(pepper: string, password: string, salt: Uint8Array<ArrayBuffer>, iterations: number) {
  kdfStats.calls++;
  // The pepper (a Worker secret) keeps a stolen database alone from being brute-forced offline.
  const peppered = await keyedHash(pepper, password.normalize("NFKC"));
  const key = await crypto.subtle.importKey("raw", utf8(peppered), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

export async function hashPassword(pepper: string, password: string, iterations: number): Promise<string> {
  const salt = randomBytes(PASSWORD_SALT_BYTES);
  const hash = await derive(pepper, password, salt, iterations);
  return `${SCHEME}:${iterations}:${toBase64Url(salt)}:${toBase64Url(hash)}`;
}

/** Checks a password; always runs the KDF once, even for a malformed stored hash. */
export async function verifyPassword(pepper: string, password: string, stored: string): Promise<boolean> {
  const [scheme, rounds, salt, hash] = stored.split(":");
  const iterations = Number(rounds);
  const wellFormed = scheme === SCHEME && Number.isInteger(iterations) && iterations > 0 && !!salt && !!hash;
  const derived = await derive(
    pepper,
    password,
    wellFormed ? fromBase64(salt) : randomBytes(PASSWORD_SALT_BYTES),
    wellFormed ? Math.min(iterations, PBKDF2_MAX_ITERATIONS) : PBKDF2_MAX_ITERATIONS,
  );
  return wellFormed && timingSafeEqual(derived, fromBase64(hash));
}

export function needsRehash(stored: string, iterations: number): boolean {
  const [scheme, rounds] = stored.split(":");
  return scheme !== SCHEME || Number(rounds) < iterations;
}

/**
 * A well-formed hash that no password matches (its digest is random, not derived), so checking an unknown
 * email runs exactly the same KDF work as checking a real account's password.
 */
export function dummyHash(iterations: number): string {
  return `${SCHEME}:${iterations}:${toBase64Url(randomBytes(PASSWORD_SALT_BYTES))}:${toBase64Url(randomBytes(32))}`;
}
