// Enrolling, regenerating recovery codes, disabling and resetting TOTP: each one transaction.
import { nowMs } from "../../clock";
import type { Sealed } from "../../crypto/secret-box";
import { type AuditSubject, recordEvent } from "../audit";
import { liveEnrollment, revokeUserChallenges, recordChallengeFailure, spendChallenge } from "../challenges";
import { clearLock } from "../lockout";
import { notifyUser } from "../notify";
import { revokeUserPairings, markPairingSetup, pairingAlive, pairingSetupIs, recordPairingFailure, spendPairing } from "../pairing";
import { deleteRecoveryCodes, replaceRecoveryCodes } from "../recovery-codes";
import { type AuditActor, type Reason, type RequestMeta, type Result, fail, ok } from "../results";
import { carrySignIn, createSession, revokeUserSessions, sessionPolicy, sessionRow } from "../sessions";
import { closeOtherWaysIn } from "./first-factor";
import { readOrg } from "../settings";
import type { Store } from "../store";
import { activatePendingTotp, activeTotp, deleteTotp, pendingStagedBy, putPendingTotp, type TotpRow } from "../totp-state";
import { findActiveUser, findUser, type UserRow } from "../users";
import { hasSecondFactor } from "../factors";
import { checkFormId, type FormIdRefusal, spendFormId } from "../form-ids";
import { deleteAllPasskeys } from "./passkeys";
import { countPasskeys } from "../passkeys";
import { refuseClosedSession, refuseUnlessSteppedUp } from "./access";
import type { AccessFailure } from "../results";
import { settlePasswordCheck, startSession } from "./sign-in";
import { readyFactor, type SecondFactor, verifyFactor } from "./verify-second-factor";
import { codeUse } from "./phishing-resistant";
import type {
  BeginEnrollmentVia,
  CodeFailure,
  ConfirmEnrollmentFailure,
  ConfirmEnrollmentInput,
  DisableInput,
  FactorChangeInput,
  RegenerateInput,
} from "../rpc";

function subjectOf(u: UserRow): AuditSubject {
  return { id: u.id, label: u.email };
}

function selfActor(u: UserRow): AuditActor {
  return { type: "user", id: u.id, label: u.email };
}

/** Why settlePasswordCheck refuses, whatever reasons it gains: they reach the caller as they are. */
type PasswordRefusal = Extract<ReturnType<typeof settlePasswordCheck>, { ok: false }>["reason"];

/** Why a sign-in's enrollment challenge may not set up an app: dead, or one that only adds a passkey. */
function refuseAppEnrollment(sql: SqlStorage, challengeId: string, userId: string, now: number) {
  const kind = liveEnrollment(sql, challengeId, userId, now);
  if (kind === "enroll") return null;
  return kind === "enroll_passkey" ? ("passkey_required" as const) : ("invalid_challenge" as const);
}

/** Stores a new pending secret (sealed at the edge); a second setup replaces the pending one. */
export function beginEnrollment(
  store: Store,
  userId: string,
  sealed: Sealed,
  via: BeginEnrollmentVia,
): Result<
  { email: string; period: number; kept?: Sealed },
  "already_enrolled" | "invalid_challenge" | "invalid_pairing" | "not_found" | "passkey_required" | "step_up_required" | PasswordRefusal
