// CSRF for the pages, on top of guards.ts's Origin / Sec-Fetch-Site refusal (which already stops a browser's
// cross-site POST): every form also carries an HMAC token bound to the session (or, before sign-in, to a random
// pre-session cookie), so a request forged from a same-site but foreign origin, or by an old browser that sends
// neither header, still fails. The token is HMAC(HASH_KEY, "csrf:" + session hash | cookie): nothing is stored.
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { hostCookieName } from "../http/cookies";
import { timingSafeEqual } from "../crypto/compare";
import { keyedHash, randomToken } from "../crypto/tokens";
import type { AppEnv } from "../env";

export const CSRF_FIELD = "_csrf";
const PRE_SESSION_BYTES = 18;

function cookieName(c: Context): string {
  return hostCookieName(c, "csrf");
}

function preSessionSeed(c: Context<AppEnv>): string {
  let value = getCookie(c, cookieName(c));
  if (!value || !/^[A-Za-z0-9_-]{20,64}$/.test(value)) {
    value = randomToken(PRE_SESSION_BYTES);
    setCookie(c, cookieName(c), value, { path: "/", httpOnly: true, secure: true, sameSite: "Strict" });
  }
  return `a:${value}`;
}

/** The token for forms on this response (sets the pre-session cookie when needed). */
export async function csrfToken(c: Context<AppEnv>): Promise<string> {
  const known = c.get("csrfToken");
  if (known) return known;
  const actor = c.get("actor");
  const seed = actor.kind === "session" ? `s:${actor.tokenHash}` : preSessionSeed(c);
  const token = await keyedHash(c.env.HASH_KEY, `csrf:${seed}`);
  c.set("csrfToken", token);
  return token;
}

export async function csrfValid(c: Context<AppEnv>, sent: unknown): Promise<boolean> {
  return typeof sent === "string" && timingSafeEqual(sent, await csrfToken(c));
}
