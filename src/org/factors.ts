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

/** The row of `factorColumns`: what a statement that reads a user's factors beside other things returns. */
export interface FactorColumns extends Record<string, SqlStorageValue> {
  f_period: number | null;
  f_passkeys: number;
  f_remaining: number;
}

/**
 * A user's factors as columns of one statement, for the user `userId` names (an SQL expression: a parameter, or a
 * joined column such as u.id), so the session check reads them with the session, user and org in one statement.
 */
export function factorColumns(userId: string): string {
  // Only ever a parameter or a column name, written in the code: never a value.
  if (!/^(\?\d*|[a-z]+\.[a-z_]+)$/.test(userId)) throw new Error(`factorColumns: not a parameter or column: ${userId}`);
  return `(SELECT period FROM totp WHERE user_id = ${userId}) AS f_period,
          (SELECT COUNT(*) FROM passkeys WHERE user_id = ${userId}) AS f_passkeys,
          (SELECT COUNT(*) FROM recovery_codes WHERE user_id = ${userId} AND used_at IS NULL) AS f_remaining`;
}

export function summaryOf(row: FactorColumns): FactorSummary {
  return {
    totpPeriod: row.f_period,
    passkeys: row.f_passkeys,
    recoveryCodesRemaining: row.f_remaining,
    enabled: row.f_period !== null || row.f_passkeys > 0,
  };
}

const BY_USER = `SELECT ${factorColumns("?1")}`;

export function factorSummary(sql: SqlStorage, userId: string): FactorSummary {
  return summaryOf(sql.exec<FactorColumns>(BY_USER, userId).one());
}
