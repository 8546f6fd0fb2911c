// A passkey as a second factor (or a whole sign-in): the assertion's signature, origin and RP ID are verified
// before the transaction (WebCrypto is async); inside it, the challenge is spent first (so twenty copies of one
// assertion give one success), then the credential is re-read (a passkey removed meanwhile is refused) and its
// counter compared: one that does not move forward is a cloned authenticator, refused and audited.
import {
  type AuthenticationResponseJSON,
  type CheckedAssertion,
  checkAssertion,
  challengeOf,
  counterRegressed,
  type RelyingParty,
} from "../../webauthn";
import { recordEvent } from "../audit";
import { markPasskeyUsed, passkeyByCredential, type PasskeyRow, transportsOf } from "../passkeys";
import { fail, ok, type RequestMeta, type Result } from "../results";
import type { Store } from "../store";
import type { UserRow } from "../users";
import { liveWebauthnChallenge, spendWebauthnChallenge, type WebauthnPurpose } from "../webauthn-challenges";

/** A passkey assertion as presented: the challenge it must answer is of `purpose` (and, at sign-in, of `signInId`). */
export interface PasskeyFactor {
  kind: "webauthn";
  response: AuthenticationResponseJSON;
  rp: RelyingParty;
  purpose: WebauthnPurpose;
  signInId?: string;
}

/** What was verified before the transaction. */
export interface ReadyPasskey {
  challenge: string | null;
  credentialId: string | null;
  publicKey: string | null;
  checked: CheckedAssertion | null;
}

/** Before the transaction: the assertion verified against the stored key of `userId`'s passkey (null: any user's). */
export async function readyPasskey(store: Store, userId: string | null, factor: PasskeyFactor, now: number): Promise<ReadyPasskey> {
  const challenge = challengeOf(factor.response);
  const row = typeof factor.response.id === "string" ? passkeyByCredential(store.sql, factor.response.id) : undefined;
  const owned = row && (userId === null || row.user_id === userId) ? row : undefined;
  const challengeUser = factor.purpose === "passwordless" ? null : userId;
  const live = challenge ? liveWebauthnChallenge(store.sql, challenge, factor.purpose, challengeUser, now) : undefined;
  const checked =
    owned && live && challenge
      ? await checkAssertion(
          factor.rp,
          factor.response,
          challenge,
          { credentialId: owned.credential_id, publicKey: owned.public_key, transports: transportsOf(owned) },
          factor.purpose === "passwordless",
        )
      : null;
  return { challenge, credentialId: owned?.credential_id ?? null, publicKey: owned?.public_key ?? null, checked };
}

/**
 * Inside the transaction. "invalid_challenge": no live challenge of this purpose (spent, expired, another user's or
 * sign-in's): not counted, since it proves nothing either way. "invalid_code": a wrong answer, counted by `countWrong`.
 */
export function verifyPasskey(
  store: Store,
  user: UserRow,
  factor: PasskeyFactor,
  ready: ReadyPasskey,
  meta: RequestMeta,
  now: number,
  countWrong: () => void,
): Result<PasskeyRow, "invalid_code" | "invalid_challenge"> {
  const { sql } = store;
  const live = ready.challenge
    ? liveWebauthnChallenge(sql, ready.challenge, factor.purpose, factor.purpose === "passwordless" ? null : user.id, now)
    : undefined;
  if (!live || !ready.challenge || (factor.signInId !== undefined && live.sign_in_id !== factor.signInId)) return fail("invalid_challenge");
  // Spent whatever the answer: a challenge is good for one try.
  if (!spendWebauthnChallenge(sql, ready.challenge, now)) return fail("invalid_challenge");
  const row = ready.credentialId ? passkeyByCredential(sql, ready.credentialId) : undefined;
  // Removed since it was read, never this user's, or the signature did not verify: a wrong factor.
  if (!row || row.user_id !== user.id || row.public_key !== ready.publicKey || !ready.checked) {
    countWrong();
    return fail("invalid_code");
  }
  if (counterRegressed(row.sign_count, ready.checked.signCount)) {
    const who = { id: user.id, label: user.email };
    recordEvent(
      sql,
      {
        type: "passkey.counter_regressed",
        actor: { type: "user", ...who },
        subject: who,
        meta,
        detail: { passkey: row.id, stored: row.sign_count, presented: ready.checked.signCount },
      },
      now,
    );
    countWrong();
    return fail("invalid_code");
  }
  markPasskeyUsed(sql, row.id, ready.checked.signCount, ready.checked.backedUp, now);
  return ok(row);
}
