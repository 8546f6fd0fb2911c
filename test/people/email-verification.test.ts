import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { revokeUserMailLinks } from "../../src/org/actions/email";
import { addUser, callJson, createOrg, signIn } from "../support/api";
import { auditTypes } from "../support/audit";
import { advance, useTestClock } from "../support/clock";
import { mailsTo, recordMail, tokenIn } from "../support/links";

useTestClock();

type Listed = { users: { id: string; emailVerified: boolean }[] };

async function setUp() {
  const org = await createOrg();
  const cookie = await signIn(org.admin.email);
  const mail = await recordMail(org.slug);
  const user = await addUser(cookie);
  const [verify] = await mailsTo(org.slug, mail, user.email);
  return { org, cookie, mail, user, verify, token: tokenIn(verify as never, "/email-link/") };
}

const verifiedIn = async (cookie: string, id: string) =>
  (await callJson<Listed>("/api/org/users", { cookie })).body.users.find((u) => u.id === id)?.emailVerified;

const follow = (token: string) =>
  callJson<{ status: string; email: string; error?: { code: string } }>("/api/email/confirm", { body: { token } });

describe("email verification of an account made with a password", () => {
  it("starts unverified, mails a link, and the link verifies it once", async () => {
    const { org, cookie, user, verify, token } = await setUp();
    expect(verify?.subject).toBe("Confirm your email address");
    expect(await verifiedIn(cookie, user.id)).toBe(false);
    const mine = await signIn(user.email);
    expect((await callJson<{ user: { emailVerified: boolean } }>("/api/me", { cookie: mine })).body.user.emailVerified).toBe(false);

    const r = await follow(token);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: "verified", email: user.email });
    expect(await verifiedIn(cookie, user.id)).toBe(true);
    expect((await callJson<{ user: { emailVerified: boolean } }>("/api/me", { cookie: mine })).body.user.emailVerified).toBe(true);
    const again = await follow(token);
    expect(again.status).toBe(401);
    expect(again.body.error?.code).toBe("invalid_code");
    expect(await auditTypes(org.slug)).toEqual(expect.arrayContaining(["user.email_verification_sent", "user.email_verified"]));
  });

  it("dies after 7 days, and one answer covers dead, unknown and malformed links", async () => {
    const { org, user, token } = await setUp();
    advance(7 * 86_400_000 + 1000);
    const cookie = await signIn(org.admin.email);
    for (const t of [token, `${token.slice(0, -2)}xx`, "gm.nope.-.aaaaaaaaaaaaaaaaaaaaaaaaaaaa", "x"]) {
      const r = await follow(t);
      expect(r.status).toBe(401);
      expect(r.body.error?.code).toBe("invalid_code");
    }
    expect(await verifiedIn(cookie, user.id)).toBe(false);
  });

  it("dies with revokeUserMailLinks (deactivation and removal call it)", async () => {
    const { org, cookie, user, token } = await setUp();
    const killed = await runInDurableObject(env.ORG.getByName(org.slug), (_o, state) =>
      revokeUserMailLinks({ sql: state.storage.sql, env, tx: (fn) => state.storage.transactionSync(fn) }, user.id),
    );
    expect(killed).toBe(1);
    expect((await follow(token)).status).toBe(401);
    expect(await verifiedIn(cookie, user.id)).toBe(false);
  });
});
