// "Sign in with a passkey": a discoverable passkey with user verification is a whole sign-in. No org is known when
// the options are made, so the challenge carries its own expiry under a MAC (CHALLENGE_KEY); the org that holds
// the passkey, found through the directory by its credential id (never a scan), records and spends it once.
import { isoBase64URL } from "@simplewebauthn/server/helpers";
import { nowMs } from "../clock";
import { CHALLENGE_TTL_SECONDS } from "../constants";
import { timingSafeEqual } from "../crypto/compare";
import { utf8 } from "../crypto/encoding";
import { keyedHash, randomToken } from "../crypto/tokens";
import type { Env } from "../env";
import { ApiError } from "../errors";
import { issueCredential } from "../http/credentials";
import type { RequestMeta } from "../org/results";
import { orgStub } from "../org/stub";
import { type AuthenticationResponseJSON, authenticationOptions, challengeOf } from "../webauthn";
import { credentialClaim } from "../directory/names";
import { unwrap } from "./outcomes";
import { relyingPartyOrThrow } from "./passkeys";

/**
 * The words of every refusal of the passkey itself (unknown here, removed, or failing its check in the org): one
 * sentence, so the message does not tell which credentials exist any more than the code does.
 */
const NOT_RECOGNIZED = "This passkey is not recognized. Sign in with your email and password.";

function mac(env: Env, body: string): Promise<string> {
  return keyedHash(env.CHALLENGE_KEY, `passkey-sign-in:${body}`);
}

/** A challenge that says when it expires and that we made it: "<nonce>.<expiresAt>.<mac>". */
async function mintChallenge(env: Env): Promise<Uint8Array<ArrayBuffer>> {
  const body = `${randomToken(16)}.${nowMs() + CHALLENGE_TTL_SECONDS * 1000}`;
  return utf8(`${body}.${await mac(env, body)}`);
}

/** The expiry of a challenge we made that has not expired, or null. */
async function openChallenge(env: Env, challenge: string): Promise<number | null> {
  let text: string;
  try {
    text = isoBase64URL.toUTF8String(challenge);
  } catch {
    return null;
  }
  const [nonce, expires, tag, ...rest] = text.split(".");
  if (!nonce || !expires || !tag || rest.length > 0 || !/^\d+$/.test(expires)) return null;
  if (!timingSafeEqual(tag, await mac(env, `${nonce}.${expires}`))) return null;
  const expiresAt = Number(expires);
  return expiresAt > nowMs() ? expiresAt : null;
}

/** The account the authenticator names (registration's user.id, the user id as UTF-8), or null. */
function userHandleOf(response: AuthenticationResponseJSON): string | null {
  const handle = response.response.userHandle;
  if (!handle) return null;
  try {
    return isoBase64URL.toUTF8String(handle);
  } catch {
    return null;
  }
}

/** Options for a discoverable passkey of this RP, user verification required. */
export async function passwordlessOptions(env: Env, requestUrl: string) {
  return authenticationOptions(relyingPartyOrThrow(env, requestUrl), null, "required", await mintChallenge(env));
}

/**
 * A whole sign-in with a passkey. Every refusal is the same 401 invalid_credentials (unknown credential, a
 * challenge we did not make, expired or spent, a bad signature): nothing tells which passkeys exist.
 */
export async function signInWithPasskey(env: Env, response: AuthenticationResponseJSON, requestUrl: string, meta: RequestMeta) {
  const rp = relyingPartyOrThrow(env, requestUrl);
  const challenge = challengeOf(response);
  const expiresAt = challenge ? await openChallenge(env, challenge) : null;
  if (!challenge || !expiresAt) throw new ApiError("invalid_credentials", "This passkey sign-in is not valid. Try again.");
  const claim = await (await credentialClaim(env, response.id)).lookup();
  if (!claim) throw new ApiError("invalid_credentials", NOT_RECOGNIZED);
  // WebAuthn L3 7.2 step 6: no account was named before, so the authenticator names it (userHandle: the user id
  // given at registration), and it must be the passkey's owner; an answer without it proves no account.
  if (userHandleOf(response) !== claim.userId) throw new ApiError("invalid_credentials", NOT_RECOGNIZED);
  const route = { slug: claim.orgSlug, jurisdiction: claim.jurisdiction };
  const session = await issueCredential(env.HASH_KEY, "gs", route);
  const result = await orgStub(env, route.slug, route.jurisdiction).completePasswordlessSignIn({
    userId: claim.userId,
    rp,
    response,
    challenge,
    expiresAt,
    sessionTokenHash: session.hash,
    meta,
  });
  // The org's invalid_credentials would read "The email or password is incorrect.", though neither was sent.
  if (!result.ok && result.reason === "invalid_credentials") throw new ApiError("invalid_credentials", NOT_RECOGNIZED);
  unwrap(result);
  return { sessionToken: session.token };
}
