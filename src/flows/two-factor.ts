// Enrollment and code management, shared by the JSON API and the pages. Secrets are made and sealed here at
// the edge; every decision (code valid, not replayed, state unchanged) is taken in the org's object.
import type { Env } from "../env";
import { ApiError } from "../errors";
import { open, seal } from "../crypto/secret-box";
import { issueCredential, type Route } from "../http/credentials";
import type { AuditActor, Caller, RequestMeta } from "../org/results";
import { orgStub } from "../org/stub";
import { enrollmentInfo, newTotpSecret, type EnrollmentInfo } from "../totp";
import { challengeOrThrow } from "./sign-in";
import { unwrap } from "./outcomes";
import { forgetCredentials, relyingPartyOrThrow } from "./passkeys";
import type { AuthenticationResponseJSON } from "../webauthn";
import { newRecoveryCodes } from "./recovery-codes";

const CODE_NOT_ENOUGH =
  "Your organization requires phishing-resistant sign-in: confirm with your passkey ('webauthn'), not a code (add a passkey first if you have none).";

async function sealedSecret(env: Env, userId: string) {
  const secret = newTotpSecret();
  return { secret, sealed: await seal(env.TOTP_KEYS, secret, userId) };
}

/**
 * Starts (or restarts) enrollment for a signed-in user; the caller has checked step-up (adding a factor), and the org's
 * object checks that the session (its token's hash) still stands as the edge saw it.
 */
export async function startEnrollment(env: Env, route: Route, userId: string, sessionTokenHash: string): Promise<EnrollmentInfo> {
  const { secret, sealed } = await sealedSecret(env, userId);
  const r = unwrap(await orgStub(env, route.slug, route.jurisdiction).beginEnrollment(userId, sealed, { session: sessionTokenHash }));
  return enrollmentInfo(secret, r.email, r.period);
}

/** Confirms a session's enrollment: the recovery codes, and the new session token that replaces the old one. */
export async function confirmEnrollment(env: Env, route: Route, userId: string, code: string, oldSession: string, meta: RequestMeta) {
  const { codes, hashes } = await newRecoveryCodes(env.HASH_KEY);
  const session = await issueCredential(env.HASH_KEY, "gs", route);
  unwrap(
    await orgStub(env, route.slug, route.jurisdiction).confirmEnrollment({
      userId,
      code,
      recoveryCodeHashes: hashes,
      via: { session: oldSession, newSessionTokenHash: session.hash },
      meta,
    }),
  );
  return { recoveryCodes: codes, sessionToken: session.token };
}

/** Forced enrollment at sign-in: the enrollment_required challenge is the only credential, and only here. */
export async function startChallengeEnrollment(env: Env, challenge: string): Promise<EnrollmentInfo> {
  const claims = await challengeOrThrow(env, challenge, "enroll");
  const { secret, sealed } = await sealedSecret(env, claims.userId);
  const r = unwrap(
    await orgStub(env, claims.slug, claims.jurisdiction).beginEnrollment(claims.userId, sealed, { challengeId: claims.challengeId }),
  );
  // This sign-in's enrollment opened again: the secret already shown (and maybe scanned) stays.
  const shown = r.kept ? await open(env.TOTP_KEYS, r.kept, claims.userId) : secret;
  return enrollmentInfo(shown, r.email, r.period);
}

export async function confirmChallengeEnrollment(env: Env, challenge: string, code: string, meta: RequestMeta) {
  const claims = await challengeOrThrow(env, challenge, "enroll");
  const { codes, hashes } = await newRecoveryCodes(env.HASH_KEY);
  const session = await issueCredential(env.HASH_KEY, "gs", claims);
  unwrap(
    await orgStub(env, claims.slug, claims.jurisdiction).confirmEnrollment({
      userId: claims.userId,
      code,
      recoveryCodeHashes: hashes,
      via: { challengeId: claims.challengeId, newSessionTokenHash: session.hash },
      meta,
    }),
  );
  return { recoveryCodes: codes, sessionToken: session.token };
}

/**
 * New recovery codes for a current TOTP code, or for a passkey user a passkey assertion answering this session's
 * step-up options (POST /api/me/step-up/passkey); either is checked and spent in the same transaction.
 */
export async function regenerateRecoveryCodes(
  env: Env,
  session: { route: Route; userId: string; tokenHash: string; requestUrl: string },
  proof: { code?: string | undefined; webauthn?: AuthenticationResponseJSON | undefined },
  meta: RequestMeta,
  /** The Account page form's single-use id: the same form sent again makes no new set (org/form-ids.ts). */
  formId?: string,
) {
  const { codes, hashes } = await newRecoveryCodes(env.HASH_KEY);
  const { route, userId } = session;
  const given = proof.webauthn
    ? {
        passkey: {
          response: proof.webauthn,
          rp: relyingPartyOrThrow(env, session.requestUrl),
          sessionTokenHash: session.tokenHash,
        },
      }
    : { code: proof.code ?? "" };
  const result = await orgStub(env, route.slug, route.jurisdiction).regenerateRecoveryCodes({
    userId,
    ...given,
    recoveryCodeHashes: hashes,
    ...(formId !== undefined ? { formId } : {}),
    meta,
  });
  if (!result.ok && result.reason === "passkey_required") throw new ApiError("passkey_required", CODE_NOT_ENOUGH);
  unwrap(result);
  return codes;
}

export async function disableTwoFactor(
  env: Env,
  route: Route,
  userId: string,
  code: string,
  keepSession: string | undefined,
  meta: RequestMeta,
) {
  unwrap(
    await orgStub(env, route.slug, route.jurisdiction).disableTwoFactor({
      userId,
      code,
      ...(keepSession ? { keepSession } : {}),
      meta,
    }),
  );
}

export async function resetTwoFactor(env: Env, route: Route, userId: string, caller: Caller, actor: AuditActor, meta: RequestMeta) {
  const { removedCredentials } = unwrap(await orgStub(env, route.slug, route.jurisdiction).resetTwoFactor({ userId, caller, actor, meta }));
  await forgetCredentials(env, userId, removedCredentials);
}
