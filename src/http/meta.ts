// Request metadata recorded in the audit log, and the caller's language for the user's emails.
import type { Context } from "hono";
import type { RequestMeta } from "../org/rpc";
import { fromAcceptLanguage } from "../ui/lang";

/** Only a stated language counts: a script without Accept-Language must not reset a user's choice to English. */
function acceptLanguage(header: string | undefined): RequestMeta["lang"] {
  return header ? fromAcceptLanguage(header) : undefined;
}

export function requestMeta(c: Context): RequestMeta {
  return {
    ip: c.req.header("cf-connecting-ip") ?? undefined,
    userAgent: c.req.header("user-agent")?.slice(0, 512) ?? undefined,
    // The page language switch (c.var.lang) wins over the browser's Accept-Language; it names the user's emails.
    lang: (c.get("lang") as RequestMeta["lang"]) ?? acceptLanguage(c.req.header("accept-language")),
  };
}
