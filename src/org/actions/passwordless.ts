// A whole sign-in with a passkey (no password): the assertion, with user verification, of a passkey this user holds,
// answering a challenge the edge made (flows/passwordless.ts), which is recorded and spent here once. The org's
// rules hold as for a password: the 15-minute lock refuses first, the lasting lock only a valid passkey (423).
import { nowMs } from "../../clock";
import { recordEvent } from "../audit";
import { lockedFor, lockedOut, recordSuccess } from "../lockout";
import { fail, ok, type Result } from "../results";
import type { PasswordlessInput } from "../rpc";
import type { Store } from "../store";
import { findUser } from "../users";
import type { LockFailure } from "./failures";
import { countFailure } from "./failures";
import { refuseDeactivated, startSession } from "./sign-in";
import { type PasskeyFactor, readyPasskey, verifyPasskey } from "./verify-passkey";
import { setSessionAmr } from "../oidc-store";
import { amrOf } from "./session-amr";

export async function completePasswordlessSignIn(
  store: Store,
  input: PasswordlessInput,
): Promise<Result<null, "invalid_credentials" | "account_deactivated" | LockFailure>> {
  const { sql } = store;
  // First sight of the challenge in this org: recorded unspent (a second sight finds it, spent or not).
  store.tx(() => {
    sql.exec(
      "INSERT OR IGNORE INTO webauthn_challenges (challenge, user_id, purpose, sign_in_id, expires_at) VALUES (?, NULL, 'passwordless', NULL, ?)",
      input.challenge,
      input.expiresAt,
    );
  });
  const factor: PasskeyFactor = { kind: "webauthn", response: input.response, rp: input.rp, purpose: "passwordless" };
  const ready = await readyPasskey(store, input.userId, factor, nowMs());
  const now = nowMs();
  return store.tx(() => {
    const user = findUser(sql, input.userId);
    if (!user) return fail("invalid_credentials");
    const seconds = lockedFor(user, now);
    if (seconds) return fail("too_many_attempts", seconds);
    const checked = verifyPasskey(store, user, factor, ready, input.meta, now, () => {
      // Anyone may try a passkey sign-in, as anyone may try a password: it counts like a wrong password (the
      // 15-minute lock), never toward the lasting lock, which only second factors after a password reach.
      const who = { id: user.id, label: user.email };
      recordEvent(
        sql,
        { type: "login.failed", actor: { type: "user", ...who }, subject: who, meta: input.meta, detail: { reason: "passkey" } },
        now,
      );
      countFailure(store, user, "password", input.meta, now);
    });
    if (!checked.ok) return fail("invalid_credentials");
    // Like the right password: the passkey proved who it is, and the account is closed.
    if (user.deactivated_at !== null) return refuseDeactivated(store, user, input.meta, now);
    if (lockedOut(user)) return fail("account_locked");
    recordSuccess(sql, user.id, "password");
    startSession(store, user, input.sessionTokenHash, input.meta, now, "passkey");
    setSessionAmr(sql, input.sessionTokenHash, amrOf(checked.value, "passwordless"));
    return ok(null);
  });
}