> {
  const now = nowMs();
  const { sql } = store;
  return store.tx(() => {
    const user = findActiveUser(sql, userId);
    const org = readOrg(sql);
    // A sign-in's challenge whose user was deactivated or removed meanwhile is a dead challenge, as at confirm.
    if (!user || !org) return fail("challengeId" in via ? "invalid_challenge" : "not_found");
    const refused = "challengeId" in via ? refuseAppEnrollment(sql, via.challengeId, userId, now) : null;
    if (refused) return fail(refused);
    // Where the org requires phishing-resistant sign-in, a sign-in's enrollment is a passkey: an app would finish it
    // with a code, which is exactly what the setting refuses.
    if ("challengeId" in via && org.requirePhishingResistant) return fail("passkey_required");
    if ("pairing" in via && !pairingAlive(sql, via.pairing, userId, now)) return fail("invalid_pairing");
    if (activeTotp(sql, userId)) return fail("already_enrolled");
    // A link or a sign-in's enrollment challenge adds a first factor only: with a passkey, TOTP is added from a
    // signed-in session (step-up), never with a password and a mailbox alone.
    if (!("session" in via) && hasSecondFactor(sql, userId)) return fail("already_enrolled");
    const closed = "session" in via ? refuseClosedSession(sql, via.session, userId) : null;
    if (closed) return closed;
    if ("pairing" in via) {
      // Reading the mail is not authenticating (NIST SP 800-63B 6.1.2.1): the link only names the account, and
      // its password is decided here, in the transaction that stores the secret, as at sign-in (lock, stale
      // hash, a wrong one counted and audited). A dead link was refused above, so it cannot test passwords; a
      // wrong password is not a wrong code, so the link's own attempts stay untouched and it stays usable.
      const checked = settlePasswordCheck(
        store,
        user,
        { checkedHash: via.checkedHash, passed: via.passed, failure: "wrong_password_on_pairing_link", meta: via.meta },
        now,
      );
      if (!checked.ok) return checked;
      markPairingSetup(sql, via.pairing, sealed.ciphertext);
    }
    if ("challengeId" in via) {
      // The same sign-in's enrollment opened again (a reload, Back): the secret its person already scanned stays,
      // and comes back (`kept`) to be shown again; replacing it stranded them with a code that could never match.
      const kept = pendingStagedBy(sql, userId, via.challengeId, now);
      if (kept) return ok({ email: user.email, period: kept.period, kept: kept.sealed });
    }
    putPendingTotp(sql, userId, sealed, org.totpPeriod, now, "challengeId" in via ? via.challengeId : null);
    return ok({ email: user.email, period: org.totpPeriod });
  });
}

/**
 * Confirms the pending secret with a code. The confirming code's step is stored as the last one accepted,
 * so the same code cannot then sign in. The first recovery codes (hashed at the edge) are stored with it.
 */
export async function confirmEnrollment(store: Store, input: ConfirmEnrollmentInput): Promise<Result<null, ConfirmEnrollmentFailure>> {
  const { sql } = store;
  const readied = await readyFactor(store, input.userId, { kind: "totp", code: input.code, secret: "pending" }, nowMs());
  if (!readied.ok) return readied; // fail closed: nobody passes an unreadable check
  const ready = readied.value;
  const now = nowMs();
  return store.tx(() => {
    const user = findActiveUser(sql, input.userId);
    if (!user) return fail("invalid_challenge");
    // From a session, that session must still exist: one ended meanwhile (sign out everywhere, a password change)
    // is not brought back as a fresh replacement below. Refused before the code is checked, so nothing is spent.
    if ("session" in input.via && sessionRow(sql, input.via.session)?.user_id !== user.id) return fail("invalid_challenge");
    // Nor one closed by a first factor set up elsewhere: it would come back fresh as the replacement below.
    if ("session" in input.via && refuseClosedSession(sql, input.via.session, user.id)) return fail("invalid_challenge");
    const challengeId = "challengeId" in input.via ? input.via.challengeId : null;
    const refused = challengeId ? refuseAppEnrollment(sql, challengeId, user.id, now) : null;
    if (refused) return fail(refused);
    if (challengeId && readOrg(sql)?.requirePhishingResistant) return fail("passkey_required");
    const pairing = "pairing" in input.via ? input.via.pairing : null;
    if (pairing && !pairingAlive(sql, pairing, user.id, now)) return fail("invalid_pairing");
    if (activeTotp(sql, user.id)) return fail("already_enrolled");
    if (!("session" in input.via) && hasSecondFactor(sql, user.id)) return fail("already_enrolled");
    // The pending secret is per user: one made in a session, at forced enrollment, or by this link before
    // someone else replaced it is not this link's to confirm. Only the one its own password step stored is, so
    // holding the link alone never confirms anything (nor guesses codes for a secret made elsewhere).
    if (pairing && !(ready.row && pairingSetupIs(sql, pairing, ready.row.ciphertext))) return fail("not_pending");
    // A confirmation code is a second-factor guess like any other: the locks apply and failures count.
    const checked = verifyFactor(store, user, ready, input.meta, now, () => {
      if (challengeId) recordChallengeFailure(sql, challengeId);
      if (pairing) recordPairingFailure(sql, pairing);
    });
    if (!checked.ok) {
      const { reason, retryAfterSeconds } = checked;
      return fail(reason === "not_enrolled" ? "not_pending" : reason, retryAfterSeconds);
    }
    activatePendingTotp(sql, ready.row as TotpRow, checked.value.steps ?? [], now);
    replaceRecoveryCodes(sql, user.id, input.recoveryCodeHashes, now);
    recordEvent(sql, { type: "2fa.enabled", actor: selfActor(user), subject: subjectOf(user), meta: input.meta }, now);
    notifyUser(sql, user, { type: "2fa.enabled" }, now);
    revokeUserPairings(sql, user.id, now);
    if ("pairing" in input.via) {
      // The link only ever enrolls: it is spent here and no session starts. Every session is revoked, as when
      // 2FA is turned on from a session: whoever else was signed in must now pass the new second factor.
      spendPairing(sql, input.via.pairing, now);
      revokeUserSessions(sql, user.id);
    } else if ("session" in input.via) {
      // Changing the second factor signs out every browser of this user, this one included: it gets a new session
      // token (docs/api.md), so a token that leaked before 2FA existed is worth nothing after.
      const before = sessionRow(sql, input.via.session);
      revokeUserSessions(sql, user.id);
      // Where only a passkey steps up (phishing-resistant.ts), this code makes the new session no fresher than the old.
      const verifiedAt = codeUse(sql, user.id) === "any" ? now : (before?.verified_at ?? 0);
      createSession(sql, input.via.newSessionTokenHash, user.id, now, sessionPolicy(store.env), input.meta, verifiedAt);
      carrySignIn(sql, before, input.via.newSessionTokenHash);
    } else {
      // Forced enrollment at sign-in keeps sessions from before enforcement (the seeds: enforcing 2FA does not
      // log anyone out), stale, so they step up with the new factor; the new session starts with it in place.
      closeOtherWaysIn(sql, user.id, now);
      spendChallenge(sql, input.via.challengeId, now);
      startSession(store, user, input.via.newSessionTokenHash, input.meta, now, "enrollment");
    }
    return ok(null);
  });
}

