// A user's email address, shared by the JSON API and the pages: the verification link of an account made with a
// password, asking to change the address (step-up checked by the caller), and following either link. A change
// moves the directory's claim in order: the new address reserved, the org's row changed, the new claim
// confirmed, the old one released. A crash between any two leaves the user able to sign in with one of them.
import { seal } from "../crypto/secret-box";
import type { Env } from "../env";
import { ApiError } from "../errors";
import { hashCredential, issueCredential, parseCredential, type Route } from "../http/credentials";
import { normalizeEmail } from "../email-address";
import { linkBinding } from "../mail/deliver";
import type { MailLink, RequestMeta } from "../org/rpc";
import { orgStub } from "../org/stub";
import { emailClaim, emailKey } from "../directory/names";
import { errorFor, unwrap } from "./outcomes";

/** The path of the page an email link opens (verification and change of address alike). */
export const EMAIL_LINK_PATH = "/email-link/";

/** A fresh email link for the user: the token's keyed hash for the org, the URL sealed for the outbox. */
export async function newEmailLink(env: Env, route: Route, userId: string, origin: string): Promise<MailLink> {
  const credential = await issueCredential(env.HASH_KEY, "gm", route);
  const sealedLink = await seal(env.TOTP_KEYS, `${origin}${EMAIL_LINK_PATH}${credential.token}`, linkBinding(userId));
  return { tokenHash: credential.hash, sealedLink };
}

/**
 * Mails a link to the new address (the caller stepped up). 409 when the address belongs to a user anywhere;
 * the account keeps its address until the link is followed.
 */
export async function requestEmailChange(
  env: Env,
  route: Route,
  user: { id: string; email: string },
  newEmail: string,
  origin: string,
  meta: RequestMeta,
  sessionTokenHash: string,
): Promise<void> {
  const email = newEmail.trim();
  if (normalizeEmail(email) === normalizeEmail(user.email))
    throw new ApiError("invalid_request", "Field 'email': this is already your address.");
  if (await (await emailClaim(env, email)).lookup()) throw errorFor("email_taken");
  const link = await newEmailLink(env, route, user.id, origin);
  unwrap(
    await orgStub(env, route.slug, route.jurisdiction).requestEmailChange({ userId: user.id, email, ...link, sessionTokenHash, meta }),
  );
}

/** Reserves the new address for the user (step 1 of a change). False when someone else holds it. */
export async function reserveNewAddress(env: Env, route: Route, userId: string, email: string): Promise<boolean> {
  const key = await emailKey(env, email);
  return (await emailClaim(env, email)).reserve({ orgSlug: route.slug, jurisdiction: route.jurisdiction, userId, emailKey: key });
}

/** Frees an address the user no longer holds (the last step of a change, or cleaning up after a refusal). */
export async function releaseAddress(env: Env, userId: string, email: string): Promise<boolean> {
  return (await emailClaim(env, email)).releaseMoved(userId, await emailKey(env, email));
}

/**
 * Follows an email link: verifies the address, or completes a change of address. 401 invalid_code for a dead or
 * unknown link (nothing changes); 409 when the new address was taken meanwhile.
 */
export async function followEmailLink(
  env: Env,
  token: string,
  meta: RequestMeta,
): Promise<{ purpose: "verify" | "change"; email: string }> {
  const route = parseCredential("gm", token);
  if (!route) throw errorFor("invalid_link");
  const tokenHash = await hashCredential(env.HASH_KEY, token);
  const stub = orgStub(env, route.slug, route.jurisdiction);
  const link = await stub.emailLinkOf(tokenHash);
  if (!link) throw errorFor("invalid_link");
  if (link.purpose === "verify") {
    const done = unwrap(await stub.followEmailLink({ tokenHash, meta }));
    return { purpose: done.purpose, email: done.email };
  }
  // 1. The new address is reserved before anything changes: if it is taken, nothing does.
  if (!(await reserveNewAddress(env, route, link.userId, link.email))) throw errorFor("email_taken");
  // 2. The org's row takes the new address (spending the link).
  const result = await stub.followEmailLink({ tokenHash, meta });
  if (!result.ok) {
    // Freed only if the user does not hold it: a concurrent follow of the same link may have just moved it.
    await releaseAddress(env, link.userId, link.email);
    unwrap(result);
    throw new ApiError("internal_error");
  }
  // 3. The new claim is confirmed, 4. then the old address is freed (only once the org says it moved).
  await (await emailClaim(env, result.value.email)).confirm(link.userId);
  await releaseAddress(env, link.userId, result.value.previous);
  return { purpose: "change", email: result.value.email };
}
