// Bench-only Worker entry (never deployed): the session check's ceiling. GET /api/me is answered by hand, without
// Hono, middleware or security headers, with the same cookie parsing, keyed hash, object call and answer as the
// real route; every other path goes to the real app. The bench measures it beside B1 ("R1c"), so the share of R1's
// cost that is the framework, and the share that is the check itself, are figures and not guesses.
import app from "../../src/index";
import type { Env } from "../../src/env";
import { effectiveRole } from "../../src/http/actor";
import { hashCredential, parseCredential } from "../../src/http/credentials";
import { orgStub } from "../../src/org/stub";

export { DirectoryDurableObject, OrgDurableObject } from "../../src/index";

const SESSION_COOKIE = /(?:^|;\s*)session=([^;]+)/;

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    if (request.method !== "GET" || new URL(request.url).pathname !== "/api/me") return app.fetch(request, env, ctx);
    const token = SESSION_COOKIE.exec(request.headers.get("cookie") ?? "")?.[1];
    const route = parseCredential("gs", token);
    const identity =
      token && route
        ? await orgStub(env, route.slug, route.jurisdiction).authenticateSession(await hashCredential(env.HASH_KEY, token))
        : null;
    if (!identity) return Response.json({ error: { code: "unauthenticated" } }, { status: 401 });
    return Response.json({
      user: { ...identity.user, role: effectiveRole(identity), emailVerified: identity.emailVerified },
      org: { slug: identity.org.slug, name: identity.org.name, require2fa: identity.org.require2fa },
      twoFactor: { enabled: identity.twoFactor.enabled, recoveryCodesRemaining: identity.twoFactor.recoveryCodesRemaining },
    });
  },
};
