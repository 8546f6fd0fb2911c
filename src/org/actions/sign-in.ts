// Sign-in decisions, each one atomic step inside the org's object: the password outcome (computed at the edge),
// the TOTP or recovery-code step of a challenge, and the session check of every request.
import { nowMs } from "../../clock";
import { timingSafeEqual } from "../../crypto/compare";
import { hashParameters } from "../../crypto/password";
import { recordEvent } from "../audit";
import { challengeAlive, createChallenge, recordChallengeFailure, spendChallenge } from "../challenges";
import { lockedFor, lockedOut, recordSuccess } from "../lockout";
import { notifyUser } from "../notify";
import { recoveryStatus } from "../recovery-codes";
import { type LoginStep, type RequestMeta, type Result, type SecondStepMethod, fail, ok } from "../results";
import { createSession, sessionPolicy } from "../sessions";
import { readOrg } from "../settings";
import type { Store } from "../store";
import { amrForSignIn } from "../oidc-amr";
import { setSessionAmr } from "../oidc-store";
import { activeTotp } from "../totp-state";
import { hasSecondFactor } from "../factors";
import { countPasskeys, credentialRefs, passkeyByCredential } from "../passkeys";
import { amrOf } from "./session-amr";
import { saveWebauthnChallenge } from "../webauthn-challenges";
import { authenticationOptions } from "../../webauthn";
import { findActiveUser, findUser, markLogin, setPasswordHash, type UserRow } from "../users";
import { countFailure, type LockFailure } from "./failures";
import { readyFactor, type SecondFactor, verifyFactor } from "./verify-second-factor";
import { codeUse } from "./phishing-resistant";
import type {
  ChallengeStepInput,
  PasskeyOptionsInput,
  PasskeyStepInput,
  PasswordAttempt,
  PasswordAttemptStep,
  PasswordOutcome,
  PasskeyEnrollmentStep,
} from "../rpc";

type SignInFailure = "invalid_credentials" | "account_deactivated" | LockFailure;
type ChallengeFailure = "invalid_challenge" | "invalid_code" | LockFailure | "unavailable" | "passkey_required";

function userActor(u: UserRow) {
  return { type: "user" as const, id: u.id, label: u.email };
}

function subject(u: UserRow) {
  return { id: u.id, label: u.email };
}

/** Signs the user in, or issues the challenge of the next step. */
function finishFirstStep(
  store: Store,
  user: UserRow,
  sessionTokenHash: string,
  meta: RequestMeta,
  now: number,
  requireSecondFactor: boolean,
): LoginStep {
  const { sql } = store;
  if (hasSecondFactor(sql, user.id)) {
    return { status: "2fa_required", ...createChallenge(sql, user.id, "2fa", now), methods: secondStepMethods(sql, user.id) };
  }
  // An application that asked for MFA (OpenID acr_values) enrolls a user without a second factor first; so does an
  // org that requires 2FA or phishing-resistant sign-in (whose enrollment is a passkey).
  const org = readOrg(sql);
  if (org?.require2fa || org?.requirePhishingResistant || requireSecondFactor)
    return { status: "enrollment_required", ...createChallenge(sql, user.id, "enroll", now) };
  startSession(store, user, sessionTokenHash, meta, now, "password");
  return { status: "authenticated" };
}

/** What the second step may use: TOTP when it is set up, a passkey (webauthn) when the user has one, a recovery code. */
export function secondStepMethods(sql: SqlStorage, userId: string): SecondStepMethod[] {
  const methods: SecondStepMethod[] = [];
  if (activeTotp(sql, userId)) methods.push("totp");
  if (countPasskeys(sql, userId) > 0) methods.push("webauthn");
  methods.push("recovery_code");
  return methods;
}

export function startSession(store: Store, user: UserRow, tokenHash: string, meta: RequestMeta, now: number, method: string) {
  // One write per row: the session with its amr, the user's last sign-in with the language of it.
  createSession(store.sql, tokenHash, user.id, now, sessionPolicy(store.env), meta, now, amrForSignIn(method));
  markLogin(store.sql, user.id, now, meta.lang);
  recordEvent(store.sql, { type: "login.succeeded", actor: userActor(user), subject: subject(user), meta, detail: { method } }, now);
}

export function completePasswordStep(store: Store, input: PasswordOutcome): Result<LoginStep, SignInFailure> {
  const now = nowMs();
  const { sql } = store;
  return store.tx(() => {
    const user = findUser(sql, input.userId);
    if (!user) return fail("invalid_credentials");
    const checked = settlePasswordCheck(
      store,
      user,
      { checkedHash: input.checkedHash, passed: input.passed, failure: input.failure ?? "wrong_password", meta: input.meta },
      now,
    );
    if (!checked.ok) return checked;
    if (input.rehash) setPasswordHash(sql, user.id, input.rehash);
    return ok(finishFirstStep(store, user, input.sessionTokenHash, input.meta, now, input.requireSecondFactor === true));
  });
}

