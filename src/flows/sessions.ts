// Signing out, shared by the JSON API and the pages.
import type { Env } from "../env";
import { hashCredential, parseCredential } from "../http/credentials";
import type { RequestMeta } from "../org/rpc";
import { orgStub } from "../org/stub";

/** Revokes the session a cookie names, server-side; an unknown or malformed token is simply ignored. */
export async function signOut(env: Env, token: string | undefined, meta: RequestMeta): Promise<void> {
  const route = parseCredential("gs", token);
  if (token && route) await orgStub(env, route.slug, route.jurisdiction).logout(await hashCredential(env.HASH_KEY, token), meta);
}
