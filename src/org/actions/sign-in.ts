// Sign-in decisions, each one atomic step inside the org's object: the password outcome (computed at the edge),
// the TOTP or recovery-code step of a challenge, and the session check of every request.
import { nowMs } from "../../clock";
import { matchStep } from "../../totp";
import { recordEvent } from "../audit";
import { challengeAlive, createChallenge, recordChallengeFailure, spendChallenge } from "../challenges";
import { lockedFor, lockedOut, recordSuccess } from "../lockout";
import { notifyUser } from "../notify";
import { recoveryStatus, spendRecoveryCode } from "../recovery-codes";
import { type LoginStep, type RequestMeta, type Result, fail, ok } from "../results";
import { createSession, sessionPolicy } from "../sessions";
import { readOrg } from "../settings";
import type { Store } from "../store";
import { activeTotp, readSecret, sameSecret, setLastStep, UNREADABLE } from "../totp-state";
import { findUser, markLogin, setLocale, setPasswordHash, type UserRow } from "../users";
import { countFailure, type LockFailure, refuseWhileLocked } from "./failures";

export interface PasswordOutcome {
  userId: string;
  /** The password matched and, when an operator code was given, it names this org. */
  passed: boolean;
  /** Why it failed, for the audit log only (the caller always answers the same 401). */
  failure?: "wrong_password" | "wrong_org";
  /** The stored hash the password was checked against at the edge. */
  checkedHash: string;
  /** A stronger hash of the same password, when the stored one uses an older cost. */
  rehash?: string;
  sessionTokenHash: string;
  meta: RequestMeta;
}

type SignInFailure = "invalid_credentials" | LockFailure;
type ChallengeFailure = "invalid_challenge" | "invalid_code" | LockFailure | "unavailable";

function userActor(u: UserRow) {
  return { type: "user" as const, id: u.id, label: u.email };
}

function subject(u: UserRow) {
  return { id: u.id, label: u.email };
}

/** Signs the user in, or issues the challenge of the next step. */
function finishFirstStep(store: Store, user: UserRow, sessionTokenHash: string, meta: RequestMeta, now: number): LoginStep {
  const { sql } = store;
  if (activeTotp(sql, user.id)) return { status: "2fa_required", ...createChallenge(sql, user.id, "2fa", now) };
  if (readOrg(sql)?.require2fa) return { status: "enrollment_required", ...createChallenge(sql, user.id, "enroll", now) };
  startSession(store, user, sessionTokenHash, meta, now, "password");
  return { status: "authenticated" };
}

export function startSession(store: Store, user: UserRow, tokenHash: string, meta: RequestMeta, now: number, method: string) {
  createSession(store.sql, tokenHash, user.id, now, sessionPolicy(store.env), meta);
  markLogin(store.sql, user.id, now);
  if (meta.lang) setLocale(store.sql, user.id, meta.lang);
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
    return ok(finishFirstStep(store, user, input.sessionTokenHash, input.meta, now));
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
  if (lockedOut(user)) return fail("account_locked");
  recordSuccess(sql, user.id, "password");
  return ok(null);
}

/** Counts a wrong second factor against the challenge and the user; may lock the account. */
export function recordWrongSecondFactor(store: Store, user: UserRow, challengeId: string | null, meta: RequestMeta, now: number) {
  if (challengeId) recordChallengeFailure(store.sql, challengeId);
  recordEvent(store.sql, { type: "2fa.code_failed", actor: userActor(user), subject: subject(user), meta }, now);
  countFailure(store, user, "code", meta, now);
}

interface ChallengeInput {
  challengeId: string;
  userId: string;
  code: string;
  sessionTokenHash: string;
  meta: RequestMeta;
}

/** Inside a transaction: the challenge's user, unless locked out or the challenge is dead. */
function openChallenge(store: Store, input: ChallengeInput, now: number): Result<UserRow, "invalid_challenge" | LockFailure> {
  const user = findUser(store.sql, input.userId);
  if (!user) return fail("invalid_challenge");
  const locked = refuseWhileLocked(user, now);
  if (locked) return locked;
  if (!challengeAlive(store.sql, input.challengeId, user.id, "2fa", now)) return fail("invalid_challenge");
  return ok(user);
}

/** The TOTP step: code valid, not replayed, challenge alive, counters: decided in one transaction. */
export async function completeTotpStep(store: Store, input: ChallengeInput): Promise<Result<null, ChallengeFailure>> {
  const { sql } = store;
  const before = activeTotp(sql, input.userId);
  // Decrypting is async, so it happens first; the transaction re-reads the row and checks it is unchanged.
  const secret = await readSecret(store.env.TOTP_KEYS, before);
  if (secret === UNREADABLE) return fail("unavailable");
  const now = nowMs();
  return store.tx(() => {
    const opened = openChallenge(store, input, now);
    if (!opened.ok) return opened;
    const user = opened.value;
    const row = activeTotp(sql, user.id);
    if (!row || !before || !secret || !sameSecret(row, before)) return fail("invalid_challenge");
    const step = matchStep(secret, input.code, now, row.period, row.last_step);
    if (step === null) {
      recordWrongSecondFactor(store, user, input.challengeId, input.meta, now);
      return fail("invalid_code");
    }
    // Burn the challenge and the step before issuing the session: neither can be used again.
    spendChallenge(sql, input.challengeId, now);
    setLastStep(sql, user.id, step);
    recordSuccess(sql, user.id, "code");
    startSession(store, user, input.sessionTokenHash, input.meta, now, "totp");
    return ok(null);
  });
}

/** The recovery-code step; `code` is the keyed hash of the normalised code, computed at the edge. */
export function completeRecoveryStep(store: Store, input: ChallengeInput): Result<{ remaining: number }, ChallengeFailure> {
  const { sql } = store;
  const now = nowMs();
  return store.tx(() => {
    const opened = openChallenge(store, input, now);
    if (!opened.ok) return opened;
    const user = opened.value;
    if (!activeTotp(sql, user.id)) return fail("invalid_challenge");
    if (!spendRecoveryCode(sql, user.id, input.code, now)) {
      recordWrongSecondFactor(store, user, input.challengeId, input.meta, now);
      return fail("invalid_code");
    }
    spendChallenge(sql, input.challengeId, now);
    recordSuccess(sql, user.id, "code");
    const { remaining } = recoveryStatus(sql, user.id);
    recordEvent(
      sql,
      { type: "2fa.recovery_code_used", actor: userActor(user), subject: subject(user), meta: input.meta, detail: { remaining } },
      now,
    );
    notifyUser(sql, user, { type: "2fa.recovery_code_used", remaining }, now);
    startSession(store, user, input.sessionTokenHash, input.meta, now, "recovery_code");
    return ok({ remaining });
  });
}
