// Passkeys at the edge, for the JSON API and the pages: the relying party of the request, the recovery codes a first
// factor brings, and the passkey step of a sign-in. Every decision is taken in the org's object.
import { config } from "../config";
import type { Env } from "../env";
import { ApiError } from "../errors";
import { issueCredential, type Route } from "../http/credentials";
import type { RequestMeta } from "../org/results";
import { orgStub } from "../org/stub";
import type { AuthenticationResponseJSON, RegistrationResponseJSON, RelyingParty } from "../webauthn";
import { unwrap } from "./outcomes";
import { newRecoveryCodes } from "./recovery-codes";
import { challengeOrThrow, type SignInResult } from "./sign-in";

const RP_NAME = "Gatehouse";

/**
 * The relying party: RP_ID and RP_ORIGINS in production (config.ts); without them, the request's own host and
 * origin (development: http://localhost). Null on an IP address, which WebAuthn never accepts as an RP ID.
 */
export function relyingParty(env: Env, requestUrl: string): RelyingParty | null {
  const configured = config(env).relyingParty;
  if (configured) return { ...configured, name: RP_NAME };
  const url = new URL(requestUrl);
  const host = url.hostname;
  if (/^[0-9.]+$/.test(host) || host.includes(":") || host.startsWith("[")) return null;
  return { id: host, origins: [url.origin], name: RP_NAME };
}

export const PASSKEYS_UNAVAILABLE =
  "Passkeys are unavailable at this address: WebAuthn needs a domain name, not an IP address. Use http://localhost instead.";

function rpOrThrow(env: Env, requestUrl: string): RelyingParty {
  const rp = relyingParty(env, requestUrl);
  if (!rp) throw new ApiError("invalid_request", PASSKEYS_UNAVAILABLE);
  return rp;
}

/** Registration options for a signed-in user; the caller has checked step-up (adding a factor). */
export async function startPasskeyRegistration(env: Env, route: Route, userId: string, requestUrl: string) {
  const rp = rpOrThrow(env, requestUrl);
  return unwrap(await orgStub(env, route.slug, route.jurisdiction).beginPasskeyRegistration({ userId, rp }));
}

/** Stores the verified passkey; the first second factor also brings recovery codes, shown once. */
export async function finishPasskeyRegistration(
  env: Env,
  route: Route,
  input: { userId: string; name: string; response: RegistrationResponseJSON; keepSession: string },
  requestUrl: string,
  meta: RequestMeta,
) {
  const rp = rpOrThrow(env, requestUrl);
  const { codes, hashes } = await newRecoveryCodes(env.HASH_KEY);
  const r = unwrap(
    await orgStub(env, route.slug, route.jurisdiction).finishPasskeyRegistration({ ...input, rp, recoveryCodeHashes: hashes, meta }),
  );
  return { passkey: r.passkey, ...(r.firstFactor ? { recoveryCodes: codes } : {}) };
}

/** Assertion options for the second step of a sign-in, bound to its challenge. */
export async function passkeyStepOptions(env: Env, challenge: string, requestUrl: string) {
  const rp = rpOrThrow(env, requestUrl);
  const claims = await challengeOrThrow(env, challenge, "2fa");
  return unwrap(
    await orgStub(env, claims.slug, claims.jurisdiction).passkeyStepOptions({ challengeId: claims.challengeId, userId: claims.userId, rp }),
  );
}

/** The passkey step of a sign-in: a session when the assertion answers this sign-in's passkey challenge. */
export async function signInWithPasskeyStep(
  env: Env,
  input: { challenge: string; response: AuthenticationResponseJSON },
  requestUrl: string,
  meta: RequestMeta,
): Promise<SignInResult & { status: "authenticated" }> {
  const rp = rpOrThrow(env, requestUrl);
  const claims = await challengeOrThrow(env, input.challenge, "2fa");
  const session = await issueCredential(env.HASH_KEY, "gs", claims);
  unwrap(
    await orgStub(env, claims.slug, claims.jurisdiction).completePasskeyStep({
      challengeId: claims.challengeId,
      userId: claims.userId,
      rp,
      response: input.response,
      sessionTokenHash: session.hash,
      meta,
    }),
  );
  return { status: "authenticated", sessionToken: session.token };
}
