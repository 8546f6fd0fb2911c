// Every limit Gatehouse enforces, with its unit and where it comes from.

/** Product name: the issuer shown in authenticator apps (otpauth URI). */
export const PRODUCT_NAME = "Gatehouse";

/** Largest request body accepted (API.md: 413 above it). */
export const MAX_BODY_BYTES = 64 * 1024;

/** Passwords: NIST SP 800-63B 5.1.1.1 asks for at least 8 and allowing at least 64. */
export const PASSWORD_MIN_CHARS = 8;
export const PASSWORD_MAX_CHARS = 256;

/** Production Workers reject WebCrypto PBKDF2 above this many rounds. */
export const PBKDF2_MAX_ITERATIONS = 100_000;
export const PASSWORD_SALT_BYTES = 16;

/** RFC 6238 parameters; SHA-1 and 6 digits are what every authenticator app supports. */
export const TOTP_DIGITS = 6;
export const TOTP_ALGORITHM = "SHA1";
export const TOTP_PERIODS_SECONDS = [30, 60] as const;
export const TOTP_DEFAULT_PERIOD_SECONDS = 30;
/** One step either way for clock drift (RFC 6238 section 5.2). */
export const TOTP_WINDOW_STEPS = 1;
/** 160-bit secrets, as RFC 4226 section 4 recommends. */
export const TOTP_SECRET_BYTES = 20;

/** A sign-in challenge lives 5 minutes and dies after 5 wrong codes. */
export const CHALLENGE_TTL_SECONDS = 5 * 60;
/** A started but unconfirmed TOTP setup is dropped after this long (the QR code was shown; time to scan it). */
export const PENDING_SETUP_TTL_SECONDS = 15 * 60;
export const CHALLENGE_MAX_ATTEMPTS = 5;

/** NIST SP 800-63B 5.2.2: at most 100 consecutive failures; we lock after 10 for 15 minutes. */
export const MAX_CONSECUTIVE_FAILURES = 10;
export const LOCKOUT_SECONDS = 15 * 60;

/** Recovery codes: 10 per set, 16 characters of a 32-letter alphabet = 80 bits each. */
export const RECOVERY_CODE_COUNT = 10;
export const RECOVERY_CODE_CHARS = 16;

/** Sessions: idle and absolute lifetime defaults (overridable by vars). */
export const SESSION_IDLE_MINUTES_DEFAULT = 30;
export const SESSION_ABSOLUTE_HOURS_DEFAULT = 12;
/** Last-seen is written at most this often, so a page load is not a write. */
export const SESSION_TOUCH_SECONDS = 60;
/** Step-up ("sudo mode"): a session this young may set up 2FA without a code. */
export const RECENT_SIGN_IN_SECONDS = 15 * 60;

/** Random token sizes in bytes (>= 128 bits: NIST SP 800-63B 7.1). */
export const SESSION_TOKEN_BYTES = 32;
export const API_KEY_BYTES = 24;

/** A pending directory reservation older than this is re-checked against its org. */
export const RESERVATION_STALE_SECONDS = 60;

/** Audit retention, trimmed by the org object's alarm. */
export const AUDIT_MAX_EVENTS = 10_000;
export const AUDIT_MAX_AGE_DAYS = 365;
export const AUDIT_PAGE_DEFAULT = 50;
export const AUDIT_PAGE_MAX = 200;

/** Pairing links (email): 256-bit token, single use, alive 30 minutes, dead after 5 wrong codes. */
export const PAIRING_TOKEN_BYTES = 32;
export const PAIRING_TTL_MINUTES = 30;
export const PAIRING_MAX_ATTEMPTS = 5;
/** A new pairing email for the same user at most this often (mailbox flooding), answered the same either way. */
export const PAIRING_RESEND_SECONDS = 60;

/** Mail outbox: retries back off 1, 2, 4 ... minutes, capped at an hour; after 12 attempts (~7 h) it is failed. */
export const MAIL_RETRY_BASE_SECONDS = 60;
export const MAIL_RETRY_MAX_SECONDS = 3600;
export const MAIL_MAX_ATTEMPTS = 12;
/** Messages sent per alarm run; the rest wait for the next run, scheduled at once. */
export const MAIL_BATCH = 20;
/** Sent and failed messages (subject and recipient only, bodies scrubbed) are kept this long. */
export const MAIL_KEEP_DAYS = 30;
