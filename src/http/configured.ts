// A Worker with a missing or bad configuration refuses to serve rather than run half-protected: every request
// but GET /healthz (which lists the problems) answers 500 with a message naming the variables (config.ts).
import type { MiddlewareHandler } from "hono";
import { configProblems } from "../config";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";

export const HEALTH_PATH = "/healthz";

export const refuseMisconfigured: MiddlewareHandler<AppEnv> = async (c, next) => {
  const health = c.req.path === HEALTH_PATH && (c.req.method === "GET" || c.req.method === "HEAD");
  const problems = health ? [] : configProblems(c.env);
  if (problems.length > 0) {
    throw new ApiError("internal_error", `Gatehouse is not configured correctly, so it refuses to serve: ${problems.join("; ")}.`);
  }
  await next();
};