/**
 * The password step in one call: the edge hashed the password with this user's salt and the current cost
 * (hashPassword with the user's id), so when the stored hash was made the same way it is compared here, in
 * constant time, and decided in the same transaction (lock, count, challenge or session). Otherwise (an older
 * random salt or cost, or no such user) nothing changes and the stored hash goes back to the edge, which checks
 * it as before (completePasswordStep) and upgrades it.
 */
export function attemptPassword(store: Store, input: PasswordAttempt): Result<PasswordAttemptStep, SignInFailure> {
  const now = nowMs();
  const { sql } = store;
  return store.tx(() => {
    const user = findUser(sql, input.userId);
    if (!user) return ok({ status: "check_at_edge", hash: null });
    const stored = user.password_hash;
    if (hashParameters(stored) !== hashParameters(input.candidate)) return ok({ status: "check_at_edge", hash: stored });
    const hashOk = timingSafeEqual(stored, input.candidate);
    const checked = settlePasswordCheck(
      store,
      user,
      { checkedHash: stored, passed: hashOk && input.orgOk, failure: hashOk ? "wrong_org" : "wrong_password", meta: input.meta },
      now,
    );
    if (!checked.ok) return checked;
    return ok(finishFirstStep(store, user, input.sessionTokenHash, input.meta, now, input.requireSecondFactor === true));
  });
}

/**
 * Inside a transaction: the outcome of a password checked at the edge. Refuses during a 15-minute lock;
 * refuses without counting when the hash checked is no longer the stored one; counts (and audits) a wrong
 * password, which may lock the account; under the lasting lock, refuses the right password with 423 (a wrong
 * one gets the usual 401, so the lock tells nothing to someone without the password); resets the count on success.
 */
export function settlePasswordCheck(
  store: Store,
  user: UserRow,
  check: { checkedHash: string; passed: boolean; failure: string; meta: RequestMeta },
  now: number,
): Result<null, SignInFailure> {
  const { sql } = store;
  // Attempts during a lock are not logged one by one: the lock itself was ("account.locked"), and logging each
  // would let anyone who knows an email flood the log and push older events out of its retention.
  const locked = lockedFor(user, now);
  if (locked) return fail("too_many_attempts", locked);
  // The password was checked at the edge against the hash read then; if it changed meanwhile, that check says
  // nothing about the new one (and a rehash would overwrite it). Refuse without counting a failure.
  if (user.password_hash !== check.checkedHash) return fail("invalid_credentials");
  if (!check.passed) {
    recordEvent(
      sql,
      { type: "login.failed", actor: userActor(user), subject: subject(user), meta: check.meta, detail: { reason: check.failure } },
      now,
    );
    countFailure(store, user, "password", check.meta, now);
    return fail("invalid_credentials");
  }
  // The right password of a deactivated account is told so (a wrong one got the usual 401 above, counted).
  if (user.deactivated_at !== null) return refuseDeactivated(store, user, check.meta, now);
  if (lockedOut(user)) return fail("account_locked");
  recordSuccess(sql, user.id, "password");
  return ok(null);
}

/**
 * A deactivated account's right password (or passkey) is refused, and the attempt is a login failure in the audit
 * log like any other: whoever holds the credential tried to get in (the log aggregates repeats).
 */
export function refuseDeactivated(store: Store, user: UserRow, meta: RequestMeta, now: number) {
  recordEvent(
    store.sql,
    { type: "login.failed", actor: userActor(user), subject: subject(user), meta, detail: { reason: "account_deactivated" } },
    now,
  );
  return fail("account_deactivated");
}

/**
 * The second step of a sign-in: the factor checked (verify-second-factor.ts) against a live challenge of this
 * user, then the challenge spent and the session started, all in one transaction.
 */
