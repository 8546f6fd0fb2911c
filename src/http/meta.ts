// Request metadata recorded in the audit log.
import type { Context } from "hono";
import type { RequestMeta } from "../org/results";

export function requestMeta(c: Context): RequestMeta {
  return {
    ip: c.req.header("cf-connecting-ip") ?? undefined,
    userAgent: c.req.header("user-agent")?.slice(0, 512) ?? undefined,
  };
}
