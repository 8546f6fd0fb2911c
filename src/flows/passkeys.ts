// Passkeys at the edge, for the JSON API and the pages: the relying party of the request, the recovery codes a first
// factor brings, and the passkey step of a sign-in. Every decision is taken in the org's object.
import { config } from "../config";
import type { Env } from "../env";
import { ApiError } from "../errors";
import { issueCredential, type Route } from "../http/credentials";
import type { RequestMeta } from "../org/results";
import type { PasskeyInfo } from "../org/passkeys";
import { orgStub } from "../org/stub";
import type { AuthenticationResponseJSON, RegistrationResponseJSON, RelyingParty } from "../webauthn";
import { credentialClaim } from "../directory/names";
import { errorFor, unwrap } from "./outcomes";
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

export function relyingPartyOrThrow(env: Env, requestUrl: string): RelyingParty {
  const rp = relyingParty(env, requestUrl);
  if (!rp) throw new ApiError("invalid_request", PASSKEYS_UNAVAILABLE);
  return rp;
}

/**
 * Registration options for a signed-in user; the caller has checked step-up (adding a factor), and the org's object
 * checks that the session (its token's hash) still stands as the edge saw it.
 */
export async function startPasskeyRegistration(env: Env, route: Route, userId: string, requestUrl: string, sessionTokenHash: string) {
  const rp = relyingPartyOrThrow(env, requestUrl);
  return unwrap(await orgStub(env, route.slug, route.jurisdiction).beginPasskeyRegistration({ userId, rp, sessionTokenHash }));
}

/**
 * Stores the verified passkey; the first second factor also brings recovery codes, shown once, and a new session
 * token (`sessionToken`): at a sign-in's enrollment the session it starts, from a session the one that replaces it.
 */
export async function finishPasskeyRegistration(
  env: Env,
  route: Route,
  input: {
    userId: string;
    name: string;
    response: RegistrationResponseJSON;
    keepSession: string;
    via?: { challengeId: string };
  },
  requestUrl: string,
  meta: RequestMeta,
): Promise<{ passkey: PasskeyInfo; recoveryCodes?: string[]; sessionToken?: string }> {
  const rp = relyingPartyOrThrow(env, requestUrl);
  const { codes, hashes } = await newRecoveryCodes(env.HASH_KEY);
  const session = await issueCredential(env.HASH_KEY, "gs", route);
  // Reserve the credential id in the directory, store the passkey, confirm (or release): like a new user's email,
  // so a crash between the steps leaves nothing that blocks or misleads (durable-object.ts in src/directory).
  const claim = await credentialClaim(env, input.response.id);
  if (!(await claim.reserve({ orgSlug: route.slug, jurisdiction: route.jurisdiction, userId: input.userId }))) {
    throw new ApiError("already_enrolled", "This passkey is already registered.");
  }
  const result = await orgStub(env, route.slug, route.jurisdiction).finishPasskeyRegistration({
    ...input,
    rp,
    recoveryCodeHashes: hashes,
    newSessionTokenHash: session.hash,
    meta,
  });
  if (!result.ok) {
    if (result.reason !== "already_enrolled") await claim.release(input.userId);
    return unwrap(result);
  }
  await claim.confirm(input.userId);
  const { passkey, firstFactor } = result.value;
  return {
    passkey,
    ...(firstFactor ? { recoveryCodes: codes } : {}),
    ...(firstFactor || input.via ? { sessionToken: session.token } : {}),
  };
}

/** Removes one passkey (the caller checked step-up), then frees its directory entry; the asking session stays. */
export async function removePasskey(
  env: Env,
  route: Route,
  input: { userId: string; id: string; keepSession: string },
  meta: RequestMeta,
): Promise<void> {
  const { credentialId } = unwrap(await orgStub(env, route.slug, route.jurisdiction).removePasskey({ ...input, meta }));
  await forgetCredentials(env, input.userId, [credentialId]);
}

/**
 * Frees the directory entries of passkeys the org object has deleted (deleteAllPasskeys in org/actions/passkeys.ts
 * returns their credential ids). Until it runs, an entry only points at an org that no longer holds the passkey,
 * which refuses it.
 */
export async function forgetCredentials(env: Env, userId: string, credentialIds: readonly string[]): Promise<void> {
  await Promise.all(credentialIds.map(async (id) => (await credentialClaim(env, id)).drop(userId)));
}

/** Assertion options for the second step of a sign-in, bound to its challenge. */
export async function passkeyStepOptions(env: Env, challenge: string, requestUrl: string) {
  const rp = relyingPartyOrThrow(env, requestUrl);
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
  const rp = relyingPartyOrThrow(env, requestUrl);
  const claims = await challengeOrThrow(env, input.challenge, "2fa");
  const session = await issueCredential(env.HASH_KEY, "gs", claims);
  const result = await orgStub(env, claims.slug, claims.jurisdiction).completePasskeyStep({
    challengeId: claims.challengeId,
    userId: claims.userId,
    rp,
    response: input.response,
    sessionTokenHash: session.hash,
    meta,
  });
  // A wrong answer was counted as a wrong second factor (the object's reason); the words say a passkey failed, not a code.
  if (!result.ok && result.reason === "invalid_code") throw errorFor("passkey_unverified", result.retryAfterSeconds);
  unwrap(result);
  return { status: "authenticated", sessionToken: session.token };
}

/**
 * Enrolling a passkey at sign-in, where the org requires phishing-resistant sign-in: the "enroll" challenge (after
 * the password, and the code a member had) stands where a session would; the options are bound to it.
 */
export async function passkeyEnrollmentOptions(env: Env, challenge: string, requestUrl: string) {
  const rp = relyingPartyOrThrow(env, requestUrl);
  const claims = await challengeOrThrow(env, challenge, "enroll");
  return unwrap(
    await orgStub(env, claims.slug, claims.jurisdiction).beginPasskeyRegistration({
      userId: claims.userId,
      rp,
      enrollChallengeId: claims.challengeId,
    }),
  );
}

/** Stores the passkey that answers the enrollment options, spends the challenge and starts the session. */
export async function enrollPasskeyAtSignIn(
  env: Env,
  input: { challenge: string; name: string; response: RegistrationResponseJSON },
  requestUrl: string,
  meta: RequestMeta,
): Promise<{ sessionToken: string; recoveryCodes?: string[] }> {
  const claims = await challengeOrThrow(env, input.challenge, "enroll");
  const route = { slug: claims.slug, jurisdiction: claims.jurisdiction };
  const result = await finishPasskeyRegistration(
    env,
    route,
    { userId: claims.userId, name: input.name, response: input.response, keepSession: "", via: { challengeId: claims.challengeId } },
    requestUrl,
    meta,
  );
  return { sessionToken: result.sessionToken ?? "", ...(result.recoveryCodes ? { recoveryCodes: result.recoveryCodes } : {}) };
}
