// Edge figures: round trips per user action (x-gatehouse-trips, counted by the Worker under TEST_SEAMS), latency
// with every object call 50 ms away (TRIP_DELAY_MS), and the storage attack traffic leaves in directory objects.
import { createHmac } from "node:crypto";
import { Secret } from "otpauth";
import { PASSWORD, TEST_SECRETS } from "../../test/support/secrets.ts";
import { codeAt, sessionCheckFeed, timeStep } from "./gatehouse-client.mjs";
import { pool, round } from "./load.mjs";

async function req(base, path, { body, cookie, method } = {}) {
  const headers = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (cookie) headers.cookie = cookie;
  const started = performance.now();
  const res = await fetch(base + path, {
    method: method ?? (body ? "POST" : "GET"),
    headers,
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const ms = performance.now() - started;
  const [calls, sequential] = (res.headers.get("x-gatehouse-trips") ?? "").split(" ").map(Number);
  const set = res.headers.getSetCookie().find((c) => /^session=/.test(c) && !/Max-Age=0/i.test(c));
  return { status: res.status, json: text ? JSON.parse(text) : null, cookie: set?.split(";")[0], calls, sequential, ms };
}

function must(r, status, what) {
  if (r.status !== status) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.json)}`);
  return r;
}

/** An org with its admin signed in, and `n` technicians enrolled in TOTP (recovery codes kept). */
async function prepare(base, slug, n) {
  const admin = { email: `admin@${slug}.bench.test`, password: PASSWORD };
  must(
    await fetch(`${base}/api/platform/orgs`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${TEST_SECRETS.PLATFORM_TOKEN}` },
      body: JSON.stringify({ slug, name: slug, admin }),
    }),
    201,
    `create ${slug}`,
  );
  const adminCookie = must(await req(base, "/auth/login", { body: admin }), 200, "admin login").cookie;
  const users = await pool(
    Array.from({ length: n }, (_, i) => `t${i}@${slug}.bench.test`),
    8,
    async (email) => {
      must(await req(base, "/api/org/users", { cookie: adminCookie, body: { email, password: PASSWORD, role: "technician" } }), 201, "add");
      const cookie = must(await req(base, "/auth/login", { body: { email, password: PASSWORD } }), 200, "login").cookie;
      const setup = must(await req(base, "/api/me/2fa/setup", { cookie, method: "POST" }), 200, "setup");
      const secret = Secret.fromBase32(setup.json.secret);
      // The previous step's code keeps the current ones free; a slow machine may have moved past it: then the current one.
      let step = timeStep() - 1;
      let confirm = await req(base, "/api/me/2fa/confirm", { cookie, body: { code: codeAt(secret, step) } });
      if (confirm.status === 401) {
        step = timeStep();
        confirm = await req(base, "/api/me/2fa/confirm", { cookie, body: { code: codeAt(secret, step) } });
      }
      must(confirm, 200, "confirm");
      return { email, secret, lastStep: step, cookie: confirm.cookie, recoveryCodes: confirm.json.recoveryCodes, setup, confirm };
    },
  );
  return { slug, adminCookie, users };
}

/** The next never-used code of a user (at most one step ahead), or null when both usable steps are spent. */
function freshCode(user) {
  const now = timeStep();
  const step = Math.max(now, user.lastStep + 1);
  if (step > now + 1) return null;
  user.lastStep = step;
  return codeAt(user.secret, step);
}

