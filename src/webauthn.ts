// The sole user of @simplewebauthn/server: WebAuthn ceremony options and the verification of their answers. No
// CBOR or COSE is parsed by hand anywhere else; callers get plain values and decide what they mean.
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import { decodeClientDataJSON, isoBase64URL, isoUint8Array } from "@simplewebauthn/server/helpers";
import { CHALLENGE_TTL_SECONDS } from "./constants";

export type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
};

/** Who the passkeys are for: the RP ID they are scoped to and the origins allowed to use them (config.ts). */
export interface RelyingParty {
  id: string;
  origins: string[];
  name: string;
}

/** A stored credential as the ceremonies need it. */
export interface CredentialRef {
  credentialId: string;
  transports: string[];
}

/** A newly registered credential: what is stored of it. */
export interface NewCredential {
  credentialId: string;
  publicKey: string;
  signCount: number;
  transports: string[];
  deviceType: string;
  backedUp: boolean;
  aaguid: string;
}

/** An assertion whose signature, origin, RP ID and challenge were checked; the counter is left to the caller. */
export interface CheckedAssertion {
  credentialId: string;
  signCount: number;
  userVerified: boolean;
  backedUp: boolean;
}

const TIMEOUT_MS = CHALLENGE_TTL_SECONDS * 1000;

/** Options for adding a passkey: resident key and user verification preferred, the user's own excluded. */
export function registrationOptions(
  rp: RelyingParty,
  user: { id: string; email: string; name: string },
  exclude: CredentialRef[],
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.email,
    userDisplayName: user.name,
    userID: isoUint8Array.fromUTF8String(user.id),
    timeout: TIMEOUT_MS,
    attestationType: "none",
    excludeCredentials: exclude.map((c) => ({ id: c.credentialId, transports: c.transports })),
    authenticatorSelection: { residentKey: "preferred", userVerification: "preferred" },
  });
}

/**
 * Options for an assertion: for one user's passkeys, or (no list) for any discoverable one of this RP. `challenge`
 * is given when the caller makes its own (a passwordless sign-in's, which carries its expiry and a MAC).
 */
export function authenticationOptions(
  rp: RelyingParty,
  allow: CredentialRef[] | null,
  userVerification: "required" | "preferred",
  challenge?: Uint8Array<ArrayBuffer>,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: rp.id,
    ...(challenge ? { challenge } : {}),
    timeout: TIMEOUT_MS,
    userVerification,
    ...(allow ? { allowCredentials: allow.map((c) => ({ id: c.credentialId, transports: c.transports })) } : {}),
  });
}

/** The challenge a response answers (from its client data), or null when it cannot be read. */
export function challengeOf(response: { response?: { clientDataJSON?: unknown } }): string | null {
  try {
    const data = response.response?.clientDataJSON;
    if (typeof data !== "string") return null;
    const challenge = decodeClientDataJSON(data).challenge;
    return typeof challenge === "string" && challenge !== "" ? challenge : null;
  } catch {
    return null;
  }
}

/** Verifies a registration answer to `challenge`; null when it is not valid for this RP (any reason). */
export async function checkRegistration(
  rp: RelyingParty,
  response: RegistrationResponseJSON,
  challenge: string,
): Promise<NewCredential | null> {
  try {
    const r = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.id,
      requireUserVerification: false,
    });
    if (!r.verified) return null;
    const info = r.registrationInfo;
    // The id the browser names must be the one the authenticator attested: the directory is keyed by it.
    if (info.credential.id !== response.id) return null;
    return {
      credentialId: info.credential.id,
      publicKey: isoBase64URL.fromBuffer(info.credential.publicKey),
      signCount: info.credential.counter,
      transports: info.credential.transports ?? [],
      deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp,
      aaguid: info.aaguid,
    };
  } catch {
    return null;
  }
}

/**
 * Verifies an assertion against a stored public key: signature, challenge, origin, RP ID, user presence (and user
 * verification when required). The library is given a counter of 0 so that it never decides about the counter:
 * the caller compares it with the stored one inside its transaction, where a regression is also audited.
 */
export async function checkAssertion(
  rp: RelyingParty,
  response: AuthenticationResponseJSON,
  challenge: string,
  stored: { credentialId: string; publicKey: string; transports: string[] },
  requireUserVerification: boolean,
): Promise<CheckedAssertion | null> {
  try {
    const r = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.id,
      credential: {
        id: stored.credentialId,
        publicKey: isoBase64URL.toBuffer(stored.publicKey),
        counter: 0,
        transports: stored.transports as never,
      },
      requireUserVerification,
    });
    if (!r.verified || r.authenticationInfo.credentialID !== stored.credentialId) return null;
    return {
      credentialId: stored.credentialId,
      signCount: r.authenticationInfo.newCounter,
      userVerified: r.authenticationInfo.userVerified,
      backedUp: r.authenticationInfo.credentialBackedUp,
    };
  } catch {
    return null;
  }
}

/** A counter that did not move forward, when either side has ever counted: the mark of a cloned authenticator. */
export function counterRegressed(stored: number, presented: number): boolean {
  return (stored > 0 || presented > 0) && presented <= stored;
}
