// The session cookie (docs/api.md): HttpOnly, Secure, SameSite=Lax, Path=/; "__Host-session" on https, and
// "session" on plain http (local development), where browsers refuse the __Host- prefix.
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { config } from "../config";
import type { AppEnv, Env } from "../env";
import type { CookieOptions } from "hono/utils/cookie";

/**
 * A cookie's name: "__Host-<name>" on https (bound to this host, Secure, Path=/: no sibling host can plant or read
 * it), the bare name on plain http (local development), where browsers refuse the prefix.
 */
export function hostCookieName(c: Context, name: string): string {
  return new URL(c.req.url).protocol === "https:" ? `__Host-${name}` : name;
}

export function sessionCookieName(c: Context): string {
  return hostCookieName(c, "session");
}

export function readSessionCookie(c: Context): string | undefined {
  return getCookie(c, sessionCookieName(c));
}

/** The session cookie's attributes: it lives as long as the session may (SESSION_ABSOLUTE_HOURS). */
export function sessionCookieOptions(env: Env): CookieOptions {
  return { httpOnly: true, secure: true, sameSite: "Lax", path: "/", maxAge: Math.floor(config(env).sessionPolicy.absoluteMs / 1000) };
}

export function setSessionCookie(c: Context<AppEnv>, token: string): void {
  setCookie(c, sessionCookieName(c), token, sessionCookieOptions(c.env));
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, sessionCookieName(c), { path: "/", secure: true, httpOnly: true, sameSite: "Lax" });
}
