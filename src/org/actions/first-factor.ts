// A user's first second factor, set up at a sign-in (forced by require2fa or an application's MFA): the sessions
// they already had keep working (enforcing 2FA signs no one out), but nothing that was started before on the
// strength of the password alone may finish after it. Runs inside the enrolling transaction.
import { revokeEmailChange } from "../email-links";
import { revokeUserGrants } from "../oidc-store";
import { deletePendingTotp } from "../totp-state";
import { staleOtherSessions } from "../sessions";
import { spendSessionRegistrations } from "../webauthn-challenges";

export function closeOtherWaysIn(sql: SqlStorage, userId: string, now: number): void {
  // Each older session steps up with the new factor from now on, never with the password it was opened with.
  staleOtherSessions(sql, userId);
  // An authenticator app set up elsewhere and not yet confirmed (a session's confirm asks for no step-up), and an
  // "Add a passkey" a session began (its finish asks for none either): both were opened by a password alone.
  deletePendingTotp(sql, userId);
  spendSessionRegistrations(sql, userId, now);
  // A change of address a session asked for (its link is in someone's mailbox, on the password alone).
  revokeEmailChange(sql, userId, now);
  // What applications hold from those sessions (30-day refresh tokens), as enabling 2FA from a session ends it.
  revokeUserGrants(sql, userId, now);
}
