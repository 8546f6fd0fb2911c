// Shared request fields: one definition each, used by every route and page.
import { z } from "zod";
import { PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS, TOTP_PERIODS_SECONDS } from "../constants";
import { JURISDICTIONS } from "../org/stub";

export const slug = z.string().regex(/^[a-z0-9-]{3,40}$/, "must be 3-40 lowercase letters, digits or '-'");

/** Emails are unique across the deployment, compared case-insensitively. */
export const email = z.string().trim().max(254).pipe(z.email("must be an email address"));

/**
 * The operator code typed at sign-in (`org` of POST /auth/login and the sign-in page) is a slug, and slugs are
 * lowercase: "Acme " names the org "acme", as an email is compared in any case.
 */
export function normalizeOperatorCode(value: string): string {
  return value.trim().toLowerCase();
}

/** NIST SP 800-63B 5.1.1.2: any Unicode, normalised (NFKC), counted in characters. */
export const password = z.string().refine(
  (p) => {
    const n = [...p.normalize("NFKC")].length;
    return n >= PASSWORD_MIN_CHARS && n <= PASSWORD_MAX_CHARS;
  },
  { message: `must be ${PASSWORD_MIN_CHARS} to ${PASSWORD_MAX_CHARS} characters` },
);

/**
 * Words shown to other people and quoted in mail, the audit log or on the sign-in page (a person's, an org's, a key's,
 * a passkey's, an application's name): one line, with no control characters, line or paragraph separators, or
 * direction marks and overrides, which would let whoever typed it dress up the words around it.
 */
const ONE_PLAIN_LINE = /^[^\p{Cc}\p{Zl}\p{Zp}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]*$/u;
const ONE_PLAIN_LINE_MESSAGE = "must not contain line breaks or control characters";

/** A name that must not be empty. */
export const shownName = (max: number) => z.string().trim().min(1).max(max).regex(ONE_PLAIN_LINE, ONE_PLAIN_LINE_MESSAGE);
/** A person's name, which may be left empty (it is optional everywhere). */
export const personName = z.string().trim().max(200).regex(ONE_PLAIN_LINE, ONE_PLAIN_LINE_MESSAGE);
export const role = z.enum(["technician", "admin"]);
export const jurisdiction = z.enum(JURISDICTIONS);
export const totpPeriod = z.union(TOTP_PERIODS_SECONDS.map((p) => z.literal(p)) as [z.ZodLiteral<30>, z.ZodLiteral<60>]);

/** A TOTP code as typed: spaces are tolerated ("123 456"). */
export const totpCode = z
  .string()
  .max(32)
  // As some apps show it ("123 456") or people paste it ("123-456").
  .transform((s) => s.replace(/[\s-]+/g, ""));

/** A recovery code as typed; normalised later (case, dashes and spaces ignored). */
export const recoveryCode = z.string().max(64);
export const challenge = z.string().min(1).max(2048);
export const id = z.string().min(1).max(100);

const b64url = z
  .string()
  .max(16_384)
  .regex(/^[A-Za-z0-9_-]*$/, "must be base64url");

/** A WebAuthn credential as @simplewebauthn/browser sends it; the library checks the rest. */
export const webauthnCredential = <R extends z.ZodRawShape>(response: R) =>
  z.object({
    id: b64url.min(1).max(1024),
    rawId: b64url.min(1).max(1024),
    type: z.literal("public-key"),
    response: z.object({ clientDataJSON: b64url, ...response }),
    clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
    authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
  });

export const registrationResponse = webauthnCredential({
  attestationObject: b64url,
  transports: z.array(z.string().max(32)).max(10).optional(),
  publicKey: b64url.optional(),
  publicKeyAlgorithm: z.number().int().optional(),
  authenticatorData: b64url.optional(),
});
export const authenticationResponse = webauthnCredential({
  authenticatorData: b64url,
  signature: b64url,
  userHandle: b64url.optional(),
});

/**
 * Step-up proof of docs/api.md, accepted in the body of every step-up action: a current TOTP code, a passkey
 * assertion (`webauthn`, answering POST /api/me/step-up/passkey's options), or (only for a user without a second
 * factor) the account's password.
 */
export const stepUp = {
  code: totpCode.optional(),
  password: z.string().max(4096).optional(),
  webauthn: authenticationResponse.optional(),
};
export const stepUpBody = z.object(stepUp);
