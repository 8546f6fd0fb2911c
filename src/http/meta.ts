// Request metadata recorded in the audit log, and the caller's language for the user's emails.
import type { Context } from "hono";
import type { RequestMeta } from "../org/rpc";
import { fromAcceptLanguage } from "../ui/lang";

/** Only a stated language counts: a script without Accept-Language must not reset a user's choice to English. */
function acceptLanguage(header: string | undefined): RequestMeta["lang"] {
  return header ? fromAcceptLanguage(header) : undefined;
}

export function requestMeta(c: Context): RequestMeta {
  // The page language switch (c.var.lang) wins over the browser's Accept-Language; it names the user's emails.
  return metaOf((name) => c.req.header(name), c.get("lang") as RequestMeta["lang"]);
}

/** The same from the request's headers alone (`header` reads one by name), with the page's language if it chose one. */
export function metaOf(header: (name: string) => string | undefined, pageLang?: RequestMeta["lang"]): RequestMeta {
  return {
    ip: header("cf-connecting-ip") ?? undefined,
    userAgent: header("user-agent")?.slice(0, 512) ?? undefined,
    lang: pageLang ?? acceptLanguage(header("accept-language")),
  };
}
