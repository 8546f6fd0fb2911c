// GET/POST /oauth/userinfo's bearer challenge (RFC 6750 3.1): the scheme's name in any case (RFC 9110 11.1); no token
// at all is a challenge naming no error; a bad or revoked token is invalid_token.
import { describe, expect, it } from "vitest";
import { callJson, createOrg, signIn } from "../support/api";
import { useTestClock } from "../support/clock";
import { codeFlow, orgClient } from "./support";

useTestClock();

const info = (authorization?: string) =>
  callJson<Record<string, unknown>>("/oauth/userinfo", authorization === undefined ? {} : { headers: { authorization } });

describe("/oauth/userinfo", () => {
  it("takes the Bearer scheme in any case, challenges a request without a token naming no error, and a bad token as invalid_token", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const tokens = await codeFlow(await orgClient(admin), admin);
    // RFC 6750 2.1: "Bearer" 1*SP token.
    for (const header of ["Bearer", "bearer", "BEARER", "Bearer "].map((s) => `${s} ${tokens.access_token}`)) {
      const r = await info(header);
      expect([r.status, r.body.sub], header).toEqual([200, org.admin.id]);
    }
    for (const none of [await info(), await info("")]) {
      expect(none.status).toBe(401);
      expect(none.headers.get("www-authenticate")).toBe('Bearer realm="gatehouse"');
      expect(none.body.error).toBeUndefined();
    }
    for (const bad of [`Bearer ${tokens.access_token}x`, `Basic ${tokens.access_token}`, "Bearer", `Bearer\t${tokens.access_token}`]) {
      const r = await info(bad);
      expect(r.status, bad).toBe(401);
      expect(r.headers.get("www-authenticate"), bad).toBe('Bearer realm="gatehouse", error="invalid_token"');
    }
  });
});
