// Deployment configuration, parsed once per env object with zod: a missing or bad value stops the Worker with
// one message naming the variable and what is wrong (never its value), instead of a silent fallback to a
// default or a 500 at the first sign-in. DEV_MODE is read here and nowhere else.
import { z } from "zod";
import {
  MAIL_API_DEFAULT_URL,
  PBKDF2_MAX_ITERATIONS,
  PLATFORM_TOKEN_MIN_BYTES,
  SESSION_ABSOLUTE_HOURS_DEFAULT,
  SESSION_IDLE_MINUTES_DEFAULT,
  STEP_UP_SECONDS,
} from "./constants";
import { parseKeySpec } from "./crypto/secret-box";
import type { Env } from "./env";
import { parseSigningKeySpec } from "./oidc/keys";

export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
}

export interface Config {
  /** Development: mail goes to /dev/outbox, and a short PLATFORM_TOKEN is tolerated. */
  devMode: boolean;
  /** How recent a session's second factor must be for a step-up action (docs/api.md); 0 = always ask for a code. */
  stepUpSeconds: number;
  sessionPolicy: SessionPolicy;
  /** PBKDF2 rounds for new password hashes (production Workers refuse more than PBKDF2_MAX_ITERATIONS). */
  passwordIterations: number;
  /** The HTTPS mail API, when MAIL_API_KEY is set (src/mail/http-api.ts). */
  mailApi: { url: string; key: string } | null;
  /** Passkeys' relying party: from RP_ID and RP_ORIGINS, or null to use the request's host (development). */
  relyingParty: { id: string; origins: string[] } | null;
  /** OpenID Connect: the issuer when ISSUER_URL is set (otherwise each request's origin), and the signing keys. */
  oidc: { issuer: string | undefined; signingKeys: string };
}

/** Vars arrive as strings; wrangler passes a TOML number or boolean through as JSON, so those count too. */
function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  return typeof value === "string" && value.trim() !== "" ? Number(value) : Number.NaN;
}

function secret(name: string) {
  return z
    .string({ error: `is missing: set it with 'wrangler secret put ${name}' (locally in .dev.vars)` })
    .min(1, { error: `is empty: set it with 'wrangler secret put ${name}'`, abort: true });
}

/** An optional numeric var: absent means the default, anything else must satisfy the rule. */
function numeric(rule: string, valid: (n: number) => boolean) {
  return z
    .unknown()
    .refine((v) => v === undefined || valid(toNumber(v)), { error: `must be ${rule}` })
    .transform((v) => (v === undefined ? undefined : toNumber(v)))
    .optional();
}

const integerIn = (min: number, max: number) => (n: number) => Number.isInteger(n) && n >= min && n <= max;
const positive = (n: number) => Number.isFinite(n) && n > 0;

const flag = z
  .unknown()
  .refine((v) => v === undefined || v === "true" || v === "false" || typeof v === "boolean", { error: `must be "true" or "false"` })
  .transform((v) => v === "true" || v === true);

const schema = z.object({
  PLATFORM_TOKEN: secret("PLATFORM_TOKEN"),
  PASSWORD_PEPPER: secret("PASSWORD_PEPPER"),
  HASH_KEY: secret("HASH_KEY"),
  CHALLENGE_KEY: secret("CHALLENGE_KEY"),
  TOTP_KEYS: secret("TOTP_KEYS").refine(
    (spec) => {
      try {
        parseKeySpec(spec);
        return true;
      } catch {
        return false;
      }
    },
    { error: "must be 'id:base64key' entries separated by commas, each key 32 bytes (the first one encrypts)" },
  ),
  OIDC_SIGNING_KEYS: secret("OIDC_SIGNING_KEYS").superRefine((spec, ctx) => {
    try {
      parseSigningKeySpec(spec);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: `${(err as Error).message} (a JSON array of private RSA JWKs with kids; the first signs)` });
    }
  }),
  // OIDC Core 2: the issuer is an https URL with no query or fragment; it is an origin here, because discovery
  // and the endpoints are served at the root. http is tolerated for local development.
  ISSUER_URL: z
    .string()
    .refine((v) => /^https?:\/\/[^/?#]+$/.test(v) && URL.canParse(v), {
      error: "must be the service's origin with no path, trailing slash, query or fragment (e.g. https://login.example.com)",
    })
    .optional(),
  DEV_MODE: flag.optional(),
  SESSION_IDLE_MINUTES: numeric("a positive number of minutes", positive),
  SESSION_ABSOLUTE_HOURS: numeric("a positive number of hours", positive),
  PASSWORD_ITERATIONS: numeric(
    `an integer from 1 to ${PBKDF2_MAX_ITERATIONS} (production Workers refuse more)`,
    integerIn(1, PBKDF2_MAX_ITERATIONS),
  ),
  STEP_UP_MINUTES: numeric(
    `an integer from 0 to ${STEP_UP_SECONDS / 60} (the step-up window may be shortened, never lengthened; 0 = always ask)`,
    integerIn(0, STEP_UP_SECONDS / 60),
  ),
  JURISDICTION_MODE: z.enum(["native", "emulated"], { error: `must be "native" or "emulated"` }).optional(),
  MAIL_FROM: z.email({ error: "must be an email address" }).optional(),
  MAIL_API_KEY: z.string().trim().min(1, { error: "is empty: set it with 'wrangler secret put MAIL_API_KEY' or remove it" }).optional(),
  // The key travels in this request: only HTTPS, or plain HTTP to this machine (a local stand-in provider).
  MAIL_API_URL: z
    .string()
    .refine((u) => URL.canParse(u) && (u.startsWith("https://") || /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/.test(u)), {
      error: "must be an https:// URL (plain http only to localhost)",
    })
    .optional(),
  // WebAuthn scopes a passkey to a domain: an IP address, a port or a scheme is never an RP ID.
  RP_ID: z
    .string()
    .regex(/^(?=.*[a-z])[a-z0-9-]+(\.[a-z0-9-]+)*$/, { error: "must be a domain name such as login.example.com (no scheme, port or IP)" })
    .optional(),
  RP_ORIGINS: z
    .string()
    .refine((v) => v.split(",").every((o) => isOrigin(o.trim())), {
      error: "must be origins such as https://login.example.com, comma-separated",
    })
    .optional(),
});

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return url.origin === value && (url.protocol === "https:" || url.hostname === "localhost");
  } catch {
    return false;
  }
}

