// Where the org requires phishing-resistant sign-in (NIST SP 800-63B r4 3.2.5), a code, which a proxy page can relay
// as it is typed, never stands where a passkey must: not at sign-in (sign-in.ts), not to step up, not to regenerate
// recovery codes. A member without a passkey yet (a session from before the setting) may use a code only to set one up.
import { countPasskeys } from "../passkeys";
import { readOrg } from "../settings";

/** How a TOTP code may serve this user now: as any factor, not at all (they have a passkey), or only to add one. */
export function codeUse(sql: SqlStorage, userId: string): "any" | "passkey_required" | "enroll_only" {
  if (readOrg(sql)?.requirePhishingResistant !== true) return "any";
  return countPasskeys(sql, userId) > 0 ? "passkey_required" : "enroll_only";
}
