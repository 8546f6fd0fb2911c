import { describe, expect, it } from "vitest";
import { SignJWT } from "jose";
import { addUser, call, callJson, createOrg, sessionCookieFrom, signIn } from "../support/api";
import { advance, nextStep, useTestClock } from "../support/clock";
import { challengeFor, enrolledTechnician } from "../support/flows";
import { wrongCode } from "../support/codes";
import { codeFor, enroll } from "../support/totp";

useTestClock();

describe("the second step of sign-in", () => {
  it("signs in with password then code, and the session works", async () => {
    const u = await enrolledTechnician();
    const challenge = await challengeFor(u.email);
    const res = await call("/auth/login/2fa", { body: { challenge, code: codeFor(u.enrollment.secret) } });
    expect(res.status).toBe(200);
    const cookie = sessionCookieFrom(res);
    expect(cookie).toBeDefined();
    const me = await callJson<{ user: { email: string } }>("/api/me", { cookie: cookie as string });
    expect(me.body.user.email).toBe(u.email);
  });

  it("accepts a code with spaces as typed (123 456)", async () => {
    const u = await enrolledTechnician();
    const challenge = await challengeFor(u.email);
    const code = codeFor(u.enrollment.secret);
    const res = await call("/auth/login/2fa", { body: { challenge, code: `${code.slice(0, 3)} ${code.slice(3)}` } });
    expect(res.status).toBe(200);
  });

  it("does not treat the challenge as a session", async () => {
    const u = await enrolledTechnician();
    const challenge = await challengeFor(u.email);
    expect((await call("/api/me", { cookie: `__Host-session=${challenge}` })).status).toBe(401);
    expect((await call("/api/me", { bearer: challenge })).status).toBe(401);
  });

  it("refuses a challenge after it was used successfully", async () => {
    const u = await enrolledTechnician();
    const challenge = await challengeFor(u.email);
    expect((await call("/auth/login/2fa", { body: { challenge, code: codeFor(u.enrollment.secret) } })).status).toBe(200);
    nextStep();
    const again = await callJson<{ error: { code: string } }>("/auth/login/2fa", {
      body: { challenge, code: codeFor(u.enrollment.secret) },
    });
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe("invalid_code");
  });

  it("kills a challenge after 5 wrong codes, even for the right code next", async () => {
    const u = await enrolledTechnician();
    const challenge = await challengeFor(u.email);
    const good = codeFor(u.enrollment.secret);
    const answers: [number, string][] = [];
    for (let i = 0; i < 5; i++) {
      const r = await callJson<{ error: { code: string; message: string } }>("/auth/login/2fa", {
        body: { challenge, code: wrongCode(good) },
      });
      answers.push([r.status, r.body.error.message]);
    }
    // The fifth wrong code says the attempt is over, rather than inviting a sixth code it will refuse anyway.
    const retry = "The code is incorrect or has expired.";
    const over = "This sign-in attempt is no longer valid. Sign in again.";
    expect(answers).toEqual([
      [401, retry],
      [401, retry],
      [401, retry],
      [401, retry],
      [401, over],
    ]);
    expect((await call("/auth/login/2fa", { body: { challenge, code: good } })).status).toBe(401);
    const fresh = await challengeFor(u.email);
    expect((await call("/auth/login/2fa", { body: { challenge: fresh, code: good } })).status).toBe(200);
  });

  it("refuses a challenge after it expires (5 minutes)", async () => {
    const u = await enrolledTechnician();
    const challenge = await challengeFor(u.email);
    advance(5 * 60 * 1000 + 1000);
    const res = await call("/auth/login/2fa", { body: { challenge, code: codeFor(u.enrollment.secret) } });
    expect(res.status).toBe(401);
  });

  it("binds the challenge to its user: another user's valid code does not pass", async () => {
    const a = await enrolledTechnician();
    const b = await enrolledTechnician(a.org);
    const challenge = await challengeFor(a.email);
    expect((await call("/auth/login/2fa", { body: { challenge, code: codeFor(b.enrollment.secret) } })).status).toBe(401);
  });

  it("refuses a forged challenge (signed with another key) and a tampered one", async () => {
    const u = await enrolledTechnician();
    const challenge = await challengeFor(u.email);
    const [h, p, s] = challenge.split(".");
    const payload = JSON.parse(atob((p as string).replace(/-/g, "+").replace(/_/g, "/")));
    const forged = await new SignJWT(payload).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode("not the key"));
    const code = codeFor(u.enrollment.secret);
    expect((await call("/auth/login/2fa", { body: { challenge: forged, code } })).status).toBe(401);
    expect((await call("/auth/login/2fa", { body: { challenge: `${h}.${p}x.${s}`, code } })).status).toBe(401);
    expect((await call("/auth/login/2fa", { body: { challenge, code } })).status).toBe(200);
  });

  it("refuses the same code for a second sign-in (replay), and takes the next step's code", async () => {
    const u = await enrolledTechnician();
    const code = codeFor(u.enrollment.secret);
    expect((await call("/auth/login/2fa", { body: { challenge: await challengeFor(u.email), code } })).status).toBe(200);
    expect((await call("/auth/login/2fa", { body: { challenge: await challengeFor(u.email), code } })).status).toBe(401);
    nextStep();
    const next = codeFor(u.enrollment.secret);
    expect((await call("/auth/login/2fa", { body: { challenge: await challengeFor(u.email), code: next } })).status).toBe(200);
  });

  it("accepts a code one step late and refuses one two steps late", async () => {
    const u = await enrolledTechnician();
    nextStep(); // so that one step back is still after the step that confirmed enrollment
    const late = codeFor(u.enrollment.secret, Date.now() - 30_000);
    const tooLate = codeFor(u.enrollment.secret, Date.now() - 60_000);
    expect((await call("/auth/login/2fa", { body: { challenge: await challengeFor(u.email), code: tooLate } })).status).toBe(401);
    expect((await call("/auth/login/2fa", { body: { challenge: await challengeFor(u.email), code: late } })).status).toBe(200);
  });

  it("accepts a never-used code of the step before the one that confirmed enrollment, once", async () => {
    const org = await createOrg();
    const user = await addUser(await signIn(org.admin.email));
    const { secret } = await enroll(await signIn(user.email));
    // Same step as the confirmation: its code is spent, the step before's is not (docs/api.md: one step before or after).
    const confirmed = codeFor(secret);
    const before = codeFor(secret, Date.now() - 30_000);
    const after = codeFor(secret, Date.now() + 30_000);
    const step = async (code: string) =>
      (await call("/auth/login/2fa", { body: { challenge: await challengeFor(user.email), code } })).status;
    expect(await step(confirmed)).toBe(401);
    expect(await step(before)).toBe(200);
    expect(await step(before)).toBe(401);
    expect(await step(after)).toBe(200);
    expect(await step(after)).toBe(401);
  });
});
