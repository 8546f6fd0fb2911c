// A request's session may be ended (sign out everywhere, a password change) between the edge's check and the org
// object's write. Where that write replaces the session with a new token (enabling 2FA, changing one's own role),
// an ended session must stay ended: no fresh replacement comes back in its place.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { hashCredential } from "../../src/http/credentials";
import { addUser, callJson, createOrg, signIn } from "../support/api";
import { useTestClock } from "../support/clock";
import { codeFor } from "../support/totp";

useTestClock();

/** The stored hash of the session a "name=value" cookie carries. */
function sessionHash(cookie: string) {
  return hashCredential(env.HASH_KEY, cookie.slice(cookie.indexOf("=") + 1));
}

function sessionExists(slug: string, tokenHash: string) {
  return runInDurableObject(
    env.ORG.getByName(slug),
    (_o, state) => state.storage.sql.exec("SELECT 1 FROM sessions WHERE token_hash = ?", tokenHash).toArray().length > 0,
  );
}

/** An admin's own demotion as the org's object receives it, the session `from` to be replaced by "replacement-hash". */
function demoteSelf(slug: string, userId: string, from: string) {
  return env.ORG.getByName(slug).patchUser({
    userId,
    role: "technician",
    caller: { kind: "session", userId, steppedUp: true },
    rotate: { from, tokenHash: "replacement-hash" },
    actor: { type: "user", id: userId },
    meta: {},
  });
}

describe("a session ended while its request is on the way", () => {
  it("is not replaced when the request confirms an authenticator app, and nothing is enabled or spent", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const setup = await callJson<{ secret: string }>("/api/me/2fa/setup", { method: "POST", cookie });
    const stub = env.ORG.getByName(org.slug);
    const old = await sessionHash(cookie);
    await stub.logout(old);
    const input = {
      userId: org.admin.id,
      code: codeFor(setup.body.secret),
      recoveryCodeHashes: Array.from({ length: 10 }, (_, i) => `hash-${i}`),
      via: { session: old, newSessionTokenHash: "replacement-hash" },
      meta: {},
    };
    expect(await stub.confirmEnrollment(input)).toEqual({ ok: false, reason: "invalid_challenge" });
    expect(await sessionExists(org.slug, "replacement-hash")).toBe(false);
    // The code was not spent: a live session confirms with the same code.
    const again = await signIn(org.admin.email);
    const confirm = await callJson("/api/me/2fa/confirm", { cookie: again, body: { code: input.code } });
    expect(confirm.status).toBe(200);
  });

  it("is not replaced when the request changes its user's own role; the role still changes", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const other = await addUser(cookie, "admin");
    const otherCookie = await signIn(other.email);
    const stub = env.ORG.getByName(org.slug);
    const old = await sessionHash(otherCookie);
    await stub.logout(old);
    const result = await demoteSelf(org.slug, other.id, old);
    expect(result).toMatchObject({ ok: true, value: { rotated: false, user: { role: "technician" } } });
    expect(await sessionExists(org.slug, "replacement-hash")).toBe(false);
  });

  it("is still replaced when it is alive (the usual case)", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const other = await addUser(cookie, "admin");
    const old = await sessionHash(await signIn(other.email));
    const result = await demoteSelf(org.slug, other.id, old);
    expect(result).toMatchObject({ ok: true, value: { rotated: true } });
    expect(await sessionExists(org.slug, "replacement-hash")).toBe(true);
    expect(await sessionExists(org.slug, old)).toBe(false);
  });
});
