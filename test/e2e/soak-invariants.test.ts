// The soak's judge (scripts/soak/invariants.mjs) on fabricated runs: a real breach fails the soak; a check whose
// request failed in transport and was answered on a retry does not; an unanswered request only widens what the
// audit log may hold. The transport failure is injected in the soak's own HTTP client.
import { describe, expect, it } from "vitest";
import { makeClient, settle } from "../../scripts/soak/client.mjs";
import { checkInvariants, type RunInput, type Submission } from "../../scripts/soak/invariants.mjs";

const PERIOD = 30;
const T0 = 1_796_000_010_000; // 10 s into a 30-second step
const S = Math.floor(T0 / 1000 / PERIOD);
const USER = { id: "usr_a", org: "soak-0", email: "a@soak-0.example", enrolledStep: S - 2, enrolledAt: T0 - 60_000 };

function sub(over: Partial<Submission> & Pick<Submission, "challenge" | "status" | "sentAt">): Submission {
  return { user: USER.id, kind: "totp", purpose: "race", round: 1, step: S, code: "123456", recvAt: over.sentAt + 40, ...over };
}

function login(id: number, at: number, method = "totp") {
  return { id, at: new Date(at).toISOString(), type: "login.succeeded", subject: { id: USER.id }, detail: { method }, count: 1 };
}

/** One user, two time steps: three copies of a code race (one wins), then two copies on two challenges. */
function cleanRun(): RunInput {
  return {
    users: [USER],
    submissions: [
      sub({ round: 1, challenge: "c1", status: 200, sentAt: T0 }),
      sub({ round: 1, challenge: "c1", status: 401, sentAt: T0 }),
      sub({ round: 1, challenge: "c1", status: 401, sentAt: T0 }),
      sub({ round: 2, step: S + 1, code: "654321", challenge: "c2", status: 200, sentAt: T0 + 30_000 }),
      sub({ round: 2, step: S + 1, code: "654321", challenge: "c3", status: 401, sentAt: T0 + 30_000 }),
    ],
    endStep: S + 1,
    audit: {
      "soak-0": [
        login(3, T0 + 30_020),
        // The copy that lost on another challenge counted as a wrong code.
        { id: 2, at: new Date(T0 + 30_021).toISOString(), type: "2fa.code_failed", subject: { id: USER.id }, detail: null, count: 1 },
        login(1, T0 + 20),
      ],
    },
    usersList: { "soak-0": [{ id: USER.id, twoFactorEnabled: true, locked: false }] },
    me: [{ user: USER.id, phase: "before", statuses: [200], body: { twoFactor: { enabled: true, recoveryCodesRemaining: 10 } } }],
    keys: [{ org: "soak-0", id: "key_1", probes: [401], after: [401], listed: false }],
    answers: [{ label: "totp", status: 200 }],
  };
}

