// Guessing is bounded: wrong passwords and codes, at sign-in and at enrollment, lock the account for 15 minutes.
import { describe, expect, it } from "vitest";
import { call, callJson, createOrg, PASSWORD, randomEmail, signIn } from "../support/api";
import { auditTypes } from "../support/audit";
import { advance, useTestClock } from "../support/clock";
import { challengeFor, enrolledTechnician } from "../support/flows";
import { wrongCode } from "../support/codes";
import { codeFor } from "../support/totp";

useTestClock();

async function wrongCodes(email: string, code: string, n: number) {
  let challenge = await challengeFor(email);
  for (let i = 0; i < n; i++) {
    if (i > 0 && i % 5 === 0) challenge = await challengeFor(email); // a challenge dies after 5
    expect((await call("/auth/login/2fa", { body: { challenge, code: wrongCode(code) } })).status).toBe(401);
  }
}

describe("brute-force limits", () => {
  it("locks the account for 15 minutes after 10 wrong codes in a row, even with the right password", async () => {
    const u = await enrolledTechnician();
    await wrongCodes(u.email, codeFor(u.enrollment.secret), 10);
    const locked = await callJson<{ error: { code: string } }>("/auth/login", { body: { email: u.email, password: PASSWORD } });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe("too_many_attempts");
    const retry = Number(locked.headers.get("retry-after"));
    expect(retry).toBeGreaterThan(14 * 60);
    expect(retry).toBeLessThanOrEqual(15 * 60);
    advance(15 * 60 * 1000 + 1000);
    const after = await callJson<{ status: string }>("/auth/login", { body: { email: u.email, password: PASSWORD } });
    expect(after.body.status).toBe("2fa_required");
  });

  it("refuses even a correct code while locked", async () => {
    const u = await enrolledTechnician();
    await wrongCodes(u.email, codeFor(u.enrollment.secret), 9);
    const challenge = await challengeFor(u.email);
    expect((await call("/auth/login/2fa", { body: { challenge, code: wrongCode(codeFor(u.enrollment.secret)) } })).status).toBe(401);
    const res = await call("/auth/login/2fa", { body: { challenge, code: codeFor(u.enrollment.secret) } });
    expect(res.status).toBe(429);
  });

  it("resets the count after a success", async () => {
    const u = await enrolledTechnician();
    const code = codeFor(u.enrollment.secret);
    await wrongCodes(u.email, code, 9);
    expect((await call("/auth/login/2fa", { body: { challenge: await challengeFor(u.email), code } })).status).toBe(200);
    await wrongCodes(u.email, code, 9);
    expect((await callJson("/auth/login", { body: { email: u.email, password: PASSWORD } })).status).toBe(200);
  });

  it("locks after 10 wrong passwords, and a correct password does not lift it", async () => {
    const org = await createOrg();
    for (let i = 0; i < 10; i++) {
      expect((await call("/auth/login", { body: { email: org.admin.email, password: "not the password" } })).status).toBe(401);
    }
    const r = await call("/auth/login", { body: { email: org.admin.email, password: PASSWORD } });
    expect(r.status).toBe(429);
    expect(r.headers.get("retry-after")).toBeTruthy();
  });

  it("throttles an unknown email the same way, with the same body, so a 429 reveals nothing", async () => {
    const org = await createOrg();
    const unknown = randomEmail("ghost");
    const answers = [];
    for (const email of [org.admin.email, unknown]) {
      for (let i = 0; i < 10; i++) await call("/auth/login", { body: { email, password: "not the password" } });
      answers.push(await callJson("/auth/login", { body: { email, password: "not the password" } }));
    }
    expect(answers[0]?.status).toBe(429);
    expect(answers[1]?.status).toBe(429);
    expect(answers[0]?.body).toEqual(answers[1]?.body);
  });

  it("counts wrong enrollment confirmation codes toward the lockout, so a stale session cannot guess its way in", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const setup = await callJson<{ secret: string }>("/api/me/2fa/setup", { method: "POST", cookie });
    const bad = wrongCode(codeFor(setup.body.secret));
    for (let i = 0; i < 10; i++) expect((await call("/api/me/2fa/confirm", { cookie, body: { code: bad } })).status).toBe(401);
    const locked = await call("/api/me/2fa/confirm", { cookie, body: { code: codeFor(setup.body.secret) } });
    expect(locked.status).toBe(429);
    expect((await auditTypes(org.slug)).filter((t) => t === "2fa.code_failed")).toHaveLength(10);
  });
});
