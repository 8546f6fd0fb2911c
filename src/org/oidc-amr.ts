// RFC 8176 `amr` values for how a session signed in: the truth an application reads in the ID token.
//  - password alone: ["pwd"]
//  - password then a TOTP code (sign-in, or forced enrollment, which ends with a TOTP code): ["pwd", "otp", "mfa"]
//  - password then a recovery code: ["pwd", "mfa"]. A recovery code is a second factor (NIST SP 800-63B 5.1.2
//    "look-up secret", something you have), so "mfa" holds; but it is not the TOTP device RFC 8176's "otp" names
//    (RFC 4226 / RFC 6238), so an application that wants the device can tell the difference.
// A session whose method is unknown (one started before this was recorded, or a token rotated on a role or 2FA
// change) counts as ["pwd"]: never claim a factor that was not seen.

export type Amr = readonly string[];

const BY_METHOD: Record<string, Amr> = {
  password: ["pwd"],
  totp: ["pwd", "otp", "mfa"],
  enrollment: ["pwd", "otp", "mfa"],
  recovery_code: ["pwd", "mfa"],
};

export function amrForSignIn(method: string): Amr {
  return BY_METHOD[method] ?? ["pwd"];
}

/** The stored amr of a session (a JSON array), or the least it can claim. */
export function parseAmr(stored: string | null | undefined): string[] {
  if (!stored) return ["pwd"];
  try {
    const parsed: unknown = JSON.parse(stored);
    if (Array.isArray(parsed) && parsed.every((v) => typeof v === "string") && parsed.length > 0) return parsed;
  } catch {}
  return ["pwd"];
}

export function isMultiFactor(amr: readonly string[]): boolean {
  return amr.includes("mfa");
}
