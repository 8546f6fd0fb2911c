// Rules that came out of a security review: each test fails without its fix.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addUser, BASE, call, callJson, createOrg, PASSWORD, randomEmail, randomSlug, signIn } from "../support/api";
import { advance, useTestClock } from "../support/clock";
import { TEST_SECRETS } from "../support/secrets";
import { codeFor } from "../support/totp";

useTestClock();

function wrong(code: string) {
  return String((Number(code) + 500_000) % 1_000_000).padStart(6, "0");
}

/** Every event's type, once per occurrence (a row of aggregated failures counts 1 + repeats). */
async function auditTypes(slug: string): Promise<string[]> {
  return runInDurableObject(env.ORG.getByName(slug), (_o, state) =>
    state.storage.sql
      .exec<{ type: string; repeats: number }>("SELECT type, repeats FROM audit ORDER BY id")
      .toArray()
      .flatMap((r) => Array<string>(1 + r.repeats).fill(r.type)),
  );
}

describe("after the security review", () => {
  it("counts wrong confirmation codes toward the lockout, so a stale session cannot guess its way in", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const setup = await callJson<{ secret: string }>("/api/me/2fa/setup", { method: "POST", cookie });
    const bad = wrong(codeFor(setup.body.secret));
    for (let i = 0; i < 10; i++) expect((await call("/api/me/2fa/confirm", { cookie, body: { code: bad } })).status).toBe(401);
    const locked = await call("/api/me/2fa/confirm", { cookie, body: { code: codeFor(setup.body.secret) } });
    expect(locked.status).toBe(429);
    expect((await auditTypes(org.slug)).filter((t) => t === "2fa.code_failed")).toHaveLength(10);
  });

  it("drops an unconfirmed setup after 15 minutes", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const setup = await callJson<{ secret: string }>("/api/me/2fa/setup", { method: "POST", cookie });
    advance(16 * 60_000);
    await call("/api/me", { cookie }); // keep the session alive
    const late = await callJson<{ error: { code: string } }>("/api/me/2fa/confirm", { cookie, body: { code: codeFor(setup.body.secret) } });
    expect(late.status).toBe(409);
  });

  it("does not log every attempt on a locked account (no flooding of the audit log)", async () => {
    const org = await createOrg();
    for (let i = 0; i < 10; i++) await call("/auth/login", { body: { email: org.admin.email, password: "wrong password" } });
    const before = (await auditTypes(org.slug)).length;
    for (let i = 0; i < 20; i++)
      expect((await call("/auth/login", { body: { email: org.admin.email, password: PASSWORD } })).status).toBe(429);
    expect((await auditTypes(org.slug)).length).toBe(before);
  });

  it("kills a half-done sign-in (an enrollment challenge) when the password changes", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const tech = await addUser(admin);
    const techCookie = await signIn(tech.email);
    await call("/api/org/settings", { method: "PATCH", cookie: admin, body: { require2fa: true } });
    const login = await callJson<{ status: string; challenge: string }>("/auth/login", { body: { email: tech.email, password: PASSWORD } });
    expect(login.body.status).toBe("enrollment_required");
    const changed = await call("/api/me/password", {
      cookie: techCookie,
      body: { currentPassword: PASSWORD, newPassword: "a brand new passphrase" },
    });
    expect(changed.status).toBe(204);
    expect((await call("/auth/login/enroll", { body: { challenge: login.body.challenge } })).status).toBe(401);
  });

  it("refuses a password step whose checked hash is no longer the stored one, without counting a failure", async () => {
    const org = await createOrg();
    const stub = env.ORG.getByName(org.slug);
    const r = await stub.completePasswordStep({
      userId: org.admin.id,
      checkedHash: "pbkdf2-sha256:1:old:old",
      passed: true,
      sessionTokenHash: "x",
      meta: {},
    });
    expect(r).toEqual({ ok: false, reason: "invalid_credentials" });
    const failed = await runInDurableObject(
      stub,
      (_o, state) => state.storage.sql.exec<{ n: number }>("SELECT failed_passwords AS n FROM users").one().n,
    );
    expect(failed).toBe(0);
  });

  it("answers a broken multipart form with a 400 page error, not a 500", async () => {
    const res = await call("/login", {
      body: '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\nbroken',
      headers: { "content-type": "multipart/form-data; boundary=x", origin: BASE },
    });
    expect(res.status).toBeLessThan(500);
    expect(res.status).toBeGreaterThanOrEqual(400);
  });

  it("keeps the slug claimed when two creations of one slug race", async () => {
    const slug = randomSlug("race");
    const create = () =>
      callJson("/api/platform/orgs", {
        bearer: TEST_SECRETS.PLATFORM_TOKEN,
        body: { slug, name: "Race", admin: { email: randomEmail(), password: PASSWORD } },
      });
    const results = await Promise.all([create(), create(), create()]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    // The operator endpoint still finds the org by its slug (a lost claim would answer "No org has this slug").
    const reset = await callJson<{ error: { message: string } }>(`/api/platform/orgs/${slug}/users/usr_nobody/2fa/reset`, {
      method: "POST",
      bearer: TEST_SECRETS.PLATFORM_TOKEN,
    });
    expect(reset.status).toBe(404);
    expect(reset.body.error.message).not.toContain("slug");
  });
});
