// Whether a user has a second factor: an active TOTP secret or a passkey. Every rule about "has 2FA" (the sign-in's
// second step, require2fa, compliance, step-up by password, the last factor's removal) asks here.
import { countPasskeys } from "./passkeys";
import { activeTotp } from "./totp-state";

export function hasSecondFactor(sql: SqlStorage, userId: string): boolean {
  return !!activeTotp(sql, userId) || countPasskeys(sql, userId) > 0;
}