type Inspection = { config: Config; problems: readonly [] } | { config: null; problems: readonly string[] };

const cache = new WeakMap<object, Inspection>();

function byteLength(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}

function inspect(env: Env): Inspection {
  const parsed = schema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.map(String).join(".")} ${i.message}`);
  const devMode = flag.safeParse(env.DEV_MODE);
  const token = env.PLATFORM_TOKEN;
  // Anyone who reaches the Worker may guess this bearer; a short one is the weakest door of the deployment.
  if (!(devMode.success && devMode.data) && typeof token === "string" && token !== "" && byteLength(token) < PLATFORM_TOKEN_MIN_BYTES) {
    problems.push(
      `PLATFORM_TOKEN is too short: it must be at least ${PLATFORM_TOKEN_MIN_BYTES} bytes outside DEV_MODE (e.g. openssl rand -base64 32)`,
    );
  }
  // TEST_SEAMS opens the objects' test seams (and the bench's hand-written paths, bench/ceiling). Tests and the bench
  // run in local workerd, where jurisdictions are emulated; a deployment (native jurisdictions) that sets it refuses
  // to serve rather than run with them open.
  if (env.TEST_SEAMS === "true" && env.JURISDICTION_MODE !== "emulated") {
    problems.push('TEST_SEAMS must not be set in a deployment (JURISDICTION_MODE is not "emulated"): it opens the objects\' test seams');
  }
  // An origin outside the RP ID's domain could never use its passkeys (WebAuthn refuses it): say so at start.
  if (parsed.success && parsed.data.RP_ORIGINS) {
    const rpId = parsed.data.RP_ID;
    const outside = parsed.data.RP_ORIGINS.split(",").some((o) => {
      const host = new URL(o.trim()).hostname;
      return !rpId || (host !== rpId && !host.endsWith(`.${rpId}`));
    });
    if (outside) problems.push("RP_ORIGINS must be used with RP_ID, each origin on RP_ID's domain or a subdomain of it");
  }
  if (!parsed.success || problems.length > 0) return { config: null, problems };
  const v = parsed.data;
  return {
    problems: [],
    config: {
      devMode: v.DEV_MODE ?? false,
      stepUpSeconds: (v.STEP_UP_MINUTES ?? STEP_UP_SECONDS / 60) * 60,
      sessionPolicy: {
        idleMs: (v.SESSION_IDLE_MINUTES ?? SESSION_IDLE_MINUTES_DEFAULT) * 60_000,
        absoluteMs: (v.SESSION_ABSOLUTE_HOURS ?? SESSION_ABSOLUTE_HOURS_DEFAULT) * 3_600_000,
      },
      passwordIterations: v.PASSWORD_ITERATIONS ?? PBKDF2_MAX_ITERATIONS,
      mailApi: v.MAIL_API_KEY ? { url: v.MAIL_API_URL ?? MAIL_API_DEFAULT_URL, key: v.MAIL_API_KEY } : null,
      relyingParty: v.RP_ID
        ? { id: v.RP_ID, origins: v.RP_ORIGINS ? v.RP_ORIGINS.split(",").map((o) => o.trim()) : [`https://${v.RP_ID}`] }
        : null,
      oidc: { issuer: v.ISSUER_URL, signingKeys: v.OIDC_SIGNING_KEYS },
    },
  };
}

function inspected(env: Env): Inspection {
  let found = cache.get(env);
  if (!found) {
    found = inspect(env);
    cache.set(env, found);
  }
  return found;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Gatehouse is not configured correctly: ${problems.join("; ")}.`);
    this.name = "ConfigError";
  }
}

/**
 * A copy of env that only swaps bindings (tests and bench: http/trips.ts wraps ORG and DIRECTORY per request) keeps
 * the original's parsed configuration, so counting trips does not parse the configuration again on every request.
 */
export function shareConfig(copy: Env, original: Env): void {
  cache.set(copy, inspected(original));
}

/** What is wrong with the configuration, one sentence per variable; empty when the Worker may serve. */
export function configProblems(env: Env): readonly string[] {
  return inspected(env).problems;
}

/** The parsed configuration; throws ConfigError (naming each bad variable) when it is not valid. */
export function config(env: Env): Config {
  const found = inspected(env);
  if (!found.config) throw new ConfigError(found.problems);
  return found.config;
}

export function isDevMode(env: Env): boolean {
  return config(env).devMode;
}