async function completeSecondStep<T>(
  store: Store,
  input: ChallengeStepInput,
  factor: SecondFactor,
  started: (user: UserRow, now: number) => T,
  /** Runs once the factor is spent, whether a session starts or (phishing-resistant) an enrollment does. */
  spent: (user: UserRow, now: number) => void = () => {},
): Promise<Result<T | PasskeyEnrollmentStep, ChallengeFailure>> {
  const ready = await readyFactor(store, input.userId, factor, nowMs());
  if (!ready.ok) return ready;
  const now = nowMs();
  return store.tx(() => {
    const user = findActiveUser(store.sql, input.userId);
    if (!user || !challengeAlive(store.sql, input.challengeId, user.id, "2fa", now)) return fail("invalid_challenge");
    // Phishing-resistant sign-in (org setting, NIST SP 800-63B r4 3.2.5): a code can be relayed by a proxy page, so
    // it never finishes a member's sign-in. One with a passkey is told to use it, before the code is checked (nothing
    // spent or counted); one without gets, after the code, an enrollment challenge for a passkey instead of a session.
    const use = factor.kind === "webauthn" ? "any" : codeUse(store.sql, user.id);
    if (use === "passkey_required") return fail("passkey_required");
    const checked = verifyFactor(store, user, ready.value, input.meta, now, () => recordChallengeFailure(store.sql, input.challengeId));
    if (!checked.ok) {
      const { reason, retryAfterSeconds } = checked;
      if (reason === "not_enrolled" || reason === "not_pending") return fail("invalid_challenge");
      // The wrong code that used up the challenge's attempts ends the sign-in: said now, not at the next code.
      if (reason === "invalid_code" && !challengeAlive(store.sql, input.challengeId, user.id, "2fa", now)) return fail("invalid_challenge");
      return fail(reason, retryAfterSeconds);
    }
    // Burn the challenge before issuing the session: it cannot be used again.
    spendChallenge(store.sql, input.challengeId, now);
    spent(user, now);
    if (use === "enroll_only")
      return ok({ status: "enrollment_required" as const, ...createChallenge(store.sql, user.id, "enroll_passkey", now) });
    return ok(started(user, now));
  });
}

/** The TOTP step: code valid, not replayed, challenge alive, counters: decided in one transaction. */
export function completeTotpStep(store: Store, input: ChallengeStepInput): Promise<Result<null | PasskeyEnrollmentStep, ChallengeFailure>> {
  return completeSecondStep(store, input, { kind: "totp", code: input.code, secret: "active" }, (user, now) => {
    startSession(store, user, input.sessionTokenHash, input.meta, now, "totp");
    return null;
  });
}

/** The recovery-code step; `code` is the keyed hash of the normalised code, computed at the edge. */
export function completeRecoveryStep(
  store: Store,
  input: ChallengeStepInput,
): Promise<Result<{ remaining: number } | PasskeyEnrollmentStep, ChallengeFailure>> {
  const { sql } = store;
  return completeSecondStep(
    store,
    input,
    { kind: "recovery_code", codeHash: input.code },
    (user, now) => {
      startSession(store, user, input.sessionTokenHash, input.meta, now, "recovery_code");
      return { remaining: recoveryStatus(sql, user.id).remaining };
    },
    // A spent recovery code is told and audited even when it only leads to enrolling a passkey.
    (user, now) => {
      const { remaining } = recoveryStatus(sql, user.id);
      recordEvent(
        sql,
        { type: "2fa.recovery_code_used", actor: userActor(user), subject: subject(user), meta: input.meta, detail: { remaining } },
        now,
      );
      notifyUser(sql, user, { type: "2fa.recovery_code_used", remaining }, now);
    },
  );
}

/** Assertion options for the second step, bound to this sign-in's live challenge and to the user's passkeys. */
export async function passkeyStepOptions(store: Store, input: PasskeyOptionsInput) {
  const { sql } = store;
  const allow = credentialRefs(sql, input.userId);
  if (allow.length === 0 || !challengeAlive(sql, input.challengeId, input.userId, "2fa", nowMs())) return fail("invalid_challenge");
  const options = await authenticationOptions(input.rp, allow, "preferred");
  const now = nowMs();
  return store.tx(() => {
    if (!challengeAlive(sql, input.challengeId, input.userId, "2fa", now)) return fail("invalid_challenge");
    saveWebauthnChallenge(sql, options.challenge, "2fa", input.userId, input.challengeId, now);
    return ok(options);
  });
}

/** The passkey step: the assertion answers a challenge of this sign-in; spent with the sign-in's challenge. */
export function completePasskeyStep(store: Store, input: PasskeyStepInput): Promise<Result<null, ChallengeFailure>> {
  const factor = {
    kind: "webauthn" as const,
    response: input.response,
    rp: input.rp,
    purpose: "2fa" as const,
    signInId: input.challengeId,
  };
  // A passkey is the phishing-resistant factor: completeSecondStep never turns it into an enrollment step.
  return completeSecondStep(store, { ...input, code: "" }, factor, (user, now) => {
    startSession(store, user, input.sessionTokenHash, input.meta, now, "webauthn");
    // The passkey was verified (and its counter moved) just before, in this transaction.
    const used = passkeyByCredential(store.sql, input.response.id);
    if (used) setSessionAmr(store.sql, input.sessionTokenHash, amrOf(used, "second_step"));
    return null;
  }) as Promise<Result<null, ChallengeFailure>>;
}
