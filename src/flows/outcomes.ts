// The one mapping from the org object's failure reasons to API errors: an exhaustive switch, so a reason added to
// org/results.ts without a status here does not compile. The error keeps its reason for the pages' words.
import { ApiError } from "../errors";
import type { Reason } from "../org/results";

/** The wire error for a reason (docs/api.md codes), carrying the reason itself. */
export function errorFor(reason: Reason, retryAfterSeconds?: number): ApiError {
  const error = (code: ConstructorParameters<typeof ApiError>[0], message?: string) =>
    new ApiError(code, message, retryAfterSeconds, reason);
  switch (reason) {
    case "invalid_credentials":
    case "invalid_code":
    case "already_enrolled":
    case "not_found":
    case "forbidden":
    case "step_up_required":
    case "account_locked":
    case "account_deactivated":
    case "too_many_attempts":
    case "passkey_required":
      return error(reason);
    // The contract's 409 codes are conflict, enforced_by_org and already_enrolled: "not enabled" is a conflict.
    case "not_enrolled":
      return error("conflict", "Two-factor authentication is not enabled.");
    case "own_account":
      return error("conflict", "You cannot do this to your own account: another admin must do it.");
    case "org_exists":
      return error("conflict", "An org with this slug already exists.");
    case "email_taken":
      return error("conflict", "This email is already in use.");
    case "last_admin":
      return error("conflict", "An org must keep at least one admin.");
    case "invalid_challenge":
      return error("invalid_code", "This sign-in attempt is no longer valid. Sign in again.");
    // A passkey's answer is no code: the contract's code stays, the words say what failed.
    case "passkey_unverified":
      return error("invalid_code", "The passkey could not be verified: it may belong to another account or site. Try again.");
    case "passkey_request_expired":
      return error("invalid_code", "This request to add a passkey expired or was already used. Try again.");
    case "not_pending":
      return error(
        "conflict",
        "There is no two-factor setup waiting to be confirmed (it expired after 15 minutes or was replaced). Start it again.",
      );
    case "invalid_pairing":
      return error("not_found", "This setup link is not valid: it was used, replaced or has expired. Ask for a new one.");
    case "enforced_by_org":
      return error("enforced_by_org", "Your organization requires two-factor authentication, so it cannot be disabled.");
    case "invalid_link":
      // One answer for an unknown, spent, revoked, replaced or expired link: nothing tells them apart.
      return error("invalid_code", "This link is not valid: it was used, revoked or has expired. Ask for a new one.");
    case "already_invited":
      return error("conflict", "There is already a pending invite for this email: resend it or revoke it.");
    case "already_submitted":
      // A page form sent again (a reload): what it made was shown in the answer to its first sending only.
      return error("conflict", "This form was already sent: what it made was shown once, in the answer to that first sending.");
    case "form_expired":
      return error("invalid_request", "This form is too old to be sent: open the page again and fill it in.");
    case "invalid_period":
      return error("invalid_request", "Field 'totpPeriod' must be 30 or 60.");
    case "unavailable":
      // The stored secret could not be read: the check fails closed, and it is our fault, not the user's.
      return error("internal_error", "Two-factor verification is unavailable right now. Try again later.");
  }
}

/** Unwraps a Result from the org's object, or throws the matching ApiError. */
export function unwrap<T>(result: { ok: true; value: T } | { ok: false; reason: Reason; retryAfterSeconds?: number }): T {
  if (result.ok) return result.value;
  throw errorFor(result.reason, result.retryAfterSeconds);
}

/**
 * unwrap, where the org's object answers step_up_required because the asking session was closed by a first factor
 * set up elsewhere (org/sessions.ts): the words say what to do instead (sign in again with that factor).
 */
export function unwrapFromSession<T>(
  result: { ok: true; value: T } | { ok: false; reason: Reason; retryAfterSeconds?: number },
  closedWords: string,
): T {
  if (!result.ok && result.reason === "step_up_required") throw new ApiError("step_up_required", closedWords);
  return unwrap(result);
}
