// Pairing links, shared by the JSON API and the pages: emailing one, and enrolling through one on another
// device. The link's token routes itself to its org (like a session token) and is stored only as a keyed hash.
// The link names the account; its password, checked here at the edge and decided in the org's object, proves
// the account is the caller's. Nothing here sets a session, and the token is spent on confirmation.
import { verifyPassword } from "../crypto/password";
import { seal } from "../crypto/secret-box";
import type { Env } from "../env";
import { ApiError } from "../errors";
import { hashCredential, issueCredential, parseCredential, type Route } from "../http/credentials";
import { linkBinding } from "../mail/deliver";
import type { AuditActor, RequestMeta } from "../org/results";
import { orgStub } from "../org/stub";
import { enrollmentInfo, newTotpSecret, type EnrollmentInfo } from "../totp";
import { unwrap } from "./outcomes";
import { newRecoveryCodes } from "./recovery-codes";

/** The path of the enrollment page a link opens. */
export const PAIR_PATH = "/pair/";

/**
 * Queues the email with a fresh link for the user. Resolves the same way whether or not a mail was queued
 * (unknown user, already enrolled, one sent a moment ago), so callers cannot tell the cases apart.
 */
export async function sendPairingLink(env: Env, route: Route, userId: string, origin: string, actor: AuditActor, meta: RequestMeta) {
  const credential = await issueCredential(env.HASH_KEY, "gp", route);
  // Sealed at the edge: the outbox holds the URL encrypted until it is sent, never in the clear.
  const sealedLink = await seal(env.TOTP_KEYS, `${origin}${PAIR_PATH}${credential.token}`, linkBinding(userId));
  await orgStub(env, route.slug, route.jurisdiction).issuePairingLink({ userId, tokenHash: credential.hash, sealedLink, actor, meta });
}

const INVALID_LINK = new ApiError("not_found", "This setup link is not valid: it was used, replaced or has expired. Ask for a new one.");

async function resolveLink(env: Env, token: string) {
  const route = parseCredential("gp", token);
  if (!route) throw INVALID_LINK;
  const tokenHash = await hashCredential(env.HASH_KEY, token);
  const stub = orgStub(env, route.slug, route.jurisdiction);
  const userId = await stub.pairingOwner(tokenHash);
  if (!userId) throw INVALID_LINK;
  return { stub, tokenHash, userId };
}

/** Whether the link can still be used: read only (mail scanners open links), so its page says a dead link is dead at once. */
export async function pairingLinkAlive(env: Env, token: string): Promise<boolean> {
  return resolveLink(env, token).then(
    () => true,
    (err) => {
      if (err === INVALID_LINK) return false;
      throw err;
    },
  );
}

const WRONG_PASSWORD = new ApiError("invalid_credentials", "The password is incorrect. The setup link still works: try again.");

/**
 * A new pending secret for the link's user, once the account's password is right; safe to call again (the
 * latest secret wins until confirmed). A wrong password counts toward the account's lockout, not the link's.
 */
export async function startPairedEnrollment(env: Env, token: string, password: string, meta: RequestMeta): Promise<EnrollmentInfo> {
  const { stub, tokenHash, userId } = await resolveLink(env, token);
  // The KDF runs here, never in the org's object; the object decides whether this check still stands.
  const checkedHash = (await stub.passwordHashOf(userId)) ?? "";
  const passed = await verifyPassword(env.PASSWORD_PEPPER, password, checkedHash);
  const secret = newTotpSecret();
  const sealed = await seal(env.TOTP_KEYS, secret, userId);
  const r = await stub.beginEnrollment(userId, sealed, { pairing: tokenHash, checkedHash, passed, meta });
  if (!r.ok && r.reason === "invalid_credentials") throw WRONG_PASSWORD;
  const { email, period } = unwrap(r);
  return enrollmentInfo(secret, email, period);
}

/** Confirms with a code; answers the recovery codes once and spends the link. */
export async function confirmPairedEnrollment(env: Env, token: string, code: string, meta: RequestMeta): Promise<string[]> {
  const { stub, tokenHash, userId } = await resolveLink(env, token);
  const { codes, hashes } = await newRecoveryCodes(env.HASH_KEY);
  unwrap(await stub.confirmEnrollment({ userId, code, recoveryCodeHashes: hashes, via: { pairing: tokenHash }, meta }));
  return codes;
}
