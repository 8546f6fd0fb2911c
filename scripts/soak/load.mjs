// The soak's load, on the code step: each enrolled user signs in once per time step (password, then one fresh
// code sent 2-3 times at once, sometimes on two challenges), with sparse wrong codes, replays of spent codes
// and steps, recovery codes, and codes sent to dead challenges; spare capacity replays codes just accepted.
// Every code-step request is kept (`submissions`) for the judge; the client's own view decides nothing.
import { Secret, TOTP } from "otpauth";
import { settle } from "./client.mjs";

/** How often each extra happens, per round (a user's sign-in in one time step). */
const P_RECOVERY = 0.07; // a recovery code instead of a TOTP code (10 per user: they last the run)
const P_CROSS = 0.3; // a second challenge, so one copy of the code races on another challenge
const P_THREE = 0.5; // three copies instead of two
const P_WRONG = 0.12; // a wrong code on the challenge first
const P_REPLAY = 0.12; // last step's accepted code (or a spent recovery code) on the challenge first
const P_SPENT = 0.12; // the fresh code to the challenge that gave the last session: it is dead
const P_KILL = 0.02; // five wrong codes kill a challenge; then the right code must not open it
/**
 * 10 wrong second factors in a row lock a user for 15 minutes. What may still count against a user (refusals
 * since the last success, plus up to 2 racing copies that lose on another challenge) stays at 9 at most.
 */
const MAX_FAILURES_IN_A_ROW = 9;
const RACE_LOSERS_COUNTED = 2;
const REPLAYS_PER_STEP = 2;
const CHALLENGE_REUSE_MS = 4 * 60_000; // challenges live 5 minutes: a spent one is probed while younger
/**
 * A step's sign-ins are spread over its first 80% (users arrive over time, not all at the step's first second):
 * the load is continuous, so the restart always lands in it. A machine slower than that pace never feels it.
 */
const PACE_SHARE_OF_STEP = 0.8;
const PACE_LEAD_MS = 1000;
const REPLAYS_AFTER_RESTART = 60; // codes accepted before the restart, sent again right after it
const ADMIN_PAUSE_MS = 3000; // between two API key lifecycles (all orgs take turns): a small share of the load

export const stepOf = (ms, period) => Math.floor(ms / 1000 / period);
const sleep = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const pick = (list) => list[Math.floor(Math.random() * list.length)];

function shuffle(list) {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}

/** A recovery code that was never issued (16 letters, as the real ones). */
function wrongRecoveryCode() {
  const letters = "abcdefghjkmnpqrstuvwxyz23456789";
  return Array.from({ length: 16 }, () => pick([...letters])).join("");
}

