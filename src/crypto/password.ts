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

/**
 * A user's salt, derived from their id with the pepper: unique per user like a random one, but known at the edge
 * before the stored hash is read, so a sign-in computes the hash and lets the org's object compare it in the same
 * call that decides (one round trip fewer). The stored hash still names its salt, so older random-salt hashes verify.
 */
async function userSalt(pepper: string, userId: string): Promise<Uint8Array<ArrayBuffer>> {
  return fromBase64(await keyedHash(pepper, `password-salt:${userId}`)).slice(0, PASSWORD_SALT_BYTES);
}

/** The hash to store; with a user id, its salt is that user's (userSalt), so the same password gives the same hash. */
export async function hashPassword(pepper: string, password: string, iterations: number, userId?: string): Promise<string> {
  const salt = userId === undefined ? randomBytes(PASSWORD_SALT_BYTES) : await userSalt(pepper, userId);
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

/**
 * A stored hash that did not match the edge's candidate (attemptPassword) is replaced by it after a right
 * password: an older cost, or a random salt at the current cost. Never by a cheaper one (the cost was lowered).
 */
export function shouldUpgrade(stored: string, iterations: number): boolean {
  return needsRehash(stored, iterations) || Number(stored.split(":")[1]) === iterations;
}

/** "scheme:rounds:salt", the part of a stored hash that says how it was made, not what it hides. */
export function hashParameters(stored: string): string {
  return stored.split(":").slice(0, 3).join(":");
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
