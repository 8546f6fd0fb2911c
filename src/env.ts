// Bindings and per-request variables of the Worker.
import type { DirectoryDurableObject } from "./directory/durable-object";
import type { OrgDurableObject } from "./org/durable-object";
import type { Actor } from "./http/actor";

export interface Env {
  ORG: DurableObjectNamespace<OrgDurableObject>;
  DIRECTORY: DurableObjectNamespace<DirectoryDurableObject>;
  PLATFORM_TOKEN: string;
  PASSWORD_PEPPER: string;
  TOTP_KEYS: string;
  HASH_KEY: string;
  CHALLENGE_KEY: string;
  /** OpenID Connect signing keys: a JSON array of private RSA JWKs with kids, the first signs (oidc/keys.ts). */
  OIDC_SIGNING_KEYS: string;
  /** The OpenID issuer; unset: each request's origin. */
  ISSUER_URL?: string;
  SESSION_IDLE_MINUTES?: string;
  SESSION_ABSOLUTE_HOURS?: string;
  PASSWORD_ITERATIONS?: string;
  /** Step-up window in minutes, 0-15 (default 15); parsed in config.ts. */
  STEP_UP_MINUTES?: string;
  DEV_MODE?: string;
  /** "true" only in tests and the benchmark: opens the org object's test seams (useMailTransport, storageStats). */
  TEST_SEAMS?: string;
  /**
   * "true", with TEST_SEAMS, in tests and the bench's trip-counting runtimes: every call into an object is counted
   * (http/trips.ts). Off where the bench measures the hot paths, so they run as deployed.
   */
  TRIP_COUNTING?: string;
  /** Bench only, with TRIP_COUNTING: milliseconds added to every call into an object (simulated distance, http/trips.ts). */
  TRIP_DELAY_MS?: string;
  /** Cloudflare send_email binding for notifications and pairing links (absent: mail waits in the outbox). */
  MAILER?: SendEmail;
  /** Key of the HTTPS mail API (Resend's format; src/mail/http-api.ts): set, it is the transport used. */
  MAIL_API_KEY?: string;
  /** Base URL of that API (default https://api.resend.com); parsed in config.ts. */
  MAIL_API_URL?: string;
  /** Sender address of every email. */
  MAIL_FROM?: string;
  /** "native" (production) or "emulated" (local workerd has no jurisdictions). */
  JURISDICTION_MODE?: string;
  /** Passkeys' relying party ID (a registrable domain); without it, the request's host (development). config.ts. */
  RP_ID?: string;
  /** Comma-separated origins allowed to use passkeys (default https://RP_ID). config.ts. */
  RP_ORIGINS?: string;
}

export interface AppEnv {
  Bindings: Env;
  Variables: { actor: Actor; lang: "en" | "fr"; csrfToken?: string };
}
