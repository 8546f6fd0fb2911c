// The one error type of the API and its single mapping to docs/api.md's JSON shape.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Reason } from "./org/results";

const STATUS = {
  invalid_request: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  invalid_code: 401,
  forbidden: 403,
  step_up_required: 403,
  account_deactivated: 403,
  passkey_required: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  enforced_by_org: 409,
  already_enrolled: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  account_locked: 423,
  too_many_attempts: 429,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof STATUS;

const DEFAULT_MESSAGE: Record<ErrorCode, string> = {
  invalid_request: "The request is not valid.",
  unauthenticated: "Sign in first.",
  invalid_credentials: "The email or password is incorrect.",
  invalid_code: "The code is incorrect or has expired.",
  forbidden: "You are not allowed to do this.",
  // Every way to step up, for every kind of user (docs/api.md): the answer does not know which one the caller has.
  step_up_required:
    "Confirm it's you: send a current code from your authenticator app as 'code', or your passkey's answer to POST /api/me/step-up/passkey as 'webauthn', or, without a second factor, your password as 'password'; or sign in again.",
  account_deactivated: "This account is deactivated. Ask an admin of your organization.",
  passkey_required:
    "Your organization requires phishing-resistant sign-in: finish signing in with your passkey (a code or a recovery code does not).",
  not_found: "Not found.",
  method_not_allowed: "This method is not allowed here.",
  conflict: "This conflicts with what already exists.",
  enforced_by_org: "Your organization requires two-factor authentication.",
  already_enrolled: "Two-factor authentication is already enabled.",
  payload_too_large: "The request body is too large.",
  unsupported_media_type: "Send JSON (Content-Type: application/json).",
  account_locked: "This account is locked after too many wrong codes. Ask an admin of your organization to unlock it.",
  too_many_attempts: "Too many attempts. Try again later.",
  internal_error: "Something went wrong on our side.",
};

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly retryAfterSeconds?: number,
    /** The org object's reason, when the error came from one (flows/outcomes.ts): the pages' words are keyed by it. */
    readonly reason?: Reason,
  ) {
    super(message ?? DEFAULT_MESSAGE[code]);
    this.name = "ApiError";
  }

  get status(): (typeof STATUS)[ErrorCode] {
    return STATUS[this.code];
  }
}

export function defaultMessage(code: ErrorCode): string {
  return DEFAULT_MESSAGE[code];
}

/** Serializes an ApiError; the only place an error becomes a response. */
export function errorResponse(err: ApiError): Response {
  const headers = new Headers({ "content-type": "application/json; charset=utf-8" });
  if (err.retryAfterSeconds !== undefined) headers.set("retry-after", String(Math.max(1, Math.ceil(err.retryAfterSeconds))));
  return new Response(JSON.stringify({ error: { code: err.code, message: err.message } }), {
    status: err.status,
    headers,
  });
}

/** Hono onError: known errors keep their code; anything else is a 500 without details. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof HTTPException) {
    if (err.status === 413) return new ApiError("payload_too_large");
    if (err.status === 401) return new ApiError("unauthenticated");
    if (err.status === 403) return new ApiError("forbidden", "The request's origin is not allowed.");
    if (err.status === 400) return new ApiError("invalid_request", err.message || undefined);
    if (err.status === 404) return new ApiError("not_found");
  }
  // Never send a stack or message of an unexpected error to the client.
  console.error("unhandled error", err instanceof Error ? `${err.name}: ${err.message}` : typeof err);
  return new ApiError("internal_error");
}

export function onError(err: unknown, _c: Context): Response {
  return errorResponse(toApiError(err));
}
