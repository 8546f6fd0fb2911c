// Step-up ("sudo mode", docs/api.md): a current second factor (a TOTP code or a passkey), or for a user without one
// the password, checked now for a live session, which then counts as freshly verified. Wrong proofs count toward the
// same locks as sign-in.
import { nowMs } from "../../clock";
import { type Result, fail, ok } from "../results";
import { findLiveSession, markSessionVerified, sessionPolicy } from "../sessions";
import type { Store } from "../store";
import { secondFactorRequired } from "../settings";
import { hasSecondFactor } from "../factors";
import { findUser } from "../users";
import type { LockFailure } from "./failures";
import { settlePasswordCheck } from "./sign-in";
import { withCurrentCode } from "./two-factor";
import type { StepUpInput, StepUpOptionsInput } from "../rpc";
import { authenticationOptions } from "../../webauthn";
import { saveWebauthnChallenge } from "../webauthn-challenges";
import { credentialRefs } from "../passkeys";
import { readyFactor, verifyFactor } from "./verify-second-factor";
import { codeUse } from "./phishing-resistant";

type StepUpFailure =
  | "invalid_code"
  | "invalid_credentials"
  | "account_deactivated"
  | "not_enrolled"
  | "not_found"
  | "invalid_challenge"
  | LockFailure
  | "unavailable";

export async function stepUp(
  store: Store,
  input: StepUpInput,
): Promise<Result<null, StepUpFailure | "enforced_by_org" | "passkey_required">> {
  const { sql } = store;
  const sessionAlive = (now: number) =>
    findLiveSession(sql, input.sessionTokenHash, now, sessionPolicy(store.env))?.user_id === input.userId;
  const { proof } = input;
  if ("code" in proof) {
    return withCurrentCode(
      store,
      { userId: input.userId, code: proof.code, meta: input.meta },
      // Where a code may only open a passkey's setup, it is spent on that setup and leaves the session as fresh as
      // it was, as a password does for a first factor below.
      (user, now) => {
        if (codeUse(sql, user.id) === "any") markSessionVerified(sql, input.sessionTokenHash, user.id, now);
      },
      () => {
        if (!sessionAlive(nowMs())) return "not_found";
        // Refused before the code is checked: nothing spent or counted, as at sign-in.
        const use = codeUse(sql, input.userId);
        return use === "passkey_required" || (use === "enroll_only" && input.purpose !== "enroll_passkey") ? "passkey_required" : null;
      },
    );
  }
  if ("webauthn" in proof) return passkeyStepUp(store, input, proof, sessionAlive);
  const now = nowMs();
  return store.tx(() => {
    const user = findUser(sql, input.userId);
    if (!user || !sessionAlive(now)) return fail("not_found");
    // A password is a step-up only for someone without a second factor: otherwise it would skip that factor.
    if (hasSecondFactor(sql, user.id)) return fail("not_enrolled");
    // Where the org requires 2FA, a password-only session is one from before enforcement: it may set up its
    // factor, not mint a credential (a year-long key) that would never meet one.
    if (input.purpose === "act" && secondFactorRequired(sql)) return fail("enforced_by_org");
    const checked = settlePasswordCheck(store, user, { ...proof, failure: "wrong_step_up_password", meta: input.meta }, now);
    if (!checked.ok) return checked;
    // Where the org requires a factor, a password that opens a first factor's setup is spent on that setup: it does
    // not make the session fresh for other step-up actions, which would otherwise follow without a factor. Elsewhere
    // a password is this user's whole proof, and it makes the session fresh whatever it opened.
    if (input.purpose === "act" || !secondFactorRequired(sql)) markSessionVerified(sql, input.sessionTokenHash, user.id, now);
    return ok(null);
  });
}

/**
 * A passkey as step-up proof: the assertion must answer a live step-up challenge of this user made for this very
 * session (so an assertion phished or copied from another session, or replayed, proves nothing), and the passkey
 * must still be the user's. A wrong one counts toward the same locks as a wrong code (verify-second-factor.ts).
 */
async function passkeyStepUp(
  store: Store,
  input: StepUpInput,
  proof: Extract<StepUpInput["proof"], { webauthn: unknown }>,
  sessionAlive: (now: number) => boolean,
): Promise<Result<null, StepUpFailure>> {
  const { sql } = store;
  const factor = {
    kind: "webauthn" as const,
    response: proof.webauthn,
    rp: proof.rp,
    purpose: "step_up" as const,
    signInId: input.sessionTokenHash,
  };
  const ready = await readyFactor(store, input.userId, factor, nowMs());
  if (!ready.ok) return ready;
  const now = nowMs();
  return store.tx(() => {
    const user = findUser(sql, input.userId);
    if (!user || !sessionAlive(now)) return fail("not_found");
    const checked = verifyFactor(store, user, ready.value, input.meta, now);
    if (!checked.ok) {
      const { reason, retryAfterSeconds } = checked;
      return fail(reason === "not_pending" ? "not_enrolled" : reason, retryAfterSeconds);
    }
    // A factor was checked now, whatever the purpose: the session is fresh.
    markSessionVerified(sql, input.sessionTokenHash, user.id, now);
    return ok(null);
  });
}

/** Assertion options for a passkey step-up: the user's own passkeys, a challenge bound to the asking session. */
export async function stepUpPasskeyOptions(store: Store, input: StepUpOptionsInput) {
  const { sql } = store;
  const alive = (now: number) => findLiveSession(sql, input.sessionTokenHash, now, sessionPolicy(store.env))?.user_id === input.userId;
  if (!alive(nowMs())) return fail("not_found");
  const allow = credentialRefs(sql, input.userId);
  if (allow.length === 0) return fail("not_enrolled");
  const options = await authenticationOptions(input.rp, allow, "preferred");
  const now = nowMs();
  return store.tx(() => {
    if (!alive(now)) return fail("not_found");
    // The session's token hash stands where a sign-in's challenge id would: the answer is good for this session only.
    saveWebauthnChallenge(sql, options.challenge, "step_up", input.userId, input.sessionTokenHash, now);
    return ok(options);
  });
}
