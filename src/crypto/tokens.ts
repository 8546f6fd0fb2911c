// Random tokens and keyed hashes: what the org object stores instead of a token, key or code.
import { randomBytes, toBase64Url, utf8 } from "./encoding";

const hmacKeys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = hmacKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", utf8(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    hmacKeys.set(secret, key);
  }
  return key;
}

/** HMAC-SHA-256 of value under secret, base64url: the stored form of every bearer secret. */
export async function keyedHash(secret: string, value: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret), utf8(value));
  return toBase64Url(new Uint8Array(mac));
}

/** A random token of n bytes, base64url (no padding). */
export function randomToken(bytes: number): string {
  return toBase64Url(randomBytes(bytes));
}

/** A short random id for rows (not a secret). */
export function newId(prefix: string): string {
  return `${prefix}_${toBase64Url(randomBytes(12))}`;
}
