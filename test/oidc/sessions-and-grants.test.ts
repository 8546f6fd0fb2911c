// What an application holds follows the Gatehouse session it came from: a session signed out or ended from the Account page's
// list takes its grants with it; a code minted just before the user's sessions were revoked gives nothing; and a
// session rotated by enabling 2FA keeps its sign-in time (OpenID auth_time), since a new token is no new sign-in.
import { describe, expect, it } from "vitest";
import { call, callJson, createOrg, PASSWORD, signIn } from "../support/api";
import { advance, useTestClock } from "../support/clock";
import { codeFor, enroll } from "../support/totp";
import { addUser } from "../support/api";
import { pageOf, postForm } from "../support/pages";
import { authorize, codeFlow, orgClient, pkce, redeem, tokenRequest, userinfo, verifyIdToken } from "./support";

useTestClock();

async function otherSessionId(cookie: string): Promise<string> {
  const list = await callJson<{ sessions: { id: string; current: boolean }[] }>("/api/me/sessions", { cookie });
  const other = list.body.sessions.find((s) => !s.current);
  if (!other) throw new Error("no other session");
  return other.id;
}

describe("OpenID grants and the sessions they came from", () => {
  it("ends the grants of a session ended from the Account page's list", async () => {
    const org = await createOrg();
    const first = await signIn(org.admin.email);
    const client = await orgClient(first);
    const tokens = await codeFlow(client, first, { scope: "openid offline_access" });
    expect((await userinfo(tokens.access_token as string)).status).toBe(200);

    const second = await signIn(org.admin.email);
    expect((await call(`/api/me/sessions/${await otherSessionId(second)}`, { method: "DELETE", cookie: second })).status).toBe(204);

    const refresh = await tokenRequest(client, { grant_type: "refresh_token", refresh_token: tokens.refresh_token as string });
    expect(refresh.status).toBe(400);
    expect(refresh.body).toMatchObject({ error: "invalid_grant" });
    expect((await userinfo(tokens.access_token as string)).status).toBe(401);
  });

  it("ends the grants of a session signed out, by the API or by the pages' Sign out", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const client = await orgClient(admin);
    const signOuts: Record<string, (cookie: string) => Promise<Response>> = {
      "POST /auth/logout": (cookie) => call("/auth/logout", { method: "POST", cookie, body: {} }),
      "POST /logout": async (cookie) => {
        const { token } = await pageOf("/account", cookie);
        return postForm("/logout", { token, cookie });
      },
    };
    for (const [how, signOut] of Object.entries(signOuts)) {
      const cookie = await signIn(org.admin.email);
      const tokens = await codeFlow(client, cookie, { scope: "openid offline_access" });
      expect((await userinfo(tokens.access_token as string)).status).toBe(200);
      expect([how, (await signOut(cookie)).status]).toEqual([how, how === "POST /logout" ? 303 : 204]);
      const refresh = await tokenRequest(client, { grant_type: "refresh_token", refresh_token: tokens.refresh_token as string });
      expect([how, refresh.status, refresh.body]).toMatchObject([how, 400, { error: "invalid_grant" }]);
      expect([how, (await userinfo(tokens.access_token as string)).status]).toEqual([how, 401]);
    }
    // Another session's grants live on.
    const kept = await codeFlow(client, admin, { scope: "openid offline_access" });
    expect((await tokenRequest(client, { grant_type: "refresh_token", refresh_token: kept.refresh_token as string })).status).toBe(200);
  });

  it("ends the grants of a session signed out after it went idle (the tab still showed Sign out)", async () => {
    const org = await createOrg();
    const client = await orgClient(await signIn(org.admin.email));
    const cookie = await signIn(org.admin.email);
    const tokens = await codeFlow(client, cookie, { scope: "openid offline_access" });
    advance(31 * 60_000); // past SESSION_IDLE_MINUTES (30)
    expect((await call("/auth/logout", { method: "POST", cookie })).status).toBe(204);
    const r = await tokenRequest(client, { grant_type: "refresh_token", refresh_token: tokens.refresh_token as string });
    expect([r.status, r.body.error]).toEqual([400, "invalid_grant"]);
  });

  it("gives a session closed by its owner's enrollment at sign-in no code, and ends what its grants held", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const client = await orgClient(admin);
    const member = await addUser(admin);
    // Someone who knew the member's password before the org required 2FA, with an application's grant already.
    const thief = await signIn(member.email);
    const before = await codeFlow(client, thief, { scope: "openid offline_access" });
    const pending = await pkce();
    const held = (await authorize(client, thief, pending.challenge, { scope: "openid offline_access" })).params.get("code") as string;
    expect(held).toBeTruthy();
    expect((await call("/api/org/settings", { method: "PATCH", cookie: admin, body: { require2fa: true } })).status).toBe(200);
    const { challenge } = (await callJson<{ challenge: string }>("/auth/login", { body: { email: member.email, password: PASSWORD } }))
      .body;
    const setup = await callJson<{ secret: string }>("/auth/login/enroll", { body: { challenge } });
    expect((await call("/auth/login/enroll/confirm", { body: { challenge, code: codeFor(setup.body.secret) } })).status).toBe(200);

    // The grant made on the password alone ends with the owner's first factor, as enabling 2FA from a session ends it.
    const refreshed = await tokenRequest(client, { grant_type: "refresh_token", refresh_token: before.refresh_token as string });
    expect([refreshed.status, refreshed.body.error]).toEqual([400, "invalid_grant"]);
    // A code it was given before is redeemed for nothing.
    const late = await redeem(client, held, pending.verifier);
    expect([late.status, late.body.error]).toEqual([400, "invalid_grant"]);
    // The closed session gets no new code: the application sends the person to sign in, with the factor this time.
    const { challenge: pkceChallenge } = await pkce();
    const asked = await authorize(client, thief, pkceChallenge, { scope: "openid offline_access" });
    expect(asked.params.get("code")).toBeNull();
    expect(asked.res.status).toBe(302);
    expect(asked.location).toBe("/");
    const silent = await authorize(client, thief, pkceChallenge, { scope: "openid", prompt: "none" });
    expect(silent.params.get("error")).toBe("login_required");
  });

  it("gives nothing for a code whose session was revoked before it was redeemed", async () => {
    const org = await createOrg();
    const first = await signIn(org.admin.email);
    const client = await orgClient(first);
    const { verifier, challenge } = await pkce();
    const code = (await authorize(client, first, challenge)).params.get("code") as string;
    expect(code).toBeTruthy();

    const second = await signIn(org.admin.email);
    expect((await call("/api/me/sessions/revoke-others", { method: "POST", cookie: second })).status).toBe(204);

    const r = await redeem(client, code, verifier);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: "invalid_grant" });
  });

  it("keeps the sign-in time of a session rotated by enabling 2FA", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const client = await orgClient(admin);
    const user = await addUser(admin);
    const signedInAt = Math.floor(Date.now() / 1000);
    const cookie = await signIn(user.email);
    advance(10 * 60_000);
    const enrolled = await enroll(cookie);

    const id = await verifyIdToken((await codeFlow(client, enrolled.cookie)).id_token as string, client.clientId);
    expect(id.auth_time).toBeLessThanOrEqual(signedInAt + 1);
    // max_age shorter than the time since that sign-in asks for a new one.
    const { challenge } = await pkce();
    const fresh = await authorize(client, enrolled.cookie, challenge, { max_age: "60" });
    expect(fresh.params.get("code")).toBeNull();
  });
});
