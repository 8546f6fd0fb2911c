// Step-up ("sudo mode", docs/api.md), the one helper every sensitive action uses, API and pages alike: a session
// whose factors were checked within the window passes; otherwise a proof given now (a current TOTP code, a passkey
// assertion, or the password for someone without a second factor) is checked and spent in the org's object, and the
// session becomes fresh. API keys never step up: the action's own rule decides whether a key may do it at all.
import { nowMs } from "../clock";
import { config } from "../config";
import { verifyPassword } from "../crypto/password";
import type { Env } from "../env";
import { ApiError } from "../errors";
import type { Actor, SignedIn } from "../http/actor";
import type { Caller, RequestMeta } from "../org/results";
import type { StepUpPurpose } from "../org/rpc";
import { orgStub } from "../org/stub";
import type { AuthenticationResponseJSON } from "../webauthn";
import { unwrap } from "./outcomes";
import { relyingPartyOrThrow } from "./passkeys";

export interface StepUpProof {
  code?: string | undefined;
  password?: string | undefined;
  /** A passkey assertion answering this session's step-up options (stepUpPasskeyOptions). */
  webauthn?: AuthenticationResponseJSON | Record<string, unknown> | undefined;
}

/** True when the session's factors were checked within the window (STEP_UP_MINUTES, at most 15: config.ts). */
export function freshSession(env: Env, actor: Actor): boolean {
  if (actor.kind !== "session" || !actor.identity.session) return false;
  return nowMs() - actor.identity.session.verifiedAt < config(env).stepUpSeconds * 1000;
}

const WRONG_CODE = "That code is incorrect or has expired: confirm with a current code from your authenticator app.";
const WRONG_PASSWORD = "The password is incorrect.";
const WRONG_PASSKEY = "The passkey could not be verified: ask for new options (POST /api/me/step-up/passkey) and try again.";

/**
 * Whether the caller stepped up; a proof that is given is checked (and spent) even when the session is fresh.
 * `purpose` "enroll" (an app) or "enroll_passkey" is setting up a factor: the only thing a password may step up to where
 * the org requires 2FA, and the passkey the only thing a code may step up to where it requires phishing-resistant sign-in.
 */
export async function steppedUp(
  env: Env,
  actor: SignedIn,
  proof: StepUpProof,
  meta: RequestMeta,
  purpose: StepUpPurpose = "act",
): Promise<boolean> {
  if (actor.kind !== "session") return false;
  type Given = { code: string } | { webauthn: AuthenticationResponseJSON } | { password: string };
  const given: Given | null = proof.code
    ? { code: proof.code }
    : proof.webauthn
      ? { webauthn: proof.webauthn as AuthenticationResponseJSON }
      : proof.password
        ? { password: proof.password }
        : null;
  const { identity } = actor;
  if (!given) return freshSession(env, actor);
  const stub = orgStub(env, actor.route.slug, actor.route.jurisdiction);
  const base = { userId: identity.user.id, sessionTokenHash: actor.tokenHash, purpose, meta };
  const hasApp = identity.twoFactor.period !== null;
  if ("code" in given && !hasApp) {
    throw new ApiError(
      "step_up_required",
      identity.twoFactor.enabled
        ? "You have no authenticator app set up: confirm with your passkey ('webauthn') instead."
        : "You have no authenticator app set up: confirm with your password ('password') instead.",
    );
  }
  if ("password" in given && identity.twoFactor.enabled) {
    throw new ApiError(
      "step_up_required",
      hasApp
        ? "Confirm with a current code from your authenticator app ('code') or a passkey ('webauthn'), not your password."
        : "Confirm with your passkey ('webauthn'), not your password.",
    );
  }
  let result: Awaited<ReturnType<typeof stub.stepUp>>;
  if ("code" in given) {
    result = await stub.stepUp({ ...base, proof: { code: given.code } });
  } else if ("webauthn" in given) {
    const rp = relyingPartyOrThrow(env, actor.requestUrl);
    result = await stub.stepUp({ ...base, proof: { webauthn: given.webauthn, rp } });
  } else {
    // The KDF runs here at the edge, never in the org's object; the object settles the outcome.
    const stored = (await stub.passwordHashOf(identity.user.id)) ?? "";
    const passed = await verifyPassword(env.PASSWORD_PEPPER, given.password, stored);
    result = await stub.stepUp({ ...base, proof: { checkedHash: stored, passed } });
  }
  if (result.ok) return true;
  switch (result.reason) {
    case "invalid_code":
    case "not_enrolled":
    case "invalid_challenge":
      throw new ApiError("step_up_required", "webauthn" in given ? WRONG_PASSKEY : WRONG_CODE);
    case "invalid_credentials":
      throw new ApiError("step_up_required", WRONG_PASSWORD);
    case "not_found":
    case "account_deactivated":
      throw new ApiError("unauthenticated");
    case "enforced_by_org":
      throw new ApiError("step_up_required", "Your organization requires two-factor authentication: set it up, then confirm with a code.");
    case "passkey_required":
      throw new ApiError(
        "passkey_required",
        identity.twoFactor.passkeys > 0
          ? "Your organization requires phishing-resistant sign-in: confirm with your passkey ('webauthn'), not a code."
          : "Your organization requires phishing-resistant sign-in: add a passkey first (a current code confirms adding it).",
      );
    case "too_many_attempts":
      throw new ApiError("too_many_attempts", undefined, result.retryAfterSeconds);
    case "account_locked":
      throw new ApiError("account_locked");
    case "unavailable":
      throw new ApiError("internal_error", "Two-factor verification is unavailable right now. Try again later.");
  }
}

/** Options for a passkey step-up: a single-use challenge (five minutes) bound to this user and this session. */
export async function stepUpPasskeyOptions(env: Env, actor: Extract<Actor, { kind: "session" }>) {
  const rp = relyingPartyOrThrow(env, actor.requestUrl);
  const stub = orgStub(env, actor.route.slug, actor.route.jurisdiction);
  const result = await stub.stepUpPasskeyOptions({ userId: actor.identity.user.id, sessionTokenHash: actor.tokenHash, rp });
  if (!result.ok && result.reason === "not_enrolled")
    throw new ApiError("conflict", "You have no passkey to confirm with.", undefined, "not_enrolled");
  return unwrap(result);
}

/** For actions that always need it: passes, or 403 step_up_required and nothing changes. */
export async function requireStepUp(
  env: Env,
  actor: SignedIn,
  proof: StepUpProof,
  meta: RequestMeta,
  purpose: StepUpPurpose = "act",
): Promise<void> {
  if (!(await steppedUp(env, actor, proof, meta, purpose))) throw new ApiError("step_up_required");
}

/** The caller as the org object's rules see it (org/actions/access.ts): they decide whether step-up was needed. */
export async function callerOf(env: Env, actor: Actor, proof: StepUpProof, meta: RequestMeta): Promise<Caller> {
  switch (actor.kind) {
    case "operator":
      return { kind: "operator" };
    case "api_key":
      return { kind: "api_key", userId: actor.identity.user.id };
    case "session":
      return {
        kind: "session",
        userId: actor.identity.user.id,
        steppedUp: await steppedUp(env, actor, proof, meta),
        tokenHash: actor.tokenHash,
      };
    default:
      throw new ApiError("unauthenticated");
  }
}
