// The sign-in steps, shared by the JSON API and the pages: password at the edge (the KDF never runs in an
// org's object), then the decision in the org's object; then a TOTP or recovery code against the challenge.
import { ApiError } from "../errors";
import type { Env } from "../env";
import { config } from "../config";
import { dummyHash, hashPassword, needsRehash, verifyPassword } from "../crypto/password";
import { issueCredential, type Route } from "../http/credentials";
import type { RequestMeta, SecondStepMethod } from "../org/results";
import { orgStub } from "../org/stub";
import { signChallenge, verifyChallenge } from "./challenge-token";
import { emailClaim } from "./directory";
import { unwrap } from "./outcomes";
import { hashRecoveryCode } from "./recovery-codes";

export type SignInResult =
  | { status: "authenticated"; sessionToken: string; recoveryCodesRemaining?: number }
  | { status: "2fa_required" | "enrollment_required"; challenge: string; methods?: SecondStepMethod[] };

export async function signInWithPassword(
  env: Env,
  input: { email: string; password: string; org?: string | undefined; requireSecondFactor?: boolean },
  meta: RequestMeta,
): Promise<SignInResult> {
  const iterations = config(env).passwordIterations;
  const directory = await emailClaim(env, input.email);
  const claim = await directory.lookup();
  const stub = claim ? orgStub(env, claim.orgSlug, claim.jurisdiction) : null;
  const stored = claim && stub ? await stub.passwordHashOf(claim.userId) : null;
  // Exactly one KDF run whether or not the email exists: the answer's timing does not tell.
  const passwordOk = await verifyPassword(env.PASSWORD_PEPPER, input.password, stored ?? dummyHash(iterations));
  if (!claim || !stub || !stored) {
    const lockedFor = await directory.recordUnknownFailure();
    if (lockedFor) throw new ApiError("too_many_attempts", undefined, lockedFor);
    throw new ApiError("invalid_credentials");
  }
  const orgOk = input.org === undefined || input.org === "" || input.org === claim.orgSlug;
  const passed = passwordOk && orgOk;
  const route: Route = { slug: claim.orgSlug, jurisdiction: claim.jurisdiction };
  const session = await issueCredential(env.HASH_KEY, "gs", route);
  const step = unwrap(
    await stub.completePasswordStep({
      userId: claim.userId,
      checkedHash: stored,
      passed,
      ...(passed ? {} : { failure: passwordOk ? "wrong_org" : "wrong_password" }),
      ...(passed && needsRehash(stored, iterations) ? { rehash: await hashPassword(env.PASSWORD_PEPPER, input.password, iterations) } : {}),
      sessionTokenHash: session.hash,
      meta,
      ...(input.requireSecondFactor ? { requireSecondFactor: true } : {}),
    }),
  );
  if (step.status === "authenticated") return { status: "authenticated", sessionToken: session.token };
  const challenge = await signChallenge(
    env.CHALLENGE_KEY,
    { ...route, userId: claim.userId, challengeId: step.challengeId, purpose: step.status === "2fa_required" ? "2fa" : "enroll" },
    step.expiresAt,
  );
  return step.status === "2fa_required" ? { status: step.status, challenge, methods: step.methods } : { status: step.status, challenge };
}

async function challengeOrThrow(env: Env, token: string, purpose: "2fa" | "enroll") {
  const claims = await verifyChallenge(env.CHALLENGE_KEY, token, purpose);
  if (!claims) throw new ApiError("invalid_code", "This sign-in attempt is no longer valid. Sign in again.");
  return claims;
}

export async function signInWithTotp(env: Env, input: { challenge: string; code: string }, meta: RequestMeta): Promise<SignInResult> {
  const claims = await challengeOrThrow(env, input.challenge, "2fa");
  const session = await issueCredential(env.HASH_KEY, "gs", claims);
  unwrap(
    await orgStub(env, claims.slug, claims.jurisdiction).completeTotpStep({
      challengeId: claims.challengeId,
      userId: claims.userId,
      code: input.code,
      sessionTokenHash: session.hash,
      meta,
    }),
  );
  return { status: "authenticated", sessionToken: session.token };
}

export async function signInWithRecoveryCode(
  env: Env,
  input: { challenge: string; code: string },
  meta: RequestMeta,
): Promise<SignInResult & { status: "authenticated" }> {
  const claims = await challengeOrThrow(env, input.challenge, "2fa");
  const session = await issueCredential(env.HASH_KEY, "gs", claims);
  const { remaining } = unwrap(
    await orgStub(env, claims.slug, claims.jurisdiction).completeRecoveryStep({
      challengeId: claims.challengeId,
      userId: claims.userId,
      code: await hashRecoveryCode(env.HASH_KEY, input.code),
      sessionTokenHash: session.hash,
      meta,
    }),
  );
  return { status: "authenticated", sessionToken: session.token, recoveryCodesRemaining: remaining };
}

export { challengeOrThrow };
