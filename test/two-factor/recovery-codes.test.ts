import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callJson } from "../support/api";
import { useTestClock } from "../support/clock";
import { challengeFor, enrolledTechnician } from "../support/flows";
import { wrongCode } from "../support/codes";
import { codeFor } from "../support/totp";

useTestClock();

async function recover(email: string, code: string) {
  return callJson<{ status: string; recoveryCodesRemaining: number; error?: { code: string } }>("/auth/login/recovery", {
    body: { challenge: await challengeFor(email), code },
  });
}

describe("recovery codes", () => {
  it("are 10 distinct readable codes of at least 80 bits without ambiguous characters", async () => {
    const u = await enrolledTechnician();
    const codes = u.enrollment.recoveryCodes;
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) {
      expect(c).toMatch(/^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$/);
      // 16 symbols of a 32-letter alphabet = 80 bits.
      expect(c.replace(/-/g, "").length * Math.log2(32)).toBeGreaterThanOrEqual(80);
    }
  });

  it("sign a user in once each, reporting how many remain", async () => {
    const u = await enrolledTechnician();
    const [first, second] = u.enrollment.recoveryCodes as [string, string];
    const r1 = await recover(u.email, first);
    expect(r1.status).toBe(200);
    expect(r1.body).toEqual({ status: "authenticated", recoveryCodesRemaining: 9 });
    expect((await recover(u.email, first)).status).toBe(401);
    const r2 = await recover(u.email, second);
    expect(r2.body.recoveryCodesRemaining).toBe(8);
    const status = await callJson("/api/me/2fa/recovery-codes", { cookie: u.cookie });
    expect(status.body).toEqual({ total: 10, remaining: 8, generatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  });

  it("are accepted whatever the case, dashes or spaces", async () => {
    const u = await enrolledTechnician();
    const code = u.enrollment.recoveryCodes[3] as string;
    const typed = ` ${code.toUpperCase().replace(/-/g, " ")} `;
    expect((await recover(u.email, typed)).status).toBe(200);
  });

  it("are stored only as keyed hashes", async () => {
    const u = await enrolledTechnician();
    const stored = await runInDurableObject(env.ORG.getByName(u.org.slug), (_o, state) =>
      state.storage.sql.exec<{ code_hash: string }>("SELECT code_hash FROM recovery_codes").toArray(),
    );
    expect(stored).toHaveLength(10);
    const all = JSON.stringify(stored).toLowerCase();
    for (const c of u.enrollment.recoveryCodes) {
      expect(all).not.toContain(c.replace(/-/g, ""));
      expect(all).not.toContain(c);
    }
  });

  it("regenerate with a current code; the old set stops working at once", async () => {
    const u = await enrolledTechnician();
    const fresh = await callJson<{ recoveryCodes: string[] }>("/api/me/2fa/recovery-codes", {
      cookie: u.cookie,
      body: { code: codeFor(u.enrollment.secret) },
    });
    expect(fresh.status).toBe(200);
    expect(fresh.body.recoveryCodes).toHaveLength(10);
    expect((await recover(u.email, u.enrollment.recoveryCodes[0] as string)).status).toBe(401);
    expect((await recover(u.email, fresh.body.recoveryCodes[0] as string)).status).toBe(200);
    const status = await callJson<{ total: number; remaining: number }>("/api/me/2fa/recovery-codes", { cookie: u.cookie });
    expect(status.body).toMatchObject({ total: 10, remaining: 9 });
  });

  it("are not regenerated without a valid current code", async () => {
    const u = await enrolledTechnician();
    const r = await callJson<{ error: { code: string } }>("/api/me/2fa/recovery-codes", {
      cookie: u.cookie,
      body: { code: wrongCode(codeFor(u.enrollment.secret)) },
    });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("invalid_code");
    expect((await recover(u.email, u.enrollment.recoveryCodes[0] as string)).status).toBe(200);
  });
});