/**
 * Runs `then` in one transaction once a current TOTP code of the user is accepted (verify-second-factor.ts:
 * replay refused, failures counted); `refuse` may turn the request down before any code is spent.
 */
export function withCurrentCode<F extends Reason>(
  store: Store,
  input: { userId: string; code: string; meta: RequestMeta },
  then: (user: UserRow, now: number) => void,
  refuse: () => F | null = () => null,
): Promise<Result<null, CodeFailure | "not_found" | F>> {
  return withCurrentFactor(store, { ...input, factor: { kind: "totp", code: input.code, secret: "active" } }, then, refuse);
}

/**
 * As withCurrentCode, for a current TOTP code or a passkey assertion answering the session's step-up options (a
 * passkey user has no code to give). A passkey answer that meets no live challenge reads as a wrong one.
 */
export async function withCurrentFactor<F extends Reason>(
  store: Store,
  input: { userId: string; factor: SecondFactor; meta: RequestMeta },
  then: (user: UserRow, now: number) => void,
  refuse: () => F | null = () => null,
): Promise<Result<null, CodeFailure | "not_found" | F>> {
  const ready = await readyFactor(store, input.userId, input.factor, nowMs());
  if (!ready.ok) return ready; // fail closed: nobody passes an unreadable check
  const now = nowMs();
  return store.tx(() => {
    const user = findUser(store.sql, input.userId);
    if (!user) return fail("not_found");
    const refused = refuse();
    if (refused) return fail(refused);
    const checked = verifyFactor(store, user, ready.value, input.meta, now);
    if (!checked.ok) {
      const { reason, retryAfterSeconds } = checked;
      if (reason === "invalid_challenge") return fail("invalid_code");
      return fail(reason === "not_pending" ? "not_enrolled" : reason, retryAfterSeconds);
    }
    then(user, now);
    return ok(null);
  });
}

