// An authorization request waiting for the person to sign in on Gatehouse's own pages: a short-lived cookie
// holding the request, signed (jose HS256, CHALLENGE_KEY, its own audience) so the pages cannot be made to
// resume a request nobody made. It grants nothing: /oauth/authorize/continue checks everything again.
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { hostCookieName } from "../http/cookies";
import { jwtVerify, SignJWT } from "jose";
import { nowMs } from "../clock";
import { utf8 } from "../crypto/encoding";
import { AUTHORIZE_REQUEST_TTL_SECONDS } from "./constants";

const AUDIENCE = "gatehouse:oidc-request";
export const CONTINUE_PATH = "/oauth/authorize/continue";

export interface Pending {
  /** The authorization request's query string. */
  query: string;
  /** When it first arrived (ms): prompt=login wants a sign-in after this. */
  at: number;
  /** The person must sign in again even with a session (prompt=login, max_age, or MFA asked and missing). */
  fresh: boolean;
  /** The application asked for MFA: a user without a second factor enrolls first. */
  mfa: boolean;
  /** The application, for the sign-in page to say where the person is going: its registered name, and for an org's
   * own application that org's slug (the name is that org admin's words, shown before anyone is known to be theirs). */
  app?: { name: string; org: string | null } | undefined;
}

function cookieName(c: Context): string {
  return hostCookieName(c, "oidc-request");
}

export async function savePending(c: Context, key: string, p: Pending): Promise<void> {
  const now = Math.floor(nowMs() / 1000);
  const app = p.app ? { app: p.app.name, ...(p.app.org ? { appOrg: p.app.org } : {}) } : {};
  const token = await new SignJWT({ q: p.query, at: p.at, fresh: p.fresh, mfa: p.mfa, ...app })
    .setProtectedHeader({ alg: "HS256" })
    .setAudience(AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + AUTHORIZE_REQUEST_TTL_SECONDS)
    .sign(utf8(key));
  setCookie(c, cookieName(c), token, { httpOnly: true, secure: true, sameSite: "Lax", path: "/", maxAge: AUTHORIZE_REQUEST_TTL_SECONDS });
}

export async function readPending(c: Context, key: string): Promise<Pending | null> {
  const token = getCookie(c, cookieName(c));
  if (!token) return null;
  try {
    const { payload } = await jwtVerify(token, utf8(key), { algorithms: ["HS256"], audience: AUDIENCE, currentDate: new Date(nowMs()) });
    const { q, at, fresh, mfa, app, appOrg } = payload;
    if (typeof q !== "string" || typeof at !== "number") return null;
    const shown = typeof app === "string" ? { name: app, org: typeof appOrg === "string" ? appOrg : null } : undefined;
    return { query: q, at, fresh: fresh === true, mfa: mfa === true, app: shown };
  } catch {
    return null;
  }
}

export function clearPending(c: Context): void {
  deleteCookie(c, cookieName(c), { path: "/", secure: true, httpOnly: true, sameSite: "Lax" });
}

/** Where the sign-in pages go once the person is signed in: back to the waiting request, if any. */
export async function afterSignIn(c: Context, key: string, fallback: string): Promise<string> {
  return (await readPending(c, key)) ? CONTINUE_PATH : fallback;
}
