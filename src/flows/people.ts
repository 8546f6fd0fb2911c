// Deactivating, removing and signing people out, shared by the JSON API and the pages. Removal frees the email in
// the directory with the same care as creation (directory/durable-object.ts): the claim is marked "releasing"
// before the org deletes the user and dropped after, so no crash between the steps blocks the address forever or
// frees the address of a user who still exists.
import { forgetCredentials } from "./passkeys";
import type { Env } from "../env";
import type { Route } from "../http/credentials";
import type { AuditActor, Caller, RequestMeta, UserInfo } from "../org/rpc";
import { orgStub } from "../org/stub";
import { emailClaim } from "../directory/names";
import { unwrap, unwrapFromSession } from "./outcomes";
import { ApiError } from "../errors";

const stubOf = (env: Env, route: Route) => orgStub(env, route.slug, route.jurisdiction);

/** A session closed by a first factor set up elsewhere (org/sessions.ts) ends only itself: sign in again with it. */
const CLOSED_SESSION =
  "This session was opened before your second factor was set up: sign in again with it to sign out your other sessions.";

interface Change {
  userId: string;
  caller: Caller;
  actor: AuditActor;
  meta: RequestMeta;
}

export async function setUserActive(env: Env, route: Route, input: Change & { active: boolean }): Promise<UserInfo> {
  return unwrap(await stubOf(env, route).setUserActive(input));
}

/** Removal, step 1 (mark the claim), 2 (delete in the org) and 3 (drop the claim); see the header. */
export async function removeUser(env: Env, route: Route, input: Change): Promise<void> {
  const stub = stubOf(env, route);
  const user = await stub.userInfo(input.userId);
  if (!user) throw new ApiError("not_found");
  const claim = await emailClaim(env, user.email);
  const marked = await claim.markReleasing(user.id);
  const result = await stub.removeUser(input);
  if (!result.ok) {
    // Refused: the user stays, and so does their claim. (An unknown failure leaves it marked: the org decides.)
    if (marked) await claim.keepClaim(user.id);
    unwrap(result);
    return;
  }
  await claim.releaseRemoved(user.id);
  // Passkeys are random and never reused: an entry a crash leaves here names no credential the org still holds.
  await forgetCredentials(env, user.id, result.value.credentialIds);
  // The email changed between the read and the removal: the claim of the address actually removed goes too.
  if (result.value.email.toLowerCase() !== user.email.toLowerCase())
    await (await emailClaim(env, result.value.email)).releaseRemoved(user.id);
}

export async function revokeSessionsOf(env: Env, route: Route, input: Omit<Change, "caller"> & { callerSession?: string }): Promise<void> {
  unwrapFromSession(await stubOf(env, route).revokeSessionsOf(input), CLOSED_SESSION);
}

/** Ends one of the caller's own sessions by its public id, or (no id) every other one. */
export async function endOwnSessions(
  env: Env,
  route: Route,
  input: { userId: string; currentTokenHash: string; sessionId?: string; meta: RequestMeta },
): Promise<void> {
  unwrapFromSession(await stubOf(env, route).endOwnSessions(input), CLOSED_SESSION);
}
