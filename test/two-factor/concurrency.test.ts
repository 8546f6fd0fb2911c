// Single use under concurrency: one code, recovery code or challenge sent many times at once lets exactly one in.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "../support/api";
import { useTestClock } from "../support/clock";
import { challengeFor, enrolledTechnician } from "../support/flows";
import { tallyScenarios } from "../support/tally";
import { codeFor } from "../support/totp";

useTestClock();

tallyScenarios("concurrency");

async function sessionsOf(slug: string, userId: string): Promise<number> {
  return runInDurableObject(
    env.ORG.getByName(slug),
    (_o, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?", userId).one().n,
  );
}

describe("single use under concurrency", () => {
  it("lets exactly one of 20 simultaneous submissions of one valid code in", async () => {
    const u = await enrolledTechnician();
    const before = await sessionsOf(u.org.slug, u.id);
    const challenges = await Promise.all(Array.from({ length: 20 }, () => challengeFor(u.email)));
    const code = codeFor(u.enrollment.secret);
    const statuses = await Promise.all(
      challenges.map((challenge) => call("/auth/login/2fa", { body: { challenge, code } }).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    // The 19 replays count as wrong codes, so the tenth of them locks the account: 401 or 429, never 200.
    expect(statuses.filter((s) => s === 401 || s === 429)).toHaveLength(19);
    expect(await sessionsOf(u.org.slug, u.id)).toBe(before + 1);
  });

  it("lets exactly one of 20 simultaneous submissions of one recovery code in", async () => {
    const u = await enrolledTechnician();
    const challenges = await Promise.all(Array.from({ length: 20 }, () => challengeFor(u.email)));
    const code = u.enrollment.recoveryCodes[0];
    const results = await Promise.all(
      challenges.map((challenge) =>
        call("/auth/login/recovery", { body: { challenge, code } }).then(async (r) => ({ status: r.status, body: await r.json() })),
      ),
    );
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    expect(ok[0]?.body).toMatchObject({ recoveryCodesRemaining: 9 });
  });

  it("lets exactly one of 20 simultaneous uses of one challenge in", async () => {
    const u = await enrolledTechnician();
    const challenge = await challengeFor(u.email);
    const code = codeFor(u.enrollment.secret);
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () => call("/auth/login/2fa", { body: { challenge, code } }).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
  });
});
