// Org administration writes, shared by the JSON API and the pages so a rule cannot differ between a form and a
// JSON call: settings, roles, unlocking, revoking keys. Each is one call to the org's object, which decides.
import type { Env } from "../env";
import { ApiError } from "../errors";
import type { SignedIn } from "../http/actor";
import { issueCredential, type Route } from "../http/credentials";
import type { AuditActor, Caller, RequestMeta, Role, UserInfo } from "../org/rpc";
import { orgStub } from "../org/stub";
import { unwrap } from "./outcomes";
import { callerOf, type StepUpProof } from "./step-up";

const stubOf = (env: Env, route: Route) => orgStub(env, route.slug, route.jurisdiction);

/**
 * PATCH /api/org/settings. Settings that take a protection away from every member need a recent second factor from a
 * session (a stale or stolen cookie must not strip them): turning 2FA enforcement off, and phishing resistance on or
 * off (it changes how everyone signs in, so never with an API key either). Turning enforcement on, or the period,
 * takes nothing away.
 */
export async function updateSettings(
  env: Env,
  actor: SignedIn,
  input: { require2fa?: boolean | undefined; totpPeriod?: 30 | 60 | undefined; requirePhishingResistant?: boolean | undefined },
  proof: StepUpProof,
  auditAs: AuditActor,
  meta: RequestMeta,
) {
  const { require2fa, totpPeriod, requirePhishingResistant } = input;
  if (requirePhishingResistant !== undefined && actor.kind !== "session")
    throw new ApiError("forbidden", "This setting is changed from a signed-in browser, not with an API key.");
  // The org's object decides whether step-up was needed (org/actions/access.ts refuseSettingsChange).
  const caller = await callerOf(env, actor, proof, meta);
  return unwrap(
    await stubOf(env, actor.route).updateSettings({
      ...(require2fa === undefined ? {} : { require2fa }),
      ...(requirePhishingResistant === undefined ? {} : { requirePhishingResistant }),
      ...(totpPeriod === undefined ? {} : { totpPeriod }),
      caller,
      actor: auditAs,
      meta,
    }),
  );
}

/**
 * PATCH /api/org/users/{id}: role, name and active in one transaction of the org's object. A proof is spent
 * only when the change needs one (role or active); a caller who changes their own role gets a new session token.
 */
export async function patchUser(
  env: Env,
  signedIn: SignedIn,
  input: { userId: string; role?: Role | undefined; name?: string | undefined; active?: boolean | undefined; proof: StepUpProof },
  actor: AuditActor,
  meta: RequestMeta,
): Promise<{ user: UserInfo & { active: boolean }; sessionToken?: string }> {
  const { userId, role, name, active, proof } = input;
  const guarded = role !== undefined || active !== undefined;
  const next = role !== undefined && signedIn.kind === "session" ? await issueCredential(env.HASH_KEY, "gs", signedIn.route) : null;
  const { user, rotated } = unwrap(
    await stubOf(env, signedIn.route).patchUser({
      userId,
      ...(role !== undefined ? { role } : {}),
      ...(name !== undefined ? { name } : {}),
      ...(active !== undefined ? { active } : {}),
      caller: await callerOf(env, signedIn, guarded ? proof : {}, meta),
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
