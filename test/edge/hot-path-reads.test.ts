// The hot paths read a bounded number of rows whatever the org's size: in an org grown to thousands of users,
// sessions, audit events and sent mails, no statement of a sign-in (password, code, recovery) or a session
// check reads more than a handful of rows. A statement that scans a table (as the outbox's next due time once
// did, on every sign-in) fails here, named with the rows it read.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, callJson, PASSWORD } from "../support/api";
import { advance, nextStep, useTestClock } from "../support/clock";
import { enrolledTechnician } from "../support/flows";
import { grow, MAX_ROWS_PER_STATEMENT, watch } from "../support/grown-org";
import { codeFor } from "../support/totp";

useTestClock();

/** A six-digit code that no step the server accepts now would give. */
function wrongCode({ secret, period }: { secret: string; period: number }): string {
  const valid = new Set([-1, 0, 1, 2].map((d) => codeFor(secret, Date.now() + d * period * 1000, period)));
  let n = 0;
  while (valid.has(String(n).padStart(6, "0"))) n++;
  return String(n).padStart(6, "0");
}

describe("rows read per statement on the hot paths, in a grown org", () => {
  it("stays within a user's own rows for the password, code and recovery steps and the session check", async () => {
    const t = await enrolledTechnician();
    const stub = env.ORG.getByName(t.org.slug);
    await runInDurableObject(stub, (_o, state) => grow(state.storage.sql, Date.now()));
    let watched: ReturnType<typeof watch> | undefined;
    await runInDurableObject(stub, (o) => {
      watched = watch(o);
    });
    try {
      const login = await callJson<{ challenge: string }>("/auth/login", { body: { email: t.email, password: PASSWORD } });
      expect(login.status).toBe(200);
      const code = await call("/auth/login/2fa", {
        body: { challenge: login.body.challenge, code: codeFor(t.enrollment.secret, Date.now(), t.enrollment.period) },
      });
      expect(code.status).toBe(200);
      expect((await call("/api/me", { cookie: t.cookie })).status).toBe(200);
      nextStep(t.enrollment.period);
      const again = await callJson<{ challenge: string }>("/auth/login", { body: { email: t.email, password: PASSWORD } });
      const wrong = await call("/auth/login/2fa", { body: { challenge: again.body.challenge, code: wrongCode(t.enrollment) } });
      expect(wrong.status).toBe(401);
      const recovery = await call("/auth/login/recovery", {
        body: { challenge: again.body.challenge, code: t.enrollment.recoveryCodes[0] },
      });
      expect(recovery.status).toBe(200);
    } finally {
      await runInDurableObject(stub, () => watched?.restore());
    }
    const seen = watched?.seen ?? [];
    expect(seen.length).toBeGreaterThan(20);
    const heavy = seen.map(({ query, cursor }) => ({ query, rows: cursor.rowsRead })).filter((s) => s.rows > MAX_ROWS_PER_STATEMENT);
    expect(heavy).toEqual([]);
  });

  it("checks a session in one statement, and writes only when the session's idle clock moves", async () => {
    const t = await enrolledTechnician();
    const stub = env.ORG.getByName(t.org.slug);
    const statementsOf = async (path: string) => {
      let watched: ReturnType<typeof watch> | undefined;
      await runInDurableObject(stub, (o) => {
        watched = watch(o);
      });
      try {
        expect((await call(path, { cookie: t.cookie })).status).toBe(200);
      } finally {
        await runInDurableObject(stub, () => watched?.restore());
      }
      return (watched?.seen ?? []).map((s) => s.query.split(" ")[0]);
    };
    // Just signed in: the session, its user, the org and the user's factors in one read, nothing written.
    expect(await statementsOf("/api/me")).toEqual(["SELECT"]);
    // Ten minutes on, the idle clock moves: the same read, then one write.
    advance(10 * 60_000);
    expect(await statementsOf("/api/me")).toEqual(["SELECT", "UPDATE"]);
    expect(await statementsOf("/api/me")).toEqual(["SELECT"]);
  });
});
