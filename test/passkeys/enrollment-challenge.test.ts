// A sign-in's enrollment challenge may add a passkey only as far as the factors behind it reach: one made after the
// password alone sets up a first factor and nothing beside an existing one; and an org that requires
// phishing-resistant sign-in requires a second factor, so none of its members can drop their last one, and a
// password-only session there cannot mint a credential.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addUser, call, callJson, createOrg, PASSWORD, sessionCookieFrom, signIn } from "../support/api";
import { SoftAuthenticator } from "../support/authenticator";
import { useTestClock } from "../support/clock";
import { enrolledTechnician, staleSession } from "../support/flows";
import { passkeyTechnician, passwordStep } from "../support/passkeys";
import { codeFor } from "../support/totp";

useTestClock();

type Body = { status?: string; challenge?: string; error?: { code: string } };

async function phishingResistantOrg() {
  const org = await createOrg();
  const admin = await signIn(org.admin.email);
  const r = await callJson("/api/org/settings", { method: "PATCH", cookie: admin, body: { requirePhishingResistant: true } });
  expect(r.status).toBe(200);
  return { org, admin };
}

function enrollOptions(challenge: string) {
  return callJson<{ challenge: string }>("/auth/login/enroll/passkey/options", { body: { challenge } });
}

function enrollFinish(challenge: string, response: unknown) {
  return callJson<Body>("/auth/login/enroll/passkey", { body: { challenge, name: "Mine", response } });
}

function lastAmr(slug: string, userId: string) {
  return runInDurableObject(
    env.ORG.getByName(slug),
    (_o, state) =>
      state.storage.sql
        .exec<{ amr: string | null }>("SELECT amr FROM sessions WHERE user_id = ? ORDER BY created_at DESC LIMIT 1", userId)
        .one().amr,
  );
}

describe("a sign-in's enrollment challenge", () => {
  it("made from the password alone adds no passkey once the user has a second factor", async () => {
    const { org, admin } = await phishingResistantOrg();
    const victim = await addUser(admin);
    // An attacker with the password alone gets an enrollment challenge and its options...
    const attacker = await callJson<Body>("/auth/login", { body: { email: victim.email, password: PASSWORD } });
    expect(attacker.body.status).toBe("enrollment_required");
    const stolen = attacker.body.challenge as string;
    const attackerKey = new SoftAuthenticator();
    const early = await enrollOptions(stolen);
    expect(early.status).toBe(200);
    // ...then the victim enrolls their own passkey through their own sign-in.
    const own = await callJson<Body>("/auth/login", { body: { email: victim.email, password: PASSWORD } });
    const ownOptions = await enrollOptions(own.body.challenge as string);
    expect((await enrollFinish(own.body.challenge as string, await new SoftAuthenticator().register(ownOptions.body))).status).toBe(200);
    // The attacker's challenge now adds nothing and signs in nobody: neither the options given before nor new ones.
    const late = await enrollFinish(stolen, await attackerKey.register(early.body));
    expect(late.status).toBe(401);
    expect(sessionCookieFrom(late.res)).toBeUndefined();
    expect((await enrollOptions(stolen)).status).toBe(401);
    const count = await runInDurableObject(
      env.ORG.getByName(org.slug),
      (_o, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM passkeys WHERE user_id = ?", victim.id).one().n,
    );
    expect(count).toBe(1);
  });

  it("made after a code adds the passkey, and the session's amr names the passkey, not a code", async () => {
    const u = await enrolledTechnician();
    const admin = await signIn(u.org.admin.email);
    expect((await callJson("/api/org/settings", { method: "PATCH", cookie: admin, body: { requirePhishingResistant: true } })).status).toBe(
      200,
    );
    const step = await passwordStep(u.email);
    const r = await callJson<Body>("/auth/login/2fa", { body: { challenge: step.challenge, code: codeFor(u.enrollment.secret) } });
    expect(r.body.status).toBe("enrollment_required");
    const enroll = r.body.challenge as string;
    const done = await enrollFinish(enroll, await new SoftAuthenticator().register((await enrollOptions(enroll)).body));
    expect(done.body.status).toBe("authenticated");
    expect(JSON.parse((await lastAmr(u.org.slug, u.id)) ?? "[]")).toEqual(["pwd", "hwk", "mfa"]);
  });

  it("made from the password alone gives a first passkey an amr without 'otp'", async () => {
    const { org, admin } = await phishingResistantOrg();
    const user = await addUser(admin);
    const r = await callJson<Body>("/auth/login", { body: { email: user.email, password: PASSWORD } });
    const enroll = r.body.challenge as string;
    expect((await enrollFinish(enroll, await new SoftAuthenticator().register((await enrollOptions(enroll)).body))).status).toBe(200);
    expect(JSON.parse((await lastAmr(org.slug, user.id)) ?? "[]")).toEqual(["pwd", "hwk", "mfa"]);
  });
});

describe("an org that requires phishing-resistant sign-in requires a second factor", () => {
  it("refuses to remove a member's last passkey", async () => {
    const u = await passkeyTechnician();
    const admin = await signIn(u.org.admin.email);
    expect((await callJson("/api/org/settings", { method: "PATCH", cookie: admin, body: { requirePhishingResistant: true } })).status).toBe(
      200,
    );
    const r = await callJson<Body>(`/api/me/passkeys/${u.passkeyId}`, { method: "DELETE", cookie: u.cookie, body: {} });
    expect(r.status).toBe(409);
    expect(r.body.error?.code).toBe("enforced_by_org");
  });

  it("does not let a stale password-only session step up to create an API key", async () => {
    const { admin } = await phishingResistantOrg();
    staleSession();
    const r = await callJson<Body>("/api/org/api-keys", { cookie: admin, body: { name: "ci", role: "admin", password: PASSWORD } });
    expect(r.status).toBe(403);
    expect(r.body.error?.code).toBe("step_up_required");
    expect((await call("/api/org/api-keys", { cookie: admin })).status).toBe(200);
  });
});
