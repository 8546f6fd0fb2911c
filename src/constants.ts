// Every limit Gatehouse enforces, with its unit and where it comes from.

/** Product name: the issuer shown in authenticator apps (otpauth URI). */
export const PRODUCT_NAME = "Gatehouse";

/** Largest request body accepted (docs/api.md: 413 above it). */
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

/** Every 10 wrong in a row lock the account for 15 minutes (docs/api.md). */
export const MAX_CONSECUTIVE_FAILURES = 10;
export const LOCKOUT_SECONDS = 15 * 60;
/**
 * Wrong passwords count as "in a row" while each comes within a day of the last: the org's count (lockout.ts) and
 * an unknown email's (directory/) forget alike, so the directory can drop its rows and an expiry tells nothing.
 */
export const PASSWORD_FAILURE_WINDOW_SECONDS = 24 * 3600;
/**
 * NIST SP 800-63B 5.2.2: at most 100 consecutive failed attempts on one account. Wrong second factors count
 * across the 15-minute locks (the lock does not restart this count); the 100th locks sign-in (423) until an
 * admin unlocks or support resets 2FA. Only second factors count: they need the password first, so nobody can
 * lock a stranger out for good by knowing an email.
 */
export const MAX_SECOND_FACTOR_FAILURES = 100;
/** The "you were locked out" mail goes out at most this often per user. */
export const LOCK_MAIL_INTERVAL_SECONDS = 24 * 3600;

/** Recovery codes: 10 per set, 16 characters of a 32-letter alphabet = 80 bits each. */
export const RECOVERY_CODE_COUNT = 10;
export const RECOVERY_CODE_CHARS = 16;

/** Sessions: idle and absolute lifetime defaults (overridable by vars). */
export const SESSION_IDLE_MINUTES_DEFAULT = 30;
export const SESSION_ABSOLUTE_HOURS_DEFAULT = 12;
/**
 * Last-seen is written at most this often, and at most every tenth of the idle limit, so a page load is not a
 * write. The idle clock of an active session may lag by that much: it ends up to a tenth early, never late.
 */
export const SESSION_TOUCH_SECONDS = 300;
/**
 * Step-up ("sudo mode", docs/api.md): a sensitive action needs a session whose factors were checked this recently,
 * or a current code in the request. The STEP_UP_MINUTES var may shorten it (0 = always ask), never lengthen it.
 */
export const STEP_UP_SECONDS = 15 * 60;

/** Random token sizes in bytes (>= 128 bits: NIST SP 800-63B 7.1). */
export const SESSION_TOKEN_BYTES = 32;
export const API_KEY_BYTES = 24;

/** API keys expire: 90 days unless asked otherwise, a year at most (docs/api.md). */
export const API_KEY_DEFAULT_DAYS = 90;
export const API_KEY_MAX_DAYS = 365;

/**
 * A page form whose answer shows a secret once (a new API key, an application's secret, recovery codes) carries a
 * single-use id (org/form-ids.ts): it makes something only within this long of the page that held it, and its use
 * is remembered as long, so the same post sent again (a reload, the back button) never makes a second one. The
 * default absolute session lifetime: a form older than that is filled in again.
 */
export const FORM_ID_TTL_SECONDS = 12 * 3600;
/** How far ahead of the object's clock a form id's issue time may be (the edge's clock made it). */
export const FORM_ID_CLOCK_SKEW_SECONDS = 300;

/** The operator's bearer token (PLATFORM_TOKEN): shorter than this is refused outside DEV_MODE. */
export const PLATFORM_TOKEN_MIN_BYTES = 32;

/** Users and compliance lists come in pages (GET /api/org/users, /api/org/compliance): this many by default, at most. */
export const USER_PAGE_DEFAULT = 100;
export const USER_PAGE_MAX = 500;
/**
 * A search (?q=) reads at most this many users per request, in list order, and its nextCursor goes on from the last
 * one read: a search of a 50,000-user org costs what a page costs, and a page may hold fewer matches than `limit`
 * (even none) while nextCursor is not null.
 */
export const USER_SEARCH_SCAN_ROWS = 2_000;