/** One answer per user action, each with its trips; `samples` runs of each for latency (sequential requests). */
export async function edgeActions(base, slug, samples) {
  const org = await prepare(base, slug, samples + 1);
  const rows = {};
  const add = (action, r, okStatus) => {
    if (r.status !== okStatus) throw new Error(`${action}: HTTP ${r.status} ${JSON.stringify(r.json)}`);
    rows[action] ??= { calls: r.calls, sequential: r.sequential, ms: [] };
    const row = rows[action];
    row.ms.push(r.ms);
  };
  const first = org.users[0];
  add("enrollment: setup", first.setup, 200);
  add("enrollment: confirm", first.confirm, 200);
  for (const user of org.users.slice(1)) {
    const pw = await req(base, "/auth/login", { body: { email: user.email, password: PASSWORD } });
    add("password step (answer 2fa_required)", pw, 200);
    const code = freshCode(user);
    if (code) add("code step", await req(base, "/auth/login/2fa", { body: { challenge: pw.json.challenge, code } }), 200);
    const again = await req(base, "/auth/login", { body: { email: user.email, password: PASSWORD } });
    add(
      "recovery step",
      await req(base, "/auth/login/recovery", { body: { challenge: again.json.challenge, code: user.recoveryCodes[0] } }),
      200,
    );
    add(
      "password step, unknown email (401)",
      await req(base, "/auth/login", { body: { email: `nobody-${user.email}`, password: PASSWORD } }),
      401,
    );
    add("session check (GET /api/me)", await req(base, "/api/me", { cookie: user.cookie }), 200);
    add("admin read: GET /api/org/users", await req(base, "/api/org/users", { cookie: org.adminCookie }), 200);
    add("admin read: GET /api/org/compliance", await req(base, "/api/org/compliance", { cookie: org.adminCookie }), 200);
  }
  return Object.entries(rows).map(([action, r]) => ({
    action,
    calls: r.calls,
    sequential: r.sequential,
    samples: r.ms.length,
    p50: pct(r.ms, 50),
    p99: pct(r.ms, 99),
  }));
}