/** A new set of recovery codes for a current TOTP code or passkey; the old set dies in the same transaction. */
export function regenerateRecoveryCodes(
  store: Store,
  input: RegenerateInput,
): Promise<Result<null, CodeFailure | "not_found" | "passkey_required" | FormIdRefusal>> {
  const factor: SecondFactor = input.passkey
    ? { kind: "webauthn", ...input.passkey, purpose: "step_up", signInId: input.passkey.sessionTokenHash }
    : { kind: "totp", code: input.code ?? "", secret: "active" };
  const { formId } = input;
  const refuse = () => {
    // The Account page's form sent again (a reload of the page that showed the codes) makes no new set, and is
    // refused before its spent code is checked, so the reload is not counted as a wrong code.
    const form = formId === undefined ? null : checkFormId(store.sql, formId, nowMs());
    if (form && !form.ok) return form.reason;
    // A code is refused before it is checked where the org requires phishing-resistant sign-in (phishing-resistant.ts).
    return factor.kind === "totp" && codeUse(store.sql, input.userId) !== "any" ? "passkey_required" : null;
  };
  return withCurrentFactor(
    store,
    { ...input, factor },
    (user, now) => {
      if (formId !== undefined) spendFormId(store.sql, formId, now);
      replaceRecoveryCodes(store.sql, user.id, input.recoveryCodeHashes, now);
      recordEvent(
        store.sql,
        { type: "2fa.recovery_codes_regenerated", actor: selfActor(user), subject: subjectOf(user), meta: input.meta },
        now,
      );
      notifyUser(store.sql, user, { type: "2fa.recovery_codes_regenerated" }, now);
    },
    refuse,
  );
}

/** Turns 2FA off with a current code, unless the org requires it. */
export function disableTwoFactor(store: Store, input: DisableInput): Promise<Result<null, CodeFailure | "enforced_by_org" | "not_found">> {
  const { sql } = store;
  return withCurrentCode(
    store,
    input,
    (user, now) => {
      deleteTotp(sql, user.id);
      // Recovery codes stand in for the second factor: they stay while a passkey remains, and so does 2FA.
      const passkeyRemains = hasSecondFactor(sql, user.id);
      if (!passkeyRemains) deleteRecoveryCodes(sql, user.id);
      revokeUserSessions(sql, user.id, input.keepSession);
      // The app's removal with a passkey left says so: 2FA itself stays on.
      const detail = passkeyRemains ? { passkeyRemains } : undefined;
      recordEvent(sql, { type: "2fa.disabled", actor: selfActor(user), subject: subjectOf(user), meta: input.meta, detail }, now);
      notifyUser(sql, user, { type: passkeyRemains ? "2fa.app_removed" : "2fa.disabled" }, now);
    },
    // A passkey is two-factor authentication too (docs/api.md): removing the app leaves it on, so requiring 2FA allows
    // it; only the last second factor cannot go (as removePasskey refuses the last passkey without an app). Where the
    // org requires phishing-resistant sign-in a code never stands where a passkey must, so a code changes nothing.
    () => {
      const org = readOrg(sql);
      const lastFactor = org?.require2fa === true && countPasskeys(sql, input.userId) === 0;
      return org?.requirePhishingResistant === true || lastFactor ? "enforced_by_org" : null;
    },
  );
}

/**
 * An admin's or the operator's reset for a lost phone: secret and codes gone, every session revoked, locks
 * lifted. Never one's own, and an admin's only with step-up (access.ts).
 */
export function resetTwoFactor(
  store: Store,
  input: FactorChangeInput,
): Result<{ removedCredentials: string[] }, "not_found" | AccessFailure> {
  const { sql } = store;
  const now = nowMs();
  return store.tx(() => {
    const user = findUser(sql, input.userId);
    if (!user) return fail("not_found");
    const refused = refuseUnlessSteppedUp(sql, input.caller, user);
    if (refused) return refused;
    const had = hasSecondFactor(sql, user.id);
    deleteTotp(sql, user.id);
    // The reset removes every second factor: passkeys too (the caller frees their directory entries).
    const removedCredentials = deleteAllPasskeys(sql, user.id);
    deleteRecoveryCodes(sql, user.id);
    revokeUserSessions(sql, user.id);
    revokeUserChallenges(sql, user.id, now);
    clearLock(sql, user.id);
    recordEvent(
      sql,
      { type: "2fa.reset", actor: input.actor, subject: subjectOf(user), meta: input.meta, detail: { hadTwoFactor: had } },
      now,
    );
    // Only a real change is worth an email: a reset of someone who had no second factor changes nothing.
    if (had) notifyUser(sql, user, { type: "2fa.reset", by: input.actor }, now);
    return ok({ removedCredentials });
  });
}
