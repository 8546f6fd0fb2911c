// AES-256-GCM for TOTP secrets at rest. TOTP_KEYS = "id:base64key,id:base64key"; the first key encrypts,
// any listed key decrypts, so keys rotate by prepending a new one. The key id is stored beside the ciphertext.
import { fromBase64, randomBytes, toBase64Url, utf8 } from "./encoding";

interface Keyring {
  current: string;
  keys: Map<string, Promise<CryptoKey>>;
}

const keyrings = new Map<string, Keyring>();

/** The raw keys of a TOTP_KEYS spec, in order; throws when it is malformed (config.ts checks it at start). */
export function parseKeySpec(spec: string): Map<string, Uint8Array<ArrayBuffer>> {
  const keys = new Map<string, Uint8Array<ArrayBuffer>>();
  for (const entry of spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [id, b64] = entry.split(":");
    if (!id || !b64) throw new Error("TOTP_KEYS entries must be id:base64key");
    const raw = fromBase64(b64);
    if (raw.byteLength !== 32) throw new Error("TOTP_KEYS keys must be 32 bytes");
    keys.set(id, raw);
  }
  if (keys.size === 0) throw new Error("TOTP_KEYS is empty");
  return keys;
}

function keyring(spec: string): Keyring {
  let ring = keyrings.get(spec);
  if (ring) return ring;
  const keys = new Map<string, Promise<CryptoKey>>();
  for (const [id, raw] of parseKeySpec(spec)) {
    keys.set(id, crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]));
  }
  const current = keys.keys().next().value;
  if (!current) throw new Error("TOTP_KEYS is empty");
  ring = { current, keys };
  keyrings.set(spec, ring);
  return ring;
}

export interface Sealed {
  keyId: string;
  ciphertext: string;
}

/** Encrypts; the additional data binds the ciphertext to its owner so rows cannot be swapped. */
export async function seal(spec: string, plaintext: string, boundTo: string): Promise<Sealed> {
  const ring = keyring(spec);
  const iv = randomBytes(12);
  const key = await ring.keys.get(ring.current);
  if (!key) throw new Error("no current key");
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: utf8(boundTo) }, key, utf8(plaintext));
  return { keyId: ring.current, ciphertext: `${toBase64Url(iv)}.${toBase64Url(new Uint8Array(ct))}` };
}

export async function open(spec: string, sealed: Sealed, boundTo: string): Promise<string> {
  const key = await keyring(spec).keys.get(sealed.keyId);
  if (!key) throw new Error(`unknown key id ${sealed.keyId}`);
  const [iv, ct] = sealed.ciphertext.split(".");
  if (!iv || !ct) throw new Error("malformed ciphertext");
  const pt = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64(iv), additionalData: utf8(boundTo) }, key, fromBase64(ct));
  return new TextDecoder().decode(pt);
}
