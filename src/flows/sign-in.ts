// The sign-in steps, shared by the JSON API and the pages: password at the edge (the KDF never runs in an
// org's object), then the decision in the org's object; then a TOTP or recovery code against the challenge.
import { ApiError } from "../errors";
import type { Env } from "../env";
import { config } from "../config";
import { dummyHash, hashPassword, shouldUpgrade, verifyPassword } from "../crypto/password";
import { issueCredential, type Route } from "../http/credentials";
import { normalizeOperatorCode } from "../http/fields";
import type { RequestMeta, SecondStepMethod } from "../org/results";
import { orgStub } from "../org/stub";
import { signChallenge, verifyChallenge } from "./challenge-token";
import { emailClaim } from "../directory/names";
import { errorFor, unwrap } from "./outcomes";
import { hashRecoveryCode } from "./recovery-codes";

export type SignInResult =
  | { status: "authenticated"; sessionToken: string; recoveryCodesRemaining?: number }
  | { status: "2fa_required" | "enrollment_required"; challenge: string; methods?: SecondStepMethod[] };

/**
 * Two sequential round trips: the email's directory object, then the org's object, which compares the hash made
 * here with the user's salt and decides in the same call (attemptPassword). Exactly one KDF run whether or not
 * the email exists, so neither the timing nor the number of trips tells. Only a hash made before user salts (or
 * at an older cost) takes a third trip and a second KDF run, once: the old check, which upgrades it.
 */
export async function signInWithPassword(
  env: Env,
  input: { email: string; password: string; org?: string | undefined; requireSecondFactor?: boolean },
  meta: RequestMeta,
): Promise<SignInResult> {
  const iterations = config(env).passwordIterations;
  const directory = await emailClaim(env, input.email);
  const claim = await directory.lookup();
  if (!claim) {
    await verifyPassword(env.PASSWORD_PEPPER, input.password, dummyHash(iterations));
    return unknownEmail(directory);
  }
  const stub = orgStub(env, claim.orgSlug, claim.jurisdiction);
  const org = normalizeOperatorCode(input.org ?? "");
  const orgOk = org === "" || org === claim.orgSlug;
  const route: Route = { slug: claim.orgSlug, jurisdiction: claim.jurisdiction };
  const session = await issueCredential(env.HASH_KEY, "gs", route);
  const candidate = await hashPassword(env.PASSWORD_PEPPER, input.password, iterations, claim.userId);
  const attempt = { userId: claim.userId, candidate, orgOk, sessionTokenHash: session.hash, meta };
  let step = unwrap(await stub.attemptPassword(input.requireSecondFactor ? { ...attempt, requireSecondFactor: true } : attempt));
  if (step.status === "check_at_edge") {
    const stored = step.hash;
    if (stored === null) return unknownEmail(directory);
    const passwordOk = await verifyPassword(env.PASSWORD_PEPPER, input.password, stored);
    const passed = passwordOk && orgOk;
    step = unwrap(
      await stub.completePasswordStep({
        userId: claim.userId,
        checkedHash: stored,
        passed,
        ...(passed ? {} : { failure: passwordOk ? "wrong_org" : "wrong_password" }),
        ...(passed && shouldUpgrade(stored, iterations) ? { rehash: candidate } : {}),
        sessionTokenHash: session.hash,
        meta,
        ...(input.requireSecondFactor ? { requireSecondFactor: true } : {}),
      }),
    );
  }
  if (step.status === "authenticated") return { status: "authenticated", sessionToken: session.token };
  const challenge = await signChallenge(
    env.CHALLENGE_KEY,
    { ...route, userId: claim.userId, challengeId: step.challengeId, purpose: step.status === "2fa_required" ? "2fa" : "enroll" },
    step.expiresAt,
  );
  return step.status === "2fa_required" ? { status: step.status, challenge, methods: step.methods } : { status: step.status, challenge };
}

/** A failed sign-in for an email nobody owns counts in its directory object, like a real account's would. */
async function unknownEmail(directory: Awaited<ReturnType<typeof emailClaim>>): Promise<never> {
  const lockedFor = await directory.recordUnknownFailure();
  if (lockedFor) throw new ApiError("too_many_attempts", undefined, lockedFor);
  throw new ApiError("invalid_credentials");
}

async function challengeOrThrow(env: Env, token: string, purpose: "2fa" | "enroll") {
  const claims = await verifyChallenge(env.CHALLENGE_KEY, token, purpose);
  // The org's own reason for a dead challenge (the same code and message): the pages then say the attempt
  // expired, not that a code was wrong.
  if (!claims) throw errorFor("invalid_challenge");
  return claims;
}

/**
 * Where the org requires phishing-resistant sign-in, a code finishes no sign-in for a member without a passkey: the
 * org's object answers an enrollment challenge instead, signed here like the password step's (passkey only).
 */
async function passkeyEnrollment(
  env: Env,
  claims: { slug: string; jurisdiction: string | null; userId: string },
  step: { challengeId: string; expiresAt: number },
): Promise<SignInResult> {
  const route = { slug: claims.slug, jurisdiction: claims.jurisdiction };
  const challenge = await signChallenge(
    env.CHALLENGE_KEY,
    { ...route, userId: claims.userId, challengeId: step.challengeId, purpose: "enroll" },
    step.expiresAt,
  );
  return { status: "enrollment_required", challenge, methods: ["webauthn"] };
}

export async function signInWithTotp(env: Env, input: { challenge: string; code: string }, meta: RequestMeta): Promise<SignInResult> {
  const claims = await challengeOrThrow(env, input.challenge, "2fa");
  const session = await issueCredential(env.HASH_KEY, "gs", claims);
  const step = unwrap(
    await orgStub(env, claims.slug, claims.jurisdiction).completeTotpStep({
      challengeId: claims.challengeId,
      userId: claims.userId,
      code: input.code,
      sessionTokenHash: session.hash,
      meta,
    }),
  );
  if (step) return passkeyEnrollment(env, claims, step);
  return { status: "authenticated", sessionToken: session.token };
}

export async function signInWithRecoveryCode(
  env: Env,
  input: { challenge: string; code: string },
  meta: RequestMeta,
): Promise<SignInResult> {
  const claims = await challengeOrThrow(env, input.challenge, "2fa");
  const session = await issueCredential(env.HASH_KEY, "gs", claims);
  const step = unwrap(
    await orgStub(env, claims.slug, claims.jurisdiction).completeRecoveryStep({
      challengeId: claims.challengeId,
      userId: claims.userId,
      code: await hashRecoveryCode(env.HASH_KEY, input.code),
      sessionTokenHash: session.hash,
      meta,
    }),
  );
  if ("status" in step) return passkeyEnrollment(env, claims, step);
  return { status: "authenticated", sessionToken: session.token, recoveryCodesRemaining: step.remaining };
}

export { challengeOrThrow };
