// GET/POST /oauth/userinfo (OIDC Core 5.3): the person's claims for a valid access token whose grant is still
// alive in their org's object (revoked, reused refresh token, sessions revoked: the answer is 401 at once).
import { type Context, Hono } from "hono";
import type { AppEnv } from "../env";
import { orgStub } from "../org/stub";
import { issuerOf } from "./issuer";
import { verifyAccessToken } from "./jwt";

function invalidToken(c: Context<AppEnv>) {
  // RFC 6750 3.1
  c.header("WWW-Authenticate", 'Bearer realm="gatehouse", error="invalid_token"');
  return c.json({ error: "invalid_token", error_description: "The access token is invalid, expired or revoked." }, 401);
}

/** No token at all: RFC 6750 3.1 says the answer then names no error, in the challenge or the body. */
function tokenMissing(c: Context<AppEnv>) {
  c.header("WWW-Authenticate", 'Bearer realm="gatehouse"');
  return c.json({ error_description: "Send the access token as Authorization: Bearer <token>." }, 401);
}

async function userinfo(c: Context<AppEnv>) {
  const header = c.req.header("authorization")?.trim();
  if (!header) return tokenMissing(c);
  // The scheme's name is case-insensitive (RFC 9110 11.1).
  const m = /^Bearer +([A-Za-z0-9_.-]{1,4096})$/i.exec(header);
  if (!m) return invalidToken(c);
  const access = await verifyAccessToken(c.env, issuerOf(c), m[1] as string);
  if (!access) return invalidToken(c);
  const found = await orgStub(c.env, access.slug, access.jurisdiction).grantClaims(access.grantId, access.sub);
  if (!found || found.claims.org !== access.slug) return invalidToken(c);
  return c.json({ ...found.claims, amr: found.amr, auth_time: found.authTime, sid: found.sid });
}

export const userinfoRoutes = new Hono<AppEnv>().get("/userinfo", userinfo).post("/userinfo", userinfo);