/** Runs `fn` over `items`, `n` at a time. */
export async function pool(items, n, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

function codeAt(user, step) {
  return user.totp.generate({ timestamp: step * user.period * 1000 });
}

/** Six digits that are no code of the steps the server would look at. */
function wrongCode(user, step) {
  const near = new Set([codeAt(user, step - 1), codeAt(user, step), codeAt(user, step + 1)]);
  for (;;) {
    const c = String(Math.floor(Math.random() * 1e6)).padStart(6, "0");
    if (!near.has(c)) return c;
  }
}

function fail(what, answer) {
  return new Error(`${what}: ${answer.status} ${answer.error ?? JSON.stringify(answer.body)?.slice(0, 200)}`);
}

/**
 * Orgs, users and their enrollments, before the timed load: `orgs` orgs of `usersPerOrg` technicians. Every
 * other org requires 2FA first, so half the users enroll through the sign-in (forced), half from a session.
 */
export async function setUp(ctx, { orgs: orgCount, usersPerOrg, concurrency }) {
  const { req, token, password } = ctx;
  const run = Date.now().toString(36);
  const orgs = [];
  for (let o = 0; o < orgCount; o++) {
    const slug = `soak-${o}-${run}`;
    const admin = { email: `admin@${slug}.example`, password };
    const made = await req("/api/platform/orgs", { bearer: token, body: { slug, name: slug, admin }, label: "setup" });
    if (made.status !== 201) throw fail(`creating org ${slug}`, made);
    const login = await req("/auth/login", { body: admin, label: "setup" });
    if (!login.cookie) throw fail(`the admin of ${slug} signing in`, login);
    const forced = o % 2 === 1;
    if (forced) {
      const r = await req("/api/org/settings", { method: "PATCH", cookie: login.cookie, body: { require2fa: true }, label: "setup" });
      if (r.status !== 200) throw fail("requiring 2FA", r);
    }
    orgs.push({ slug, forced, adminCookie: login.cookie, users: [] });
  }
  const times = { orgs: Date.now() };
  const slots = orgs.flatMap((org) => Array.from({ length: usersPerOrg }, (_, u) => ({ org, email: `u${u}@${org.slug}.example` })));
  const users = [];
  await pool(slots, concurrency, async ({ org, email }) => {
    const r = await req("/api/org/users", { cookie: org.adminCookie, body: { email, password, role: "technician" }, label: "setup" });
    if (r.status !== 201) throw fail(`creating ${email}`, r);
    const user = { id: r.body.id, email, org: org.slug };
    org.users.push(user);
    users.push(user);
  });
  times.users = Date.now();
  await pool(users, concurrency, (user) => enroll(ctx, user));
  times.enrollments = Date.now();
  return { orgs, users, times };
}

async function enroll({ req, password }, user) {
  const login = await req("/auth/login", { body: { email: user.email, password }, label: "setup" });
  const forced = login.body?.status === "enrollment_required";
  if (!forced && !login.cookie) throw fail(`${user.email} signing in`, login);
  const setup = forced
    ? await req("/auth/login/enroll", { body: { challenge: login.body.challenge }, label: "setup" })
    : await req("/api/me/2fa/setup", { method: "POST", cookie: login.cookie, label: "setup" });
  if (setup.status !== 200) throw fail(`${user.email} starting enrollment`, setup);
  const totp = new TOTP({ secret: Secret.fromBase32(setup.body.secret), period: setup.body.period });
  const confirmWith = (step) => {
    const code = totp.generate({ timestamp: step * setup.body.period * 1000 });
    return forced
      ? req("/auth/login/enroll/confirm", { body: { challenge: login.body.challenge, code }, label: "setup" })
      : req("/api/me/2fa/confirm", { cookie: login.cookie, body: { code }, label: "setup" });
  };
  // The previous step's code, as from an authenticator a little behind (RFC 6238 5.2 window): the user may then
  // sign in from the load's first step on. Near a step's end it may age out in transit: then the current one.
  let step = stepOf(Date.now(), setup.body.period) - 1;
  let confirm = await confirmWith(step);
  const setupCodeFailures = confirm.status === 401 ? 1 : 0; // audited as a wrong code: the judge counts it
  if (confirm.status === 401) {
    step = stepOf(Date.now(), setup.body.period);
    confirm = await confirmWith(step);
  }
  // Enabling 2FA gives a new session cookie, on both paths.
  if (confirm.status !== 200 || !confirm.cookie) throw fail(`${user.email} confirming enrollment`, confirm);
  Object.assign(user, {
    totp,
    period: setup.body.period,
    codes: [...confirm.body.recoveryCodes],
    spentCodes: [],
    enrolledStep: step,
    enrolledAt: confirm.recvAt,
    setupCodeFailures,
    lastStep: step,
    lastCode: null,
    lastAcceptedStep: null,
    lastAcceptedAt: 0,
    spentChallenge: null,
    spentChallengeAt: 0,
    failuresInARow: 0,
    replays: { step: -1, n: 0 },
    cookie: confirm.cookie,
    cookieBefore: confirm.cookie,
    busy: false,
    locked: false,
  });
}

/** The timed load over enrolled users; `restarted()` is called by the soak once the Worker is back. */
export class Load {
  constructor(ctx, { users, orgs, period, concurrency }) {
    Object.assign(this, { ctx, users, orgs, period, concurrency });
    this.submissions = [];
    this.keys = [];
    this.anomalies = [];
    this.rounds = 0;
    this.step = -1;
    this.pending = [];
    this.due = 0; // users due a sign-in this step
    this.released = 0; // of them, sent on their way so far
    this.acceptedThisStep = [];
    this.urgent = [];
    this.restartedAt = null;
    this.startedAt = 0;
  }

  async run(deadline) {
    this.startedAt = Date.now();
    await Promise.all([...Array.from({ length: this.concurrency }, () => this.worker(deadline)), this.admin(deadline)]);
  }

  /** Right after the restart: replay codes accepted before it, while they are still inside the code window. */
  restarted() {
    this.restartedAt = Date.now();
    const s = stepOf(this.restartedAt, this.period);
    for (const u of this.users) {
      if (u.lastAcceptedStep !== null && u.lastAcceptedStep >= s - 1) this.urgent.push({ user: u, acrossRestart: true });
    }
    this.urgent = shuffle(this.urgent).slice(0, REPLAYS_AFTER_RESTART);
  }

  async worker(deadline) {
    while (Date.now() < deadline) {
      await this.ctx.ready();
      const job = this.next();
      if (!job) {
        const nextStep = (stepOf(Date.now(), this.period) + 1) * this.period * 1000;
        await sleep(Math.min(50, nextStep - Date.now(), deadline - Date.now()));
        continue;
      }
      job.user.busy = true;
      try {
        if (job.replay) await this.replay(job.user, job.acrossRestart);
        else await this.round(job.user);
      } finally {
        job.user.busy = false;
        if (!job.user.locked && job.user.lastStep < this.step) {
          this.pending.push(job.user);
          this.due++;
        }
      }
    }
  }

  /** A user due a sign-in this step (paced); else a replay of a code accepted this step; else nothing (wait). */
  next() {
    const s = stepOf(Date.now(), this.period);
    if (s !== this.step) {
      this.step = s;
      this.pending = shuffle(this.users.filter((u) => !u.busy && !u.locked && u.lastStep < s));
      this.due = this.pending.length;
      this.released = 0;
      this.acceptedThisStep = [];
    }
    while (this.urgent.length) {
      const job = this.urgent.pop();
      if (!job.user.busy && !job.user.locked && this.canFail(job.user, 2)) return { ...job, replay: true };
    }
    // From the step's start, or the load's when it began mid-step (then over what is left of the step).
    const stepStart = s * this.period * 1000;
    const from = Math.max(stepStart, this.startedAt);
    const until = Math.max(stepStart + PACE_SHARE_OF_STEP * this.period * 1000, Math.min(from + 5000, stepStart + this.period * 1000));
    const paced = Math.ceil(this.due * Math.min(1, (Date.now() - from + PACE_LEAD_MS) / Math.max(1, until - from)));
    while (this.pending.length && this.released < paced) {
      const u = this.pending.pop();
      if (!u.busy && !u.locked && u.lastStep < s) {
        this.released++;
        return { user: u };
      }
    }
    // Replays only use what is left once every due user is on their way: they never delay a fresh sign-in.
    if (this.pending.length) return null;
    for (let i = 0; i < 20 && this.acceptedThisStep.length; i++) {
      const u = pick(this.acceptedThisStep);
      if (u.replays.step !== s) u.replays = { step: s, n: 0 };
      if (!u.busy && !u.locked && u.replays.n < REPLAYS_PER_STEP && u.lastAcceptedStep === s && this.canFail(u, 2)) {
        u.replays.n++;
        return { user: u, replay: true };
      }
    }
    return null;
  }

  canFail(user, n) {
    return user.failuresInARow + n + RACE_LOSERS_COUNTED <= MAX_FAILURES_IN_A_ROW;
  }

  /** The password step: a challenge, or null (locked, or no answer after the restart's retries). */
  async passwordStep(user) {
    const { answer } = await settle(
      () => this.ctx.req("/auth/login", { body: { email: user.email, password: this.ctx.password }, label: "password" }),
      { ready: this.ctx.ready, tries: 3 },
    );
    if (answer.status === 429 || answer.status === 423) user.locked = true;
    if (answer.status === 200 && answer.body?.status !== "2fa_required") {
      this.anomalies.push(`${user.email} was not asked for a second factor: ${JSON.stringify(answer.body).slice(0, 80)}`);
    }
    return answer.status === 200 ? (answer.body?.challenge ?? null) : null;
  }

  async submit(user, kind, purpose, challenge, code, { step = null, round = null, acrossRestart = false } = {}) {
    const path = kind === "totp" ? "/auth/login/2fa" : "/auth/login/recovery";
    const a = await this.ctx.req(path, { body: { challenge, code }, label: kind });
    this.submissions.push({
      user: user.id,
      kind,
      purpose,
      round,
      challenge,
      step,
      code,
      status: a.status,
      sentAt: a.sentAt,
      recvAt: a.recvAt,
      acrossRestart,
    });
    if (a.status === 429 || a.status === 423) user.locked = true;
    // Wrong codes and replays land on live challenges and count; a dead challenge is refused before any code is read.
    if ((purpose === "wrong" || purpose === "replay") && (a.status === 401 || a.status === 0)) user.failuresInARow++;
    return a;
  }

  async round(user) {
    // Codes are computed when sent: a step may wait out the restart, and a code computed before could have aged
    // out of the window by then (refused for being old, which would read as a valid code turned away).
    const now = () => stepOf(Date.now(), this.period);
    const kind = user.codes.length > 0 && Math.random() < P_RECOVERY ? "recovery" : "totp";
    const recovery = kind === "recovery" ? user.codes.pop() : null;
    if (kind === "totp" && user.spentChallenge && Date.now() - user.spentChallengeAt < CHALLENGE_REUSE_MS && Math.random() < P_SPENT) {
      // Judged on a real answer: retried across the restart like any check.
      await settle(
        () => {
          const s = now();
          return this.submit(user, "totp", "dead", user.spentChallenge, codeAt(user, s), { step: s });
        },
        { ready: this.ctx.ready, tries: 4 },
      );
    }
    const a = await this.passwordStep(user);
    if (!a) return this.spend(user, recovery, null);
    if (Math.random() < P_WRONG && this.canFail(user, 1)) {
      const s = now();
      await this.submit(user, kind, "wrong", a, kind === "totp" ? wrongCode(user, s) : wrongRecoveryCode(), { step: s });
    }
    if (Math.random() < P_REPLAY && this.canFail(user, 1)) {
      if (kind === "totp" && user.lastAcceptedStep === now() - 1) {
        await this.submit(user, kind, "replay", a, user.lastCode, { step: user.lastAcceptedStep });
      }
      if (kind === "recovery" && user.spentCodes.length) await this.submit(user, kind, "replay", a, pick(user.spentCodes));
    }
    if (kind === "totp" && Math.random() < P_KILL && this.canFail(user, 5)) {
      const c = await this.passwordStep(user);
      let refused = 0;
      for (let i = 0; c && i < 5; i++) {
        const s = now();
        if ((await this.submit(user, kind, "wrong", c, wrongCode(user, s), { step: s })).status === 401) refused++;
      }
      // Only a challenge seen to refuse five codes is known dead: after an unanswered one, it may be alive.
      if (refused === 5) {
        await settle(
          () => {
            const s = now();
            return this.submit(user, kind, "dead", c, codeAt(user, s), { step: s });
          },
          { ready: this.ctx.ready, tries: 4 },
        );
      }
    }
    const b = Math.random() < P_CROSS ? await this.passwordStep(user) : null;
    const copies = kind === "recovery" ? 2 : Math.random() < P_THREE ? 3 : 2;
    const targets = Array.from({ length: copies }, (_, i) => (b && i === copies - 1 ? b : a));
    const round = ++this.rounds;
    const s = now();
    const fresh = recovery ?? codeAt(user, s);
    const answers = await Promise.all(targets.map((ch) => this.submit(user, kind, "race", ch, fresh, { step: s, round })));
    const won = answers.findIndex((x) => x.status === 200);
    // Copies that lost on another challenge than the winner's count as wrong factors; unknown ones may.
    const counted = answers.filter((x, i) => i !== won && (won === -1 || targets[i] !== targets[won]) && x.status !== 200).length;
    user.failuresInARow = won === -1 ? user.failuresInARow + counted : counted;
    if (won === -1) return this.spend(user, answers.some((x) => x.status === 0) ? null : recovery, s);
    const w = answers[won];
    user.spentChallenge = targets[won];
    user.spentChallengeAt = w.recvAt;
    user.cookie = w.cookie;
    if (this.restartedAt === null) user.cookieBefore = w.cookie;
    if (kind === "recovery") user.spentCodes.push(fresh);
    else {
      Object.assign(user, { lastStep: s, lastCode: fresh, lastAcceptedStep: s, lastAcceptedAt: w.recvAt });
      this.acceptedThisStep.push(user);
    }
  }

  /**
   * A round without a seen success: the step is spent for this user anyway (it may have been accepted unseen, and
   * the scheduler moves on); a recovery code goes back unless it may have been spent (`unused` is null then).
   */
  spend(user, unused, s) {
    user.lastStep = Math.max(user.lastStep, s ?? stepOf(Date.now(), this.period));
    if (unused) user.codes.unshift(unused);
  }

  /** An attacker's replay: the code this user's last sign-in used, on a new challenge, once or twice at once. */
  async replay(user, acrossRestart) {
    const a = await this.passwordStep(user);
    if (!a || !user.lastCode) return;
    const copies = Math.random() < 0.5 ? 2 : 1;
    await Promise.all(
      Array.from({ length: copies }, () =>
        this.submit(user, "totp", "replay", a, user.lastCode, { step: user.lastAcceptedStep, acrossRestart }),
      ),
    );
  }

  /** Orgs' admins in turn make an API key, use it, revoke it, and check it is refused from then on. */
  async admin(deadline) {
    const { req, ready, password } = this.ctx;
    for (let i = 0; i < 2000 && Date.now() < deadline; i++) {
      const org = this.orgs[i % this.orgs.length];
      await ready();
      const body = { name: `soak ${i}`, role: "admin", expiresInDays: 1 };
      let made = await req("/api/org/api-keys", { cookie: org.adminCookie, body, label: "admin.create" });
      // A session older than the step-up window confirms with the password (the admin has no second factor).
      if (made.status === 403 && made.body?.error?.code === "step_up_required") {
        made = await req("/api/org/api-keys", { cookie: org.adminCookie, body: { ...body, password }, label: "admin.create" });
      }
      if (made.status === 201) {
        const { key, id } = made.body;
        await req("/api/org/compliance", { bearer: key, label: "admin.use" });
        const del = await settle(
          () => req(`/api/org/api-keys/${id}`, { method: "DELETE", cookie: org.adminCookie, label: "admin.delete" }),
          {
            ready,
          },
        );
        // After a lost answer, 404 says the first DELETE landed.
        const revoked = del.answer.status === 204 || (del.answer.status === 404 && del.statuses.includes(0));
        if (revoked) {
          const probe = await settle(() => req("/api/org/compliance", { bearer: key, label: "admin.probe" }), { ready });
          this.keys.push({ org: org.slug, id, key, probes: probe.statuses, after: null, listed: null });
        }
      }
      await sleep(Math.min(ADMIN_PAUSE_MS, deadline - Date.now()));
    }
  }
}
