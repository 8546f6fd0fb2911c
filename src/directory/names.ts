// The names of directory objects: what must be unique across the deployment (emails, org slugs, passkeys), each
// claimed in an object of its own, and the throttles kept there.
import type { Env } from "../env";
import { keyedHash } from "../crypto/tokens";
import { normalizeEmail } from "../email-address";

/** The email's object is named by a keyed hash, so the directory never holds an email address. */
export async function emailClaim(env: Env, email: string) {
  return env.DIRECTORY.getByName(await emailClaimName(env, email));
}

/** The name of the email's directory object (what an org deletion records to free it later). */
export async function emailClaimName(env: Pick<Env, "HASH_KEY">, email: string): Promise<string> {
  return `email:${await emailKey(env, email)}`;
}

/** The keyed hash that names an email's directory object (what org/actions/email.ts holdsEmailKey compares). */
export function emailKey(env: Pick<Env, "HASH_KEY">, email: string): Promise<string> {
  return keyedHash(env.HASH_KEY, `email:${normalizeEmail(email)}`);
}

/**
 * A passkey's object, named by a keyed hash of its credential id: a passwordless sign-in finds its org and user
 * there, never by scanning orgs. Its pending claim settles on the user's existence; the org, source of truth,
 * still refuses a credential it does not hold.
 */
export async function credentialClaim(env: Env, credentialId: string) {
  return env.DIRECTORY.getByName(await credentialClaimName(env, credentialId));
}

/** The name of a passkey's directory object (what an org deletion records to free it later). */
export async function credentialClaimName(env: Pick<Env, "HASH_KEY">, credentialId: string): Promise<string> {
  return `cred:${await keyedHash(env.HASH_KEY, `cred:${credentialId}`)}`;
}

export function slugClaim(env: Env, slug: string) {
  return env.DIRECTORY.getByName(`slug:${slug}`);
}

/**
 * The client's network as the throttles count it: an IPv4 address, or an IPv6 /64 (one customer's network,
 * RFC 6177: a single host may use any of its 2^64 addresses, so counting per address would not slow it).
 */
export function clientNetwork(ip: string | undefined): string {
  const address = ip?.trim().toLowerCase().replace(/%.*$/, "").slice(0, 64);
  if (!address) return "unknown";
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(address);
  if (mapped) return mapped[1] as string;
  if (!address.includes(":")) return address;
  const [head = "", tail] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = tail === undefined ? left : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => (Number.parseInt(g, 16) || 0).toString(16))
    .join(":")}::/64`;
}

/**
 * Wrong operator bearers are counted per client network in their own directory object (the unknown-email
 * throttle's table). Its name is a keyed hash, so the directory holds no address; without cf-connecting-ip
 * (only off Cloudflare) every caller shares the "unknown" object.
 */
export async function platformThrottle(env: Env, ip: string | undefined) {
  const network = clientNetwork(ip);
  const name = network === "unknown" ? network : await keyedHash(env.HASH_KEY, `platform-ip:${network}`);
  return env.DIRECTORY.getByName(`throttle:platform:${name}`);
}
