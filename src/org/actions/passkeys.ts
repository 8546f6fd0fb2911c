// Adding, listing, renaming and removing a user's passkeys, each one transaction. The registration's answer is
// verified before the transaction (async WebCrypto); its challenge is spent inside it, with the row's insert.
import { nowMs } from "../../clock";
import { checkRegistration, challengeOf, registrationOptions } from "../../webauthn";
import { recordEvent } from "../audit";
import { hasSecondFactor } from "../factors";
import { notifyUser } from "../notify";
import {
  countPasskeys,
  credentialRefs,
  deletePasskey,
  deleteUserPasskeys,
  insertPasskey,
  type PasskeyInfo,
  passkeyById,
  passkeyByCredential,
  passkeyInfo,
  renamePasskey as renameRow,
  userPasskeys,
} from "../passkeys";
import { deleteRecoveryCodes, replaceRecoveryCodes } from "../recovery-codes";
import { fail, ok, type RequestMeta, type Result } from "../results";
import { carrySignIn, createSession, revokeUserSessions, sessionPolicy, sessionRow } from "../sessions";
import { refuseClosedSession } from "./access";
import { closeOtherWaysIn } from "./first-factor";
import { setSessionAmr } from "../oidc-store";
import { secondFactorRequired } from "../settings";
import type { Store } from "../store";
import { activeTotp } from "../totp-state";
import { findActiveUser, findUser, type UserRow } from "../users";
import { liveEnrollment, spendChallenge } from "../challenges";
import { amrOf } from "./session-amr";
import { startSession } from "./sign-in";
import { liveWebauthnChallenge, saveWebauthnChallenge, spendWebauthnChallenge } from "../webauthn-challenges";
import type { BeginPasskeyInput, FinishPasskeyInput, PasskeyChangeInput, RenamePasskeyInput } from "../rpc";

function who(u: UserRow) {
  return { id: u.id, label: u.email };
}

/**
 * Whether a sign-in's enrollment challenge may still add a passkey for this active user. One issued after a second
 * factor was checked ("enroll_passkey") may; one issued after the password alone ("enroll") may only while the user
 * has no factor: else a password holder could add their own passkey beside the factor they never gave.
 */
function enrollmentOpen(sql: SqlStorage, challengeId: string, userId: string, now: number): boolean {
  if (!findActiveUser(sql, userId)) return false;
  const kind = liveEnrollment(sql, challengeId, userId, now);
  return kind === "enroll_passkey" || (kind === "enroll" && !hasSecondFactor(sql, userId));
}

/** Options for adding a passkey (the caller checked step-up: adding a factor); the user's own are excluded. */
export async function beginPasskeyRegistration(store: Store, input: BeginPasskeyInput) {
  const user = findUser(store.sql, input.userId);
  if (!user) return fail("not_found");
  const enrolling = input.enrollChallengeId;
  // At sign-in, only for a live enrollment challenge of this (active) user; the options are bound to it.
  if (enrolling && !enrollmentOpen(store.sql, enrolling, user.id, nowMs())) return fail("invalid_challenge");
  const options = await registrationOptions(input.rp, user, credentialRefs(store.sql, user.id));
  const now = nowMs();
  return store.tx(() => {
    const closed = refuseClosedSession(store.sql, input.sessionTokenHash, user.id);
    if (closed) return closed;
    saveWebauthnChallenge(store.sql, options.challenge, "register", user.id, enrolling ?? null, now);
    return ok(options);
  });
}

/**
 * Stores the new passkey once its answer is verified for this RP and a live registration challenge of this user.
 * The first second factor (no TOTP, no passkey yet) also stores the recovery codes made at the edge, and signs
 * out the user's other sessions, as turning on TOTP does.
 */
export async function finishPasskeyRegistration(
  store: Store,
  input: FinishPasskeyInput,
): Promise<
  Result<
    { passkey: PasskeyInfo; firstFactor: boolean },
    "passkey_unverified" | "passkey_request_expired" | "invalid_challenge" | "already_enrolled" | "not_found" | "step_up_required"
  >
