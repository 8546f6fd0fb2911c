// Signing out and the step-up rule for 2FA setup, shared by the JSON API and the pages.
import type { Env } from "../env";
import { ApiError } from "../errors";
import { hashCredential, parseCredential } from "../http/credentials";
import type { Identity } from "../org/actions/identity";
import { orgStub } from "../org/stub";

/** Revokes the session a cookie names, server-side; an unknown or malformed token is simply ignored. */
export async function signOut(env: Env, token: string | undefined): Promise<void> {
  const route = parseCredential("gs", token);
  if (token && route) await orgStub(env, route.slug, route.jurisdiction).logout(await hashCredential(env.HASH_KEY, token));
}

/** Step-up ("sudo mode"): adding a second factor needs a recent sign-in, and no factor already. */
export function assertCanStartEnrollment(identity: Identity): void {
  if (!identity.session?.recent) {
    throw new ApiError("forbidden", "For your security, sign in again to set up two-factor authentication.");
  }
  if (identity.twoFactor.enabled) throw new ApiError("already_enrolled");
}
