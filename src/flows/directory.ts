// Names that must be unique across the deployment (emails, org slugs), each claimed in its own directory object.
import type { Env } from "../env";
import { keyedHash } from "../crypto/tokens";
import { normalizeEmail } from "../http/fields";

/** The email's object is named by a keyed hash, so the directory never holds an email address. */
export async function emailClaim(env: Env, email: string) {
  const name = await keyedHash(env.HASH_KEY, `email:${normalizeEmail(email)}`);
  return env.DIRECTORY.getByName(`email:${name}`);
}

export function slugClaim(env: Env, slug: string) {
  return env.DIRECTORY.getByName(`slug:${slug}`);
}
