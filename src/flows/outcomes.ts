// The one mapping from the org object's failure reasons to API errors.
import { ApiError } from "../errors";

const MESSAGES: Record<string, ConstructorParameters<typeof ApiError>> = {
  invalid_credentials: ["invalid_credentials"],
  invalid_code: ["invalid_code"],
  invalid_challenge: ["invalid_code", "This sign-in attempt is no longer valid. Sign in again."],
  not_pending: ["conflict", "Start two-factor setup first."],
  invalid_pairing: ["not_found", "This setup link is not valid: it was used, replaced or has expired. Ask for a new one."],
  not_enrolled: ["not_enrolled"],
  already_enrolled: ["already_enrolled"],
  enforced_by_org: ["enforced_by_org", "Your organization requires two-factor authentication, so it cannot be disabled."],
  not_found: ["not_found"],
  conflict: ["conflict"],
  forbidden: ["forbidden"],
  step_up_required: ["step_up_required"],
  account_locked: ["account_locked"],
  invalid_period: ["invalid_request", "Field 'totpPeriod' must be 30 or 60."],
  // The stored secret could not be read: the check fails closed, and it is our fault, not the user's.
  unavailable: ["internal_error", "Two-factor verification is unavailable right now. Try again later."],
};

/** Unwraps a Result from the org's object, or throws the matching ApiError. */
export function unwrap<T>(result: { ok: true; value: T } | { ok: false; reason: string; retryAfterSeconds?: number }): T {
  if (result.ok) return result.value;
  if (result.reason === "too_many_attempts") throw new ApiError("too_many_attempts", undefined, result.retryAfterSeconds);
  const [code, message] = MESSAGES[result.reason] ?? ["internal_error"];
  throw new ApiError(code, message);
}
