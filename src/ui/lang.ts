// Page language: ?lang= (the visible switch, remembered in a cookie), then the cookie, then Accept-Language.
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../env";
import { type Catalog, en } from "./i18n/en";
import { fr } from "./i18n/fr";

export type Lang = "en" | "fr";
const CATALOGS: Record<Lang, Catalog> = { en, fr };
const LANG_COOKIE = "lang";
const ONE_YEAR_SECONDS = 365 * 24 * 3600;

function isLang(v: string | undefined): v is Lang {
  return v === "en" || v === "fr";
}

/** The best of our languages for an Accept-Language header (RFC 9110 12.5.4), English by default. */
export function fromAcceptLanguage(header: string | undefined): Lang {
  const ranked = (header ?? "")
    .split(",")
    .map((part, i) => {
      const [tag = "", ...params] = part.trim().toLowerCase().split(";");
      const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean);
      return { primary: tag.split("-")[0], q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return ranked.map((x) => x.primary).find(isLang) ?? "en";
}

export function chooseLang(c: Context<AppEnv>): Lang {
  const asked = c.req.query("lang");
  if (isLang(asked)) {
    setCookie(c, LANG_COOKIE, asked, { path: "/", sameSite: "Lax", maxAge: ONE_YEAR_SECONDS, httpOnly: true, secure: true });
    return asked;
  }
  return savedLang(c);
}

/** The language already chosen (cookie, then Accept-Language), for pages whose query is another protocol's (OAuth). */
export function savedLang(c: Context): Lang {
  const saved = getCookie(c, LANG_COOKIE);
  return isLang(saved) ? saved : fromAcceptLanguage(c.req.header("accept-language"));
}

export function catalog(lang: Lang): Catalog {
  return CATALOGS[lang];
}