async function peerPost(peer, path, body, cookie) {
  const started = performance.now();
  const res = await fetch(`${peer.base}/api/auth${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), origin: peer.base, ...(cookie ? { cookie } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`peer ${path}: HTTP ${res.status} ${text.slice(0, 200)}`);
  const cookies = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .filter((c) => !c.endsWith("="))
    .join("; ");
  return { json: text ? JSON.parse(text) : null, cookie: cookies, queries: Number(res.headers.get("x-peer-queries")), ms };
}

/** The peer's password step, code step and session check, `samples` sequential runs each, with queries per answer. */
export async function peerActions(peer, samples) {
  const rows = {};
  const add = (action, r) => {
    rows[action] ??= { queries: r.queries, ms: [] };
    const row = rows[action];
    row.ms.push(r.ms);
  };
  for (let i = 0; i < samples; i++) {
    const email = `far-${i}@bench.test`;
    const up = await peerPost(peer, "/sign-up/email", { email, password: PASSWORD, name: "Bench User" });
    const enabled = await peerPost(peer, "/two-factor/enable", { password: PASSWORD }, up.cookie);
    const secret = Secret.fromBase32(new URL(enabled.json.totpURI).searchParams.get("secret"));
    const user = { secret, lastStep: timeStep() - 2 };
    await peerPost(peer, "/two-factor/verify-totp", { code: freshCode(user) }, up.cookie);
    const pw = await peerPost(peer, "/sign-in/email", { email, password: PASSWORD });
    add("password step (twoFactorRedirect)", pw);
    const code = await peerPost(peer, "/two-factor/verify-totp", { code: freshCode(user) ?? codeAt(secret, timeStep()) }, pw.cookie);
    add("code step", code);
    add("session check (GET /get-session)", await peerPost(peer, "/get-session", undefined, code.cookie));
  }
  return Object.entries(rows).map(([action, r]) => ({
    action,
    queries: r.queries,
    samples: r.ms.length,
    p50: pct(r.ms, 50),
    p99: pct(r.ms, 99),
  }));
}

function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)], 1);
}

/** The directory object's name for an email, as the Worker computes it (src/directory/names.ts). */
function emailObjectName(email) {
  const mac = createHmac("sha256", TEST_SECRETS.HASH_KEY).update(`email:${email.trim().toLowerCase()}`).digest("base64url");
  return `email:${mac}`;
}

/** Random-email sign-ins per runtime: each object keeps 3 SQLite files open while its runtime lives (ulimit -n). */
const RANDOM_BATCH = 2000;

/**
 * Sign-ins with `count` random unknown emails; the directory storage they leave now, and after their window.
 * Each batch runs in a runtime of its own (`startBatchRuntime()`, disposed after), so 10,000 objects never hold
 * 30,000 files open at once in one local workerd.
 */
export async function randomEmailStorage(startBatchRuntime, count, windowSeconds) {
  let during = 0;
  let after = 0;
  for (let start = 0; start < count; start += RANDOM_BATCH) {
    const runtime = await startBatchRuntime();
    try {
      const emails = Array.from(
        { length: Math.min(RANDOM_BATCH, count - start) },
        (_, i) => `random-${start + i}-${Math.random().toString(36).slice(2, 10)}@nowhere.test`,
      );
      await pool(emails, 16, async (email) =>
        must(await req(runtime.gatehouse, "/auth/login", { body: { email, password: PASSWORD } }), 401, "unknown"),
      );
      const ns = await runtime.mf.getDurableObjectNamespace("DIRECTORY", "gatehouse");
      const stubs = emails.map((e) => ns.get(ns.idFromName(emailObjectName(e))));
      const sum = async (t) => (await pool(stubs, 16, (s) => s.shedAfter(t))).reduce((a, b) => a + b, 0);
      during += await sum(0);
      after += await sum(windowSeconds + 1);
    } finally {
      await runtime.mf.dispose();
    }
  }
  return { signIns: count, bytesDuringWindow: during, bytesPerObjectDuringWindow: round(during / count, 0), bytesAfterWindow: after };
}

/**
 * Big org vs small org, side by side in one run: both get the same `enrolledCount` enrolled users through the
 * API; the big one then gets `bigTotal - enrolledCount - 1` more through the seedUsers test seam (half with a
 * TOTP row). Session check, code step, a page of users and the compliance summary are measured in each.
 */
export async function bigOrgFigures(
  runtime,
  { load, enrolledCount, bigTotal, addUsers, createOrg, enrollUsers, challengesFor, correctCodeFeed, orgStorageStats },
) {
  const small = await createOrg(runtime.gatehouse, "bench-small");
  const big = await createOrg(runtime.gatehouse, "bench-big");
  const smallUsers = await enrollUsers(runtime.gatehouse, await addUsers(runtime.gatehouse, small, enrolledCount, "small"));
  const bigUsers = await enrollUsers(runtime.gatehouse, await addUsers(runtime.gatehouse, big, enrolledCount, "big"));
  const before = await orgStorageStats(runtime, big.slug);
  const ns = await runtime.mf.getDurableObjectNamespace("ORG", "gatehouse");
  const seed = bigTotal - enrolledCount - 1;
  for (let done = 0; done < seed; done += 5_000) await ns.get(ns.idFromName(big.slug)).seedUsers(Math.min(5_000, seed - done), `s${done}_`);
  const after = await orgStorageStats(runtime, big.slug);
  const figures = {};
  // Unmeasured warm-up, so the first figure (the small org's) does not also pay for the runtime warming up.
  await load({ url: runtime.gatehouse, seconds: 1, next: sessionCheckFeed(smallUsers) });
  for (const [name, org, users] of [
    ["small", small, smallUsers],
    ["big", big, bigUsers],
  ]) {
    figures[`session check (${name})`] = await load({ url: runtime.gatehouse, next: sessionCheckFeed(users) });
    figures[`users page (${name})`] = await load({ url: runtime.gatehouse, path: "/api/org/users", headers: { cookie: org.adminCookie } });
    figures[`users search (${name})`] = await load({
      url: runtime.gatehouse,
      path: "/api/org/users?q=nobody-matches-this",
      headers: { cookie: org.adminCookie },
    });
    // limit=1: the summary (counts of the whole org) with one user, the same answer size in both orgs (every user
    // of the small org but its admin has 2FA, so it has no page of 100 to fill).
    figures[`compliance (${name})`] = await load({
      url: runtime.gatehouse,
      path: "/api/org/compliance?limit=1",
      headers: { cookie: org.adminCookie },
    });
  }
  // Code steps last: they spend the users' current codes (both orgs' users are fresh here).
  for (const [name, users] of [
    ["small", smallUsers],
    ["big", bigUsers],
  ]) {
    const pairs = await challengesFor(runtime.gatehouse, users, 1);
    figures[`code step (${name})`] = await load({
      url: runtime.gatehouse,
      method: "POST",
      next: correctCodeFeed(pairs),
      ok: (s) => s === 200,
    });
  }
  const rows = ["session check", "code step", "users page", "users search", "compliance"].map((what) => {
    const s = figures[`${what} (small)`];
    const b = figures[`${what} (big)`];
    return { what, smallRps: s.rps, bigRps: b.rps, smallP99: s.p99, bigP99: b.p99, smallOverBig: b.rps ? round(s.rps / b.rps, 2) : null };
  });
  return {
    users: after.users,
    bytesPerSeededUser: round((after.databaseBytes - before.databaseBytes) / (after.users - before.users), 0),
    databaseBytes: after.databaseBytes,
    rows,
  };
}
