// Bench-only Worker entry (never deployed): the hot paths' ceiling. GET /api/me (the session check) and
// POST /auth/login/2fa (the code step) are answered by hand, without Hono, middleware or security headers, with the
// same work as the real routes: the same cookie parsing, keyed hash, body validation, flow, calls into the org's
// object and JSON answers. Every other path goes to the real app. The bench measures them beside their runtime's
// B1 and B2 (R1c, R2c), so the share of R1's and R2's cost that is the framework, and the share that is the work
// itself, are figures and not guesses.
import { parse, serialize } from "hono/utils/cookie";
import type { Env } from "../../src/env";
import { ApiError, errorResponse, toApiError } from "../../src/errors";
import { signInWithTotp } from "../../src/flows/sign-in";
import { effectiveRole } from "../../src/http/actor";
import { sessionCookieOptions } from "../../src/http/cookies";
import { hashCredential, parseCredential } from "../../src/http/credentials";
import { metaOf } from "../../src/http/meta";
import app from "../../src/index";
import { orgStub } from "../../src/org/stub";
import { codeBody } from "../../src/routes/auth";

export { DirectoryDurableObject, OrgDurableObject } from "../../src/index";

/** The cookie's name on plain http, where the bench runs (http/cookies.ts). */
const SESSION_COOKIE = "session";

async function sessionCheck(request: Request, env: Env): Promise<Response> {
  const token = parse(request.headers.get("cookie") ?? "", SESSION_COOKIE)[SESSION_COOKIE];
  const route = parseCredential("gs", token);
  const identity =
    token && route
      ? await orgStub(env, route.slug, route.jurisdiction).authenticateSession(await hashCredential(env.HASH_KEY, token))
      : null;
  if (!identity) throw new ApiError("unauthenticated");
  return Response.json({
    user: { ...identity.user, role: effectiveRole(identity), emailVerified: identity.emailVerified },
    org: { slug: identity.org.slug, name: identity.org.name, require2fa: identity.org.require2fa },
    twoFactor: { enabled: identity.twoFactor.enabled, recoveryCodesRemaining: identity.twoFactor.recoveryCodesRemaining },
  });
}

async function codeStep(request: Request, env: Env): Promise<Response> {
  const body = codeBody.safeParse(await request.json().catch(() => null));
  if (!body.success) throw new ApiError("invalid_request");
  const result = await signInWithTotp(
    env,
    body.data,
    metaOf((name) => request.headers.get(name) ?? undefined),
  );
  if (result.status !== "authenticated")
    return Response.json({ status: result.status, challenge: result.challenge, methods: result.methods });
  return Response.json(
    { status: "authenticated" },
    { headers: { "set-cookie": serialize(SESSION_COOKIE, result.sessionToken, sessionCookieOptions(env)) } },
  );
}

/** Errors become the app's error answer (errors.ts), as onError makes them. */
async function answered(work: Promise<Response>): Promise<Response> {
  try {
    return await work;
  } catch (err) {
    return errorResponse(toApiError(err));
  }
}

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response> {
    // Deployed by mistake (`wrangler deploy bench/ceiling/worker.ts`), it is the real app: only the test runtimes that
    // the bench starts set TEST_SEAMS, and only there do the hand-written paths, which skip every guard, answer.
    if (env.TEST_SEAMS !== "true") return app.fetch(request, env, ctx);
    const path = new URL(request.url).pathname;
    if (request.method === "GET" && path === "/api/me") return answered(sessionCheck(request, env));
    if (request.method === "POST" && path === "/auth/login/2fa") return answered(codeStep(request, env));
    return app.fetch(request, env, ctx);
  },
};