describe("the soak's invariant checker", () => {
  it("passes a run where every invariant holds", () => {
    expect(checkInvariants(cleanRun()).breaches).toEqual([]);
  });

  it("reports a (user, time step) accepted twice", () => {
    const run = cleanRun();
    run.submissions.push(sub({ round: 3, challenge: "c4", status: 200, sentAt: T0 + 5000 }));
    run.audit["soak-0"]?.push(login(4, T0 + 5020));
    const { breaches } = checkInvariants(run);
    expect(breaches.some((b) => b.startsWith("a (user, time step) accepted twice"))).toBe(true);
  });

  it("reports more sign-ins in the audit log than time steps, even when the client saw none of them", () => {
    const run = cleanRun();
    run.audit["soak-0"]?.push(login(5, T0 + 40_000), login(6, T0 + 41_000), login(7, T0 + 42_000));
    const { breaches } = checkInvariants(run);
    expect(breaches.some((b) => b.startsWith("more TOTP sign-ins than time steps"))).toBe(true);
    expect(breaches.some((b) => b.startsWith("more sign-ins audited than the client can account for"))).toBe(true);
  });

  it("reports an accepted sign-in that the audit log lost", () => {
    const run = cleanRun();
    run.audit["soak-0"] = run.audit["soak-0"]?.filter((e) => e.id !== 1) ?? [];
    expect(checkInvariants(run).breaches.some((b) => b.startsWith("an accepted sign-in missing from the audit log"))).toBe(true);
  });

  it("reports a session from a challenge the client knew was dead", () => {
    const run = cleanRun();
    run.submissions.push(sub({ purpose: "dead", round: null, challenge: "c1", status: 200, sentAt: T0 + 31_000 }));
    expect(checkInvariants(run).breaches.some((b) => b.startsWith("a session from a dead challenge"))).toBe(true);
  });

  it("lets an unanswered racing copy explain one more audited sign-in, never two", () => {
    const run = cleanRun();
    run.endStep = S + 3;
    run.submissions.push(sub({ round: 4, step: S + 2, code: "111111", challenge: "c5", status: 0, sentAt: T0 + 60_000 }));
    run.audit["soak-0"]?.push(login(8, T0 + 60_030));
    const once = checkInvariants(run);
    expect(once.breaches).toEqual([]);
    expect(once.figures.unknownResolvedByAudit).toBe(1);
    run.audit["soak-0"]?.push(login(9, T0 + 60_031));
    expect(checkInvariants(run).breaches.some((b) => b.startsWith("more sign-ins audited than the client can account for"))).toBe(true);
  });

  it("reports a fresh code that every copy saw refused", () => {
    const run = cleanRun();
    for (const s of run.submissions.filter((x) => x.round === 2)) s.status = 401;
    run.audit["soak-0"] = run.audit["soak-0"]?.filter((e) => e.id !== 3) ?? [];
    const { breaches } = checkInvariants(run);
    expect(breaches.some((b) => b.startsWith("a fresh code refused by every copy"))).toBe(true);
  });
});

describe("a check whose request fails in transport", () => {
  /** The soak's client over a transport that refuses the connection `failures` times, then answers `status`. */
  function flakyClient(failures: number, status: number) {
    let calls = 0;
    const fetchImpl = (async () => {
      calls++;
      if (calls <= failures) throw new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } });
      return new Response(JSON.stringify({ error: { code: "unauthenticated", message: "Sign in." } }), {
        status,
        headers: { "content-type": "application/json" },
      });
    }) as unknown as typeof fetch;
    return makeClient("http://127.0.0.1:9", { fetchImpl });
  }

  async function probeRevokedKey(failures: number, status: number, tries = 4) {
    const req = flakyClient(failures, status);
    let waits = 0;
    const { statuses } = await settle(() => req("/api/org/compliance", { bearer: "gk_revoked" }), {
      ready: async () => {
        waits++;
      },
      tries,
      pauseMs: 1,
    });
    const run = cleanRun();
    const key = run.keys[0];
    if (key) key.probes = statuses;
    return { statuses, waits, verdict: checkInvariants(run) };
  }

  it("is asked again once the Worker is back and judged on the real answer: no breach", async () => {
    const { statuses, waits, verdict } = await probeRevokedKey(1, 401);
    expect(statuses).toEqual([0, 401]);
    expect(waits).toBe(1);
    expect(verdict.breaches).toEqual([]);
    expect(verdict.figures.checksRetried).toBe(1);
  });

  it("still reports a breach when the real answer after the retry is one", async () => {
    const { statuses, verdict } = await probeRevokedKey(2, 200);
    expect(statuses).toEqual([0, 0, 200]);
    expect(verdict.breaches.some((b) => b.startsWith("a revoked API key still worked"))).toBe(true);
  });

  it("is counted as unknown, not as a breach, when no try is ever answered", async () => {
    const { statuses, verdict } = await probeRevokedKey(10, 200, 3);
    expect(statuses).toEqual([0, 0, 0]);
    expect(verdict.breaches).toEqual([]);
    expect(verdict.figures.checksUnknown).toBe(1);
  });

  it("leaves a sign-in whose answer was lost unknown: not a breach, not an acceptance", async () => {
    const req = flakyClient(1, 200);
    const lost = await req("/auth/login/2fa", { body: { challenge: "c9", code: "222222" } });
    expect(lost.status).toBe(0);
    const run = cleanRun();
    run.endStep = S + 3;
    run.submissions.push(sub({ round: 5, step: S + 2, code: "222222", challenge: "c9", status: lost.status, sentAt: lost.sentAt }));
    const verdict = checkInvariants(run);
    expect(verdict.breaches).toEqual([]);
    expect(verdict.figures.unknownSubmissions).toBe(1);
  });
});
