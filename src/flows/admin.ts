// Org administration writes, shared by the JSON API and the pages so a rule cannot differ between a form and a
// JSON call: settings, roles, unlocking, revoking keys. Each is one call to the org's object, which decides.
import type { Env } from "../env";
import type { SignedIn } from "../http/actor";
import { issueCredential, type Route } from "../http/credentials";
import type { AuditActor, Caller, RequestMeta, Role, UserInfo } from "../org/rpc";
import { orgStub } from "../org/stub";
import { unwrap } from "./outcomes";
import { callerOf, type StepUpProof } from "./step-up";

const stubOf = (env: Env, route: Route) => orgStub(env, route.slug, route.jurisdiction);

export async function updateSettings(
  env: Env,
  route: Route,
  input: { require2fa?: boolean | undefined; totpPeriod?: 30 | 60 | undefined },
  actor: AuditActor,
  meta: RequestMeta,
) {
  const { require2fa, totpPeriod } = input;
  return unwrap(
    await stubOf(env, route).updateSettings({
      ...(require2fa === undefined ? {} : { require2fa }),
      ...(totpPeriod === undefined ? {} : { totpPeriod }),
      actor,
      meta,
    }),
  );
}

/**
 * Changes a role (to or from admin: step-up, never a key). When callers change their own, their session is
 * replaced: the new token comes back for the caller's cookie.
 */
export async function changeRole(
  env: Env,
  signedIn: SignedIn,
  input: { userId: string; role: Role; proof: StepUpProof },
  actor: AuditActor,
  meta: RequestMeta,
): Promise<{ user: UserInfo; sessionToken?: string }> {
  const next = signedIn.kind === "session" ? await issueCredential(env.HASH_KEY, "gs", signedIn.route) : null;
  const { user, rotated } = unwrap(
    await stubOf(env, signedIn.route).changeRole({
      userId: input.userId,
      role: input.role,
      caller: await callerOf(env, signedIn, input.proof, meta),
      ...(next && signedIn.kind === "session" ? { rotate: { from: signedIn.tokenHash, tokenHash: next.hash } } : {}),
      actor,
      meta,
    }),
  );
  return rotated && next ? { user, sessionToken: next.token } : { user };
}

export async function unlockUser(env: Env, route: Route, userId: string, caller: Caller, actor: AuditActor, meta: RequestMeta) {
  unwrap(await stubOf(env, route).unlockUser({ userId, caller, actor, meta }));
}

export async function revokeApiKey(env: Env, route: Route, id: string, actor: AuditActor, meta: RequestMeta) {
  unwrap(await stubOf(env, route).revokeApiKey({ id, actor, meta }));
}
