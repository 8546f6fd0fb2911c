// Invites, shared by the JSON API and the pages. Creating one claims nothing (a pending invite blocks nobody);
// accepting one does what creating a user does: reserve the email in the directory, create the user in the org's
// object (which spends the invite in the same transaction), then confirm, or release the reservation when the
// object refuses. The link's token routes itself to its org and is stored only as a keyed hash.
import { config } from "../config";
import { hashPassword } from "../crypto/password";
import { seal } from "../crypto/secret-box";
import { newId } from "../crypto/tokens";
import type { Env } from "../env";
import { ApiError } from "../errors";
import { hashCredential, issueCredential, parseCredential, type Route } from "../http/credentials";
import { linkBinding } from "../mail/deliver";
import type { AuditActor, Caller, InviteInfo, RequestMeta, Role } from "../org/rpc";
import { orgStub } from "../org/stub";
import { signChallenge } from "./challenge-token";
import { emailClaim, emailKey } from "../directory/names";
import { errorFor, unwrap } from "./outcomes";
import type { SignInResult } from "./sign-in";

/** The path of the page an invite link opens. */
export const INVITE_PATH = "/invite/";

const stubOf = (env: Env, route: Route) => orgStub(env, route.slug, route.jurisdiction);

/** The link, sealed at the edge (the outbox never holds it in the clear) and bound to the invite. */
async function newLink(env: Env, route: Route, inviteId: string, origin: string) {
  const credential = await issueCredential(env.HASH_KEY, "gi", route);
  const sealedLink = await seal(env.TOTP_KEYS, `${origin}${INVITE_PATH}${credential.token}`, linkBinding(inviteId));
  return { tokenHash: credential.hash, sealedLink };
}

export interface InviteInput {
  email: string;
  role: Role;
  name?: string | undefined;
  locale?: "en" | "fr" | undefined;
}

/** Invites an email: 409 when the email belongs to a user anywhere in the deployment (the directory knows). */
export async function inviteUser(
  env: Env,
  route: Route,
  input: InviteInput,
  caller: Caller,
  actor: AuditActor,
  meta: RequestMeta,
  origin: string,
): Promise<InviteInfo> {
  const email = input.email.trim();
  if (await (await emailClaim(env, email)).lookup()) throw errorFor("email_taken");
  const id = newId("inv");
  const link = await newLink(env, route, id, origin);
  const name = input.name?.trim() || null;
  return unwrap(
    await stubOf(env, route).createInvite({ id, ...link, email, name, role: input.role, locale: input.locale, caller, actor, meta }),
  );
}

/** A new link for a pending invite; the old link dies. */
export async function resendInvite(
  env: Env,
  route: Route,
  id: string,
  caller: Caller,
  actor: AuditActor,
  meta: RequestMeta,
  origin: string,
) {
  const link = await newLink(env, route, id, origin);
  return unwrap(await stubOf(env, route).resendInvite({ id, ...link, caller, actor, meta }));
}

export async function revokeInvite(env: Env, route: Route, id: string, actor: AuditActor, meta: RequestMeta): Promise<void> {
  unwrap(await stubOf(env, route).revokeInvite({ id, actor, meta }));
}

const DEAD_LINK = () => errorFor("invalid_link");

async function resolveInvite(env: Env, token: string) {
  const route = parseCredential("gi", token);
  if (!route) throw DEAD_LINK();
  const tokenHash = await hashCredential(env.HASH_KEY, token);
  const stub = stubOf(env, route);
  const invite = await stub.inviteByToken(tokenHash);
  if (!invite) throw DEAD_LINK();
  return { route, stub, tokenHash, invite };
}

/** What the invite page shows: the email, role and org; 401 invalid_code for a dead or unknown link. */
export async function invitePreview(env: Env, token: string) {
  return (await resolveInvite(env, token)).invite;
}

/**
 * Accepts an invite: as a password sign-in, a session ("authenticated"), or the enrollment challenge when the org
 * requires 2FA. 401 invalid_code for a dead link, 409 when the email was taken meanwhile.
 */
export async function acceptInvite(
  env: Env,
  input: { token: string; password: string; name?: string | undefined },
  meta: RequestMeta,
): Promise<SignInResult> {
  const { route, stub, tokenHash, invite } = await resolveInvite(env, input.token);
  // The KDF runs here at the edge, never in the org's object.
  const id = newId("usr");
  const user = {
    id,
    email: invite.email,
    name: input.name?.trim() || invite.name || invite.email.split("@")[0] || "",
    role: invite.role,
    // With the user's salt, as every new hash: the password step then runs the KDF once (flows/sign-in.ts).
    passwordHash: await hashPassword(env.PASSWORD_PEPPER, input.password, config(env).passwordIterations, id),
  };
  const directory = await emailClaim(env, invite.email);
  const claim = { orgSlug: route.slug, jurisdiction: route.jurisdiction, userId: user.id, emailKey: await emailKey(env, invite.email) };
  if (!(await directory.reserve(claim))) {
    throw errorFor("email_taken");
  }
  const session = await issueCredential(env.HASH_KEY, "gs", route);
  const result = await stub.acceptInvite({ tokenHash, user, sessionTokenHash: session.hash, meta });
  if (!result.ok) {
    // Refused (dead link, email taken here): no user was written, so the reservation goes. Had the call failed
    // in an unknown way, the pending claim would be settled by asking the org (directory/durable-object.ts).
    await directory.release(user.id);
    unwrap(result);
    throw new ApiError("internal_error");
  }
  await directory.confirm(user.id);
  const step = result.value;
  if (step.status === "authenticated") return { status: "authenticated", sessionToken: session.token };
  const purpose = step.status === "2fa_required" ? "2fa" : "enroll";
  const challenge = await signChallenge(
    env.CHALLENGE_KEY,
    { ...route, userId: user.id, challengeId: step.challengeId, purpose },
    step.expiresAt,
  );
  return { status: step.status, challenge };
}
