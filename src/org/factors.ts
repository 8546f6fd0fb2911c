// Whether a user has a second factor: an active TOTP secret or a passkey. Every rule about "has 2FA" (the sign-in's
// second step, require2fa, compliance, step-up by password, the last factor's removal) asks here.

export function hasSecondFactor(sql: SqlStorage, userId: string): boolean {
  return factorSummary(sql, userId).enabled;
}

/** A user's factors in one statement (identity reads it on every signed-in request). */
export interface FactorSummary {
  /** The active TOTP secret's period, or null without one. */
  totpPeriod: number | null;
  passkeys: number;
  recoveryCodesRemaining: number;
  /** The rule: an active TOTP secret or a passkey. */
  enabled: boolean;
}

export function factorSummary(sql: SqlStorage, userId: string): FactorSummary {
  const row = sql
    .exec<{ period: number | null; passkeys: number; remaining: number }>(
      `SELECT (SELECT period FROM totp WHERE user_id = ?1) AS period,
              (SELECT COUNT(*) FROM passkeys WHERE user_id = ?1) AS passkeys,
              (SELECT COUNT(*) FROM recovery_codes WHERE user_id = ?1 AND used_at IS NULL) AS remaining`,
      userId,
    )
    .one();
  return {
    totpPeriod: row.period,
    passkeys: row.passkeys,
    recoveryCodesRemaining: row.remaining,
    enabled: row.period !== null || row.passkeys > 0,
  };
}
