// A passkey belongs to a person in an org: deactivating them shuts passwordless sign-in with an answer that says so,
// and removing them frees their passkeys' directory entries so the credential leads nowhere.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { credentialClaim } from "../../src/directory/names";
import { call, callJson } from "../support/api";
import { useTestClock } from "../support/clock";
import { passkeyTechnician } from "../support/passkeys";

useTestClock();

type Err = { error: { code: string } };

async function passwordless(response: (o: { challenge: string }) => Promise<unknown>) {
  const o = await callJson<{ challenge: string }>("/auth/passkey/options", { body: {} });
  return callJson<Err>("/auth/passkey", { body: { response: await response(o.body) } });
}

describe("a passkey's owner leaving the org", () => {
  it("answers 403 account_deactivated to a deactivated user's passkey sign-in", async () => {
    const u = await passkeyTechnician();
    const off = await callJson(`/api/org/users/${u.id}`, { method: "PATCH", cookie: u.adminCookie, body: { active: false } });
    expect(off.status).toBe(200);
    const r = await passwordless((o) => u.auth.assert(o));
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("account_deactivated");
  });

  it("frees a removed user's passkeys in the directory: the credential then signs no one in", async () => {
    const u = await passkeyTechnician();
    const entry = await credentialClaim(env, u.auth.id);
    expect(await entry.lookup()).toEqual({ orgSlug: u.org.slug, jurisdiction: null, userId: u.id });
    expect((await call(`/api/org/users/${u.id}`, { method: "DELETE", cookie: u.adminCookie })).status).toBe(204);
    expect(await entry.lookup()).toBeNull();
    const r = await passwordless((o) => u.auth.assert(o));
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("invalid_credentials");
  });
});
