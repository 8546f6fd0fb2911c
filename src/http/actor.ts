// Who is calling (c.var.actor): a session cookie, an API key, or the operator's platform token.
// API keys never meet a second factor (docs/api.md); sessions exist only after the whole sign-in. Guesses at the
// platform token are counted per client network: 10 wrong lock that network out for 15 minutes.
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { timingSafeEqual } from "../crypto/compare";
import { platformThrottle } from "../directory/names";
import type { Identity } from "../org/rpc";
import type { AuditActor, Role } from "../org/rpc";
import { orgStub } from "../org/stub";
import { readSessionCookie } from "./cookies";
import { hashCredential, parseCredential, type Route } from "./credentials";

export type Actor =
  | { kind: "anonymous" }
  | { kind: "operator" }
  | { kind: "session"; route: Route; tokenHash: string; identity: Identity; requestUrl: string }
  | { kind: "api_key"; route: Route; identity: Identity };

export type SignedIn = Extract<Actor, { kind: "session" | "api_key" }>;

function bearer(c: Context): string | null {
  const header = c.req.header("authorization");
  if (header === undefined) return null;
  // The scheme's name is case-insensitive (RFC 9110 11.1).
  const m = /^Bearer +([\x21-\x7e]{1,512})$/i.exec(header.trim());
  if (!m) throw new ApiError("unauthenticated", "The Authorization header must be 'Bearer <key>'.");
  return m[1] as string;
}

const PLATFORM_PREFIX = "/api/platform/";
const PLATFORM_TOKEN_WRONG = "The platform token is missing or wrong.";

/** Resolves the caller; a bad bearer is 401 (never silently anonymous), a bad cookie is just signed out. */
export async function resolveActor(c: Context<AppEnv>): Promise<Actor> {
  const token = bearer(c);
  if (token !== null) {
    const route = parseCredential("gk", token);
    if (route) {
      const identity = await orgStub(c.env, route.slug, route.jurisdiction).authenticateApiKey(await hashCredential(c.env.HASH_KEY, token));
      if (identity) return { kind: "api_key", route, identity };
    } else {
      // Only bearers that are not API keys get here, so sessions and keys never pay for this round trip.
      // The answer waits for the count: while locked, even the right token is refused (a lock is no oracle).
      const correct = timingSafeEqual(token, c.env.PLATFORM_TOKEN);
      const lockedFor = await (await platformThrottle(c.env, c.req.header("cf-connecting-ip"))).settleAttempt(correct);
      if (lockedFor > 0)
        throw new ApiError("too_many_attempts", "Too many wrong platform tokens from this network. Try again later.", lockedFor);
      if (correct) return { kind: "operator" };
    }
    // Named for what the endpoint takes: the operator's routes take the platform token, every other one a key.
    throw new ApiError("unauthenticated", c.req.path.startsWith(PLATFORM_PREFIX) ? PLATFORM_TOKEN_WRONG : "The API key is not valid.");
  }
  const cookie = readSessionCookie(c);
  const route = parseCredential("gs", cookie);
  if (cookie && route) {
    const tokenHash = await hashCredential(c.env.HASH_KEY, cookie);
    const identity = await orgStub(c.env, route.slug, route.jurisdiction).authenticateSession(tokenHash);
    // The request's URL names the WebAuthn relying party where none is configured (a passkey step-up).
    if (identity) return { kind: "session", route, tokenHash, identity, requestUrl: c.req.url };
  }
  return { kind: "anonymous" };
}

export const loadActor: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set("actor", await resolveActor(c));
  await next();
};

/** The role a caller acts with: an API key never exceeds the role of the admin who made it. */
export function effectiveRole(identity: Identity): Role {
  if (!identity.apiKey) return identity.user.role;
  return identity.apiKey.role === "admin" && identity.user.role === "admin" ? "admin" : "technician";
}

export function signedIn(c: Context<AppEnv>): SignedIn {
  const actor = c.get("actor");
  if (actor.kind === "session" || actor.kind === "api_key") return actor;
  throw new ApiError("unauthenticated");
}

/** A person's own account (two-factor, passkeys, sessions, password, email, step-up): their session, never a key. */
export function sessionOnly(c: Context<AppEnv>): Extract<Actor, { kind: "session" }> {
  const actor = signedIn(c);
  if (actor.kind !== "session")
    throw new ApiError("forbidden", "This is done from the account's own signed-in session (a browser), not with an API key.");
  return actor;
}

/**
 * sessionOnly as a route's first step, before its body is validated: a key (or no sign-in) is refused for what it
 * is, not asked for a code it could never give ("API keys are never asked for a second factor").
 */
export const ownSession: MiddlewareHandler<AppEnv> = async (c, next) => {
  sessionOnly(c);
  await next();
};

export function adminOnly(c: Context<AppEnv>): SignedIn {
  const actor = signedIn(c);
  if (effectiveRole(actor.identity) !== "admin") throw new ApiError("forbidden", "Only an org admin can do this.");
  return actor;
}

export const requireOperator: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.get("actor").kind !== "operator") throw new ApiError("unauthenticated", PLATFORM_TOKEN_WRONG);
  await next();
};

export function auditActor(actor: Actor): AuditActor {
  switch (actor.kind) {
    case "operator":
      return { type: "operator", label: "support" };
    case "api_key":
      return { type: "api_key", id: actor.identity.apiKey?.id, label: actor.identity.apiKey?.name };
    case "session":
      return { type: "user", id: actor.identity.user.id, label: actor.identity.user.email };
    default:
      return { type: "anonymous" };
  }
}
