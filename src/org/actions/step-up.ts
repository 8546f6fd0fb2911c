// Step-up ("sudo mode", docs/api.md): a current second factor, or for a user without one the password, checked now
// for a live session, which then counts as freshly verified. Wrong proofs count toward the same locks as sign-in.
import { nowMs } from "../../clock";
import { type Result, fail, ok } from "../results";
import { findLiveSession, markSessionVerified, sessionPolicy } from "../sessions";
import type { Store } from "../store";
import { readOrg } from "../settings";
import { hasSecondFactor } from "../factors";
import { findUser } from "../users";
import type { LockFailure } from "./failures";
import { settlePasswordCheck } from "./sign-in";
import { withCurrentCode } from "./two-factor";
import type { StepUpInput } from "../rpc";

type StepUpFailure =
  | "invalid_code"
  | "invalid_credentials"
  | "account_deactivated"
  | "not_enrolled"
  | "not_found"
  | LockFailure
  | "unavailable";

export async function stepUp(store: Store, input: StepUpInput): Promise<Result<null, StepUpFailure | "enforced_by_org">> {
  const { sql } = store;
  const sessionAlive = (now: number) =>
    findLiveSession(sql, input.sessionTokenHash, now, sessionPolicy(store.env))?.user_id === input.userId;
  const { proof } = input;
  if ("code" in proof) {
    return withCurrentCode(
      store,
      { userId: input.userId, code: proof.code, meta: input.meta },
      (user, now) => markSessionVerified(sql, input.sessionTokenHash, user.id, now),
      () => (sessionAlive(nowMs()) ? null : "not_found"),
    );
  }
  const now = nowMs();
  return store.tx(() => {
    const user = findUser(sql, input.userId);
    if (!user || !sessionAlive(now)) return fail("not_found");
    // A password is a step-up only for someone without a second factor: otherwise it would skip that factor.
    if (hasSecondFactor(sql, user.id)) return fail("not_enrolled");
    // Where the org requires 2FA, a password-only session is one from before enforcement: it may set up its
    // factor, not mint a credential (a year-long key) that would never meet one.
    if (input.purpose !== "enroll" && readOrg(sql)?.require2fa) return fail("enforced_by_org");
    const checked = settlePasswordCheck(store, user, { ...proof, failure: "wrong_step_up_password", meta: input.meta }, now);
    if (!checked.ok) return checked;
    // A password that opens a first factor's setup is spent on that setup: it does not make the session fresh for
    // other step-up actions, which would otherwise follow without a factor where the org requires one.
    if (input.purpose !== "enroll") markSessionVerified(sql, input.sessionTokenHash, user.id, now);
    return ok(null);
  });
}
