// The one place that checks a second factor for a user: a TOTP code (of the active secret, or of the pending one
// being confirmed), a recovery code or a passkey assertion (verify-passkey.ts). Every action that spends a factor calls it. Decrypting
// is async, so `readyFactor` runs before the transaction and `verifyFactor`, inside it, re-reads the secret and
// refuses if it changed. Rules, in order: a lock refuses everything (NIST SP 800-63B 5.2.2); a used time step or
// recovery code is refused (RFC 6238 5.2); a wrong answer is counted and audited toward the user's locks (and the
// attempt's own counter: a challenge, a link); a right one is spent and ends the run of failures.
import { matchSteps } from "../../totp";
import { recordEvent } from "../audit";
import { recordSuccess } from "../lockout";
import { spendRecoveryCode } from "../recovery-codes";
import { fail, ok, type RequestMeta, type Result } from "../results";
import type { Store } from "../store";
import { activeTotp, markStepsUsed, pendingTotp, readSecret, sameSecret, stepUsed, type TotpRow, UNREADABLE } from "../totp-state";
import type { UserRow } from "../users";
import { hasSecondFactor } from "../factors";
import type { PasskeyRow } from "../passkeys";
import { countFailure, type LockFailure, refuseWhileLocked } from "./failures";
import { type PasskeyFactor, type ReadyPasskey, readyPasskey, verifyPasskey } from "./verify-passkey";

/** A second factor as presented: a TOTP code for the active or the pending secret, or a recovery code's keyed hash. */
export type SecondFactor =
  | { kind: "totp"; code: string; secret: "active" | "pending" }
  | { kind: "recovery_code"; codeHash: string }
  | PasskeyFactor;

/** A factor with what had to be read before the transaction: the TOTP row and its decrypted secret. */
export interface ReadyFactor {
  factor: SecondFactor;
  row?: TotpRow | undefined;
  secret?: string | null;
  passkey?: ReadyPasskey;
}

export type VerifyFailure = "invalid_code" | "invalid_challenge" | "not_enrolled" | "not_pending" | LockFailure;

function totpRow(store: Store, userId: string, which: "active" | "pending", now: number): TotpRow | undefined {
  return which === "active" ? activeTotp(store.sql, userId) : pendingTotp(store.sql, userId, now);
}

/** Before the transaction: decrypts the TOTP secret; a secret that exists but cannot be read fails closed. */
export async function readyFactor(
  store: Store,
  userId: string,
  factor: SecondFactor,
  now: number,
): Promise<Result<ReadyFactor, "unavailable">> {
  if (factor.kind === "webauthn") return ok({ factor, passkey: await readyPasskey(store, userId, factor, now) });
  if (factor.kind !== "totp") return ok({ factor });
  const row = totpRow(store, userId, factor.secret, now);
  const secret = await readSecret(store.env.TOTP_KEYS, row);
  if (secret === UNREADABLE) return fail("unavailable");
  return ok({ factor, row, secret });
}

/** Counts a wrong second factor against the user (and the attempt, through `onWrong`); may lock the account. */
function countWrong(store: Store, user: UserRow, meta: RequestMeta, now: number, onWrong?: () => void): void {
  onWrong?.();
  const who = { id: user.id, label: user.email };
  recordEvent(store.sql, { type: "2fa.code_failed", actor: { type: "user", ...who }, subject: who, meta }, now);
  countFailure(store, user, "code", meta, now);
}

/**
 * Inside the transaction: checks and spends the factor. `step` is the TOTP time step accepted (the caller stores
 * it with a pending secret it activates); an active secret's step is stored here, so it cannot be used again.
 */
export function verifyFactor(
  store: Store,
  user: UserRow,
  ready: ReadyFactor,
  meta: RequestMeta,
  now: number,
  onWrong?: () => void,
): Result<{ steps: number[] | null; passkey?: PasskeyRow }, VerifyFailure> {
  const locked = refuseWhileLocked(user, now);
  if (locked) return locked;
  const { factor } = ready;
  if (factor.kind === "webauthn") {
    if (!ready.passkey) return fail("invalid_challenge");
    const checked = verifyPasskey(store, user, factor, ready.passkey, meta, now, () => countWrong(store, user, meta, now, onWrong));
    if (!checked.ok) return checked;
    recordSuccess(store.sql, user.id, "code");
    return ok({ steps: null, passkey: checked.value });
  }
  if (factor.kind === "recovery_code") {
    if (!hasSecondFactor(store.sql, user.id)) return fail("not_enrolled");
    if (!spendRecoveryCode(store.sql, user.id, factor.codeHash, now)) {
      countWrong(store, user, meta, now, onWrong);
      return fail("invalid_code");
    }
    recordSuccess(store.sql, user.id, "code");
    return ok({ steps: null });
  }
  const current = totpRow(store, user.id, factor.secret, now);
  // Changed since it was decrypted (a reset, a new setup): what was read says nothing about it.
  if (!current || !ready.row || !ready.secret || !sameSecret(current, ready.row)) {
    return fail(factor.secret === "active" ? "not_enrolled" : "not_pending");
  }
  const active = factor.secret === "active";
  const steps = matchSteps(ready.secret, factor.code, now, current.period, (step) => active && stepUsed(current, step));
  if (steps === null) {
    countWrong(store, user, meta, now, onWrong);
    return fail("invalid_code");
  }
  if (active) markStepsUsed(store.sql, current, steps);
  recordSuccess(store.sql, user.id, "code");
  return ok({ steps });
}
