// Deep links survive signing in: a signed-out visitor who opens a signed-in page (a link to /users in a mail, a
// bookmark of /audit) is sent to sign in, and lands on that page afterwards, not on the Account page. The address
// waits in a short-lived HttpOnly cookie, never in the URL, and is used only if it is one of our own page paths
// (so neither a cookie planted by a sibling host nor anything else can make it an open redirect).
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { afterSignIn } from "../../oidc/pending";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { CHALLENGE_TTL_SECONDS } from "../../constants";
import { hostCookieName } from "../../http/cookies";

const MAX_LENGTH = 512;
/** Where a sign-in never goes back to: the sign-in pages themselves, and everything that is not a page. */
const NOT_BACK = /^\/(?:login|logout|oauth|pair|api|auth|static|dev)(?:[/?]|$)/;

const cookieName = (c: Context) => hostCookieName(c, "return-to");

/** A path of ours: "/x..." (never "//host" or "/\host"), printable, short, and not a sign-in or API address. */
export function safeReturnPath(value: string | undefined): string | null {
  if (!value || value.length > MAX_LENGTH || !value.startsWith("/") || value.startsWith("//")) return null;
  if (/[\\\s\p{Cc}]/u.test(value) || value === "/" || NOT_BACK.test(value)) return null;
  return value;
}

/** Remembers the page a signed-out visitor asked for (GET only: a form post is not a place to go back to). */
export function rememberReturn(c: Context): void {
  if (c.req.method !== "GET") return;
  const url = new URL(c.req.url);
  const path = safeReturnPath(`${url.pathname}${url.search}`);
  if (!path) return;
  setCookie(c, cookieName(c), path, { path: "/", httpOnly: true, secure: true, sameSite: "Strict", maxAge: CHALLENGE_TTL_SECONDS });
}

/** Where a finished sign-in goes: the remembered page, once (the cookie is cleared), or `fallback`. */
export function takeReturn(c: Context, fallback: string): string {
  const kept = getCookie(c, cookieName(c));
  if (kept !== undefined) deleteCookie(c, cookieName(c), { path: "/", secure: true, httpOnly: true, sameSite: "Strict" });
  return safeReturnPath(kept) ?? fallback;
}

/** Where a finished sign-in goes: the application's waiting request first, else the remembered page or the Account page. */
export function nextAfterSignIn(c: Context<AppEnv>): Promise<string> {
  return afterSignIn(c, c.env.CHALLENGE_KEY, takeReturn(c, "/account"));
}
