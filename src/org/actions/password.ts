// Changing one's password: the current password is checked at the edge (the KDF never runs in the object);
// the outcome is decided here, counted toward the lockout like a sign-in, and every other session is revoked.
import { nowMs } from "../../clock";
import { recordEvent } from "../audit";
import { notifyUser } from "../notify";
import { revokeUserChallenges } from "../challenges";
import { revokeUserPairings } from "../pairing";
import { type Result, fail, ok } from "../results";
import type { LockFailure } from "./failures";
import { settlePasswordCheck } from "./sign-in";
import { revokeUserSessions } from "../sessions";
import { refuseClosedSession } from "./access";
import type { Store } from "../store";
import { findUser, setPasswordHash } from "../users";
import type { ChangePasswordInput } from "../rpc";

export function changePassword(
  store: Store,
  input: ChangePasswordInput,
): Result<null, "invalid_credentials" | "account_deactivated" | LockFailure | "not_found" | "step_up_required"> {
  const now = nowMs();
  const { sql } = store;
  return store.tx(() => {
    const user = findUser(sql, input.userId);
    if (!user) return fail("not_found");
    // A closed session changes no password on the strength of the password alone: it would sign the owner out and
    // lock them out of their own password (attacker review).
    const closed = refuseClosedSession(sql, input.keepSession, user.id);
    if (closed) return closed;
    const checked = settlePasswordCheck(
      store,
      user,
      { checkedHash: input.checkedHash, passed: input.currentOk, failure: "wrong_current_password", meta: input.meta },
      now,
    );
    if (!checked.ok) return checked;
    setPasswordHash(sql, user.id, input.newHash);
    // A password change signs out every other browser (OWASP ASVS 3.3.3): a thief's session dies with it.
    revokeUserSessions(sql, user.id, input.keepSession);
    // A sign-in half done with the old password (a challenge, a pairing link) dies with it too.
    revokeUserChallenges(sql, user.id, now);
    revokeUserPairings(sql, user.id, now);
    const actor = { type: "user" as const, id: user.id, label: user.email };
    recordEvent(sql, { type: "user.password_changed", actor, subject: { id: user.id, label: user.email }, meta: input.meta }, now);
    notifyUser(sql, user, { type: "password.changed" }, now);
    return ok(null);
  });
}