> {
  const { sql } = store;
  const challenge = challengeOf(input.response);
  const live = challenge ? liveWebauthnChallenge(sql, challenge, "register", input.userId, nowMs()) : undefined;
  const cred = live && challenge ? await checkRegistration(input.rp, input.response, challenge) : null;
  const now = nowMs();
  return store.tx(() => {
    const user = findUser(sql, input.userId);
    if (!user) return fail("not_found");
    const live = challenge ? liveWebauthnChallenge(sql, challenge, "register", user.id, now) : undefined;
    const via = input.via;
    // A sign-in's enrollment whose request is gone is over (sign in again); a session only asks again.
    const expired = via ? ("invalid_challenge" as const) : ("passkey_request_expired" as const);
    if (!challenge || !live) return fail(expired);
    // Registration options made for a session never serve a sign-in's enrollment, nor the other way round.
    if ((live.sign_in_id ?? null) !== (via?.challengeId ?? null)) return fail(expired);
    if (via && !enrollmentOpen(sql, via.challengeId, user.id, now)) return fail("invalid_challenge");
    // From a session, that session must still stand as the edge saw it (not signed out or closed meanwhile): it is
    // what a first factor replaces below, and it is never brought back as a fresh one.
    const closed = via ? null : refuseClosedSession(sql, input.keepSession, user.id);
    if (closed) return closed;
    spendWebauthnChallenge(sql, challenge, now);
    if (!cred) return fail("passkey_unverified");
    if (passkeyByCredential(sql, cred.credentialId)) return fail("already_enrolled");
    const firstFactor = !hasSecondFactor(sql, user.id);
    const row = insertPasskey(sql, user.id, cred, input.name, now);
    recordEvent(
      sql,
      { type: "passkey.added", actor: { type: "user", ...who(user) }, subject: who(user), meta: input.meta, detail: { passkey: row.id } },
      now,
    );
    if (firstFactor) {
      replaceRecoveryCodes(sql, user.id, input.recoveryCodeHashes, now);
      // From a session, as turning on TOTP does (two-factor.ts confirmEnrollment): every browser of the user is
      // signed out, this one included, and this one gets a new token (docs/api.md), so a token that leaked before
      // 2FA existed is worth nothing after. Enrollment at sign-in keeps sessions from before enforcement, stale.
      if (!via) replaceSession(store, user.id, input.keepSession, input.newSessionTokenHash, input.meta, now);
      else closeOtherWaysIn(sql, user.id, now);
      recordEvent(
        sql,
        {
          type: "2fa.enabled",
          actor: { type: "user", ...who(user) },
          subject: who(user),
          meta: input.meta,
          detail: { method: "webauthn" },
        },
        now,
      );
      notifyUser(sql, user, { type: "2fa.enabled", method: "passkey" }, now);
    } else {
      // A passkey is a whole sign-in: its owner hears of every one added, as of a new factor.
      notifyUser(sql, user, { type: "passkey.added", name: row.name }, now);
    }
    if (via) {
      // The sign-in's enrollment challenge is spent with the insert; the session starts with the passkey in place.
      spendChallenge(sql, via.challengeId, now);
      startSession(store, user, input.newSessionTokenHash, input.meta, now, "enrollment");
      // The session's amr says what it was made with: the password and the passkey just registered, never "otp".
      setSessionAmr(sql, input.newSessionTokenHash, amrOf(row, "second_step"));
    }
    return ok({ passkey: passkeyInfo(row), firstFactor });
  });
}

/** Every session of the user ends; the asking one goes on under a new token, with its sign-in's time and amr. */
function replaceSession(store: Store, userId: string, oldHash: string, newHash: string, meta: RequestMeta, now: number) {
  const before = sessionRow(store.sql, oldHash);
  revokeUserSessions(store.sql, userId);
  // As fresh as the session it replaces (a role change keeps it too): registering proves no factor the user had.
  createSession(store.sql, newHash, userId, now, sessionPolicy(store.env), meta, before?.verified_at ?? 0);
  carrySignIn(store.sql, before, newHash);
}

export function listPasskeys(store: Store, userId: string): PasskeyInfo[] {
  return userPasskeys(store.sql, userId).map(passkeyInfo);
}

export function renamePasskey(store: Store, input: RenamePasskeyInput): Result<PasskeyInfo, "not_found"> {
  const { sql } = store;
  const now = nowMs();
  return store.tx(() => {
    const user = findUser(sql, input.userId);
    if (!user || !renameRow(sql, user.id, input.id, input.name)) return fail("not_found");
    recordEvent(
      sql,
      {
        type: "passkey.renamed",
        actor: { type: "user", ...who(user) },
        subject: who(user),
        meta: input.meta,
        detail: { passkey: input.id },
      },
      now,
    );
    return ok(passkeyInfo(passkeyById(sql, user.id, input.id) as NonNullable<ReturnType<typeof passkeyById>>));
  });
}

/**
 * Removes one passkey (the caller checked step-up). The last second factor cannot go while the org requires 2FA;
 * when it goes, the recovery codes go with it (they stand in for a factor that no longer exists).
 */
export function removePasskey(
  store: Store,
  input: PasskeyChangeInput,
): Result<{ credentialId: string }, "not_found" | "enforced_by_org" | "step_up_required"> {
  const { sql } = store;
  const now = nowMs();
  return store.tx(() => {
    const user = findUser(sql, input.userId);
    const row = user ? passkeyById(sql, user.id, input.id) : undefined;
    if (!user || !row) return fail("not_found");
    // A factor goes only from a session that still stands as the edge saw it when it checked the step-up.
    const closed = refuseClosedSession(sql, input.keepSession, user.id);
    if (closed) return closed;
    const last = !activeTotp(sql, user.id) && countPasskeys(sql, user.id) === 1;
    if (last && secondFactorRequired(sql)) return fail("enforced_by_org");
    deletePasskey(sql, user.id, row.id);
    recordEvent(
      sql,
      { type: "passkey.removed", actor: { type: "user", ...who(user) }, subject: who(user), meta: input.meta, detail: { passkey: row.id } },
      now,
    );
    if (last) {
      deleteRecoveryCodes(sql, user.id);
      // 2FA is off: every other session ends, as when the app goes (two-factor.ts disableTwoFactor).
      revokeUserSessions(sql, user.id, input.keepSession);
      recordEvent(
        sql,
        {
          type: "2fa.disabled",
          actor: { type: "user", ...who(user) },
          subject: who(user),
          meta: input.meta,
          detail: { method: "webauthn" },
        },
        now,
      );
      notifyUser(sql, user, { type: "2fa.disabled" }, now);
    } else {
      notifyUser(sql, user, { type: "passkey.removed", name: row.name }, now);
    }
    return ok({ credentialId: row.credential_id });
  });
}

/**
 * Deletes every passkey of a user (deactivation, removal, an admin's reset) inside the caller's transaction, and
 * returns their credential ids: the caller must then free their directory entries (flows/passkeys.ts).
 */
export function deleteAllPasskeys(sql: SqlStorage, userId: string): string[] {
  return deleteUserPasskeys(sql, userId);
}