/** A pending directory reservation older than this is re-checked against its org. */
export const RESERVATION_STALE_SECONDS = 60;

/**
 * Audit retention, trimmed by the org object's alarm. Security events (what a signed-in person, a key or
 * support did, and sign-ins) are kept by age only. Noise (failures anyone can cause) is aggregated per
 * type, user and window, and capped by count and age apart, so no volume of it evicts a security event.
 */
export const AUDIT_MAX_AGE_DAYS = 365;
export const AUDIT_NOISE_MAX_EVENTS = 10_000;
export const AUDIT_NOISE_MAX_AGE_DAYS = 90;
export const AUDIT_NOISE_WINDOW_SECONDS = 3600;
export const AUDIT_PAGE_DEFAULT = 50;
export const AUDIT_PAGE_MAX = 200;

/** Pairing links (email): 256-bit token, single use, alive 30 minutes, dead after 5 wrong codes. */
export const PAIRING_TOKEN_BYTES = 32;
export const PAIRING_TTL_MINUTES = 30;
export const PAIRING_MAX_ATTEMPTS = 5;
/** A new pairing email for the same user at most this often (mailbox flooding), answered the same either way. */
export const PAIRING_RESEND_SECONDS = 60;

/** Invites (email): 256-bit token, single use, alive 7 days (the invitee may be away for a week). */
export const INVITE_TOKEN_BYTES = 32;
export const INVITE_TTL_DAYS = 7;
/** Email links: verifying an address (7 days, like an invite) and confirming a change of address (24 hours: the
 * request was stepped up, so it should be followed soon or start again). */
export const MAIL_LINK_TOKEN_BYTES = 32;
export const EMAIL_VERIFY_TTL_DAYS = 7;
export const EMAIL_CHANGE_TTL_HOURS = 24;
/** A change-of-address link at most this often per user: it goes to a mailbox the account does not own yet. */
export const MAIL_LINK_RESEND_SECONDS = 60;

/**
 * Invite mails to one address, sent or resent (an invite revoked and made again included), per org and hour: an
 * admin or an admin API key cannot flood an outside address from the service's sending domain.
 */
export const INVITE_MAILS_PER_HOUR = 5;

/** Mail outbox: retries back off 1, 2, 4 ... minutes, capped at an hour; after 12 attempts (~7 h) it is failed. */
export const MAIL_RETRY_BASE_SECONDS = 60;
export const MAIL_RETRY_MAX_SECONDS = 3600;
export const MAIL_MAX_ATTEMPTS = 12;
/** Messages sent per alarm run; the rest wait for the next run, scheduled at once. */
export const MAIL_BATCH = 20;
/** Sent and failed messages (subject and recipient only, bodies scrubbed) are kept this long. */
export const MAIL_KEEP_DAYS = 30;

/** HTTPS mail API (src/mail/http-api.ts): Resend's endpoint unless MAIL_API_URL says otherwise. */
export const MAIL_API_DEFAULT_URL = "https://api.resend.com";
/** A provider call slower than this is abandoned and retried by the outbox's backoff (a hung call would hold the alarm). */
export const MAIL_API_TIMEOUT_MS = 10_000;

/** Org deletion: email claims freed per run of the slug object's alarm; the next run follows at once. */
export const ORG_DELETION_BATCH = 25;
/** A deletion whose erase step did not finish (a crash) is tried again this long after. */
export const ORG_DELETION_RETRY_MS = 30_000;

// The OpenID provider's lifetimes (the other OpenID limits are in oidc/constants.ts).
/** RFC 9700 4.2.1 / OIDC Core 3.1.2.5: authorization codes are short-lived; one minute at most. */
export const AUTH_CODE_TTL_SECONDS = 60;
/** Access tokens are bearer JWTs nobody can recall before they expire: keep them short (RFC 9700 2.2.2). */
export const ACCESS_TOKEN_TTL_SECONDS = 5 * 60;
/** ID tokens are read once by the client at sign-in. */
export const ID_TOKEN_TTL_SECONDS = 5 * 60;
/** A refresh-token family (one sign-in's grant) lives at most this long, whatever its rotations. */
export const REFRESH_GRANT_MAX_DAYS = 30;
