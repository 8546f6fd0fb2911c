// npm run bench: Gatehouse in workerd (through Miniflare, not wrangler dev) beside same-run baselines and a
// peer (Better Auth), driven by autocannon on 127.0.0.1 only; prints a table and ratios and saves them in
// bench/results/<date>.json and .md. See bench/README.md for how to read the figures and for --compare.
import { execFileSync } from "node:child_process";
import { scryptSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { compareResults, DEFAULT_MARGIN, formatComparison } from "./lib/compare.mjs";
import {
  addUsers,
  challengesFor,
  correctCodeFeed,
  createOrg,
  enrollUsers,
  PASSWORD,
  refreshFeed,
  refreshTokensFor,
  sessionCheckFeed,
  wrongCodeFeed,
} from "./lib/gatehouse-client.mjs";
import { measure, pool, round } from "./lib/load.mjs";
import { ensurePeerInstalled, peerChallenges, peerCodeFeed, peerUsers, startPeer } from "./lib/peer.mjs";
import { printAndSave } from "./lib/report.mjs";
import { bigOrgFigures, edgeActions, peerActions, randomEmailStorage } from "./lib/edge.mjs";

const USAGE =
  "usage: node bench/run.mjs [--compare <previous.json>] [--margin 0.1]\n" +
  "       node bench/run.mjs --compare-only <new.json> <previous.json> [--margin 0.1]";

/** A saved result (bench/results/<date>.json); exits 2 when it cannot be read, before any bench work. */
function readResult(file) {
  try {
    const result = JSON.parse(readFileSync(file, "utf8"));
    if (result && typeof result.figures === "object") return result;
    throw new Error("no figures in it");
  } catch (err) {
    console.error(`bench: cannot use ${file} as a result file: ${err.message}`);
    process.exit(2);
  }
}

/** Prints the comparison; true when no ratio regressed beyond the margin. */
function compareAndReport(current, previous, names, margin) {
  const comparison = compareResults(current, previous, margin);
  for (const line of formatComparison(comparison, ...names)) console.log(line);
  return comparison.regressions.length === 0;
}

function readCli() {
  try {
    const { values, positionals } = parseArgs({
      options: { compare: { type: "string" }, "compare-only": { type: "boolean" }, margin: { type: "string" } },
      allowPositionals: true,
    });
    const margin = values.margin === undefined ? DEFAULT_MARGIN : Number(values.margin);
    if (!(margin >= 0 && margin < 1)) throw new Error(`--margin must be a fraction from 0 to below 1 (0.1 = 10 %), not ${values.margin}`);
    if (values["compare-only"] && (positionals.length !== 2 || values.compare))
      throw new Error("--compare-only takes <new.json> <previous.json>");
    if (!values["compare-only"] && positionals.length) throw new Error(`unexpected argument ${positionals[0]}`);
    return { margin, compare: values.compare, compareOnly: values["compare-only"] ? positionals : null };
  } catch (err) {
    console.error(`bench: ${err.message}\n${USAGE}`);
    process.exit(2);
  }
}

const cli = readCli();
// Saved results only, no bench run (and no need for Node 22).
if (cli.compareOnly) {
  const [current, previous] = cli.compareOnly;
  process.exit(compareAndReport(readResult(current), readResult(previous), cli.compareOnly, cli.margin) ? 0 : 1);
}
// Read before the run, so a wrong path fails now rather than after minutes (and today's file may be overwritten).
const previousResult = cli.compare ? readResult(cli.compare) : null;

// The peer uses node:sqlite and wrangler needs Node >= 22: `npm run bench` runs on the `node` devDependency.
if (Number(process.versions.node.split(".")[0]) < 22) {
  console.error(`bench: Node ${process.version} is too old; run it as \`npm run bench\` (Node 22 from the devDependency).`);
  process.exit(1);
}
import { baselineFeeds, bundleWorker, mailSettled, orgStorageStats, startMailStandIn, startRuntime } from "./lib/workers.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const env = (name, fallback) => Number(process.env[name] ?? fallback);
const SECONDS = env("BENCH_SECONDS", 5);
const CONNECTIONS = env("BENCH_CONNECTIONS", 20);
/** Users per group (one org; and the same number spread over ORGS orgs). */
const USERS = env("BENCH_USERS", 2000);
const ORGS = 100;
const CHALLENGES_PER_USER = 2;
const WRONG_CODES_PER_CHALLENGE = 4;
/**
 * R2x: the attack org's users. Each takes 2 challenges x 4 wrong codes (8 failures, under the 10 that lock
 * it), so the attack's supply (USERS * 0.3 * 8 = 4800) outlasts 5 s even if it had the whole thread (R2w's rate).
 */
const ATTACK_USERS = Math.ceil(USERS * 0.3);
/** Bench-only KDF cost for creating thousands of users quickly; R3 runs at the production setting. */
const SETUP_ITERATIONS = 1_000;
const PRODUCTION_ITERATIONS = 100_000;
const SIGN_IN_USERS = 20;
const PEER_CODE_USERS = 300;
const PEER_CHALLENGES_PER_USER = 8;
const BASELINE_ROWS = 150_000;
/** The hot paths without the framework (R1c, R2c: bench/ceiling/worker.ts), in a runtime of their own. */
const CEILING_ENTRY = "bench/ceiling/worker.ts";
/** O2's supply of refresh tokens (each spent once); more than 5 s can use at R2's rate. */
const OIDC_GRANTS = env("BENCH_OIDC_GRANTS", 3000);
/** Simulated distance: each call into an object (and each peer query) waits this long. */
const TRIP_DELAY_MS = env("BENCH_TRIP_DELAY_MS", 50);
/** Sequential requests per action for the trip and distance tables. */
const EDGE_SAMPLES = env("BENCH_EDGE_SAMPLES", 20);
/** Sign-ins with random unknown emails, for the storage they leave behind. */
const RANDOM_SIGN_INS = env("BENCH_RANDOM_SIGN_INS", 10_000);
/** The directory's throttle window (src/constants.ts PASSWORD_FAILURE_WINDOW_SECONDS). */
const THROTTLE_WINDOW_SECONDS = 24 * 3600;
/** The big org: this many users in all, of whom BIG_ORG_ENROLLED (also in the small org) sign in during the bench. */
const BIG_ORG_USERS = env("BENCH_BIG_ORG_USERS", 50_000);
const BIG_ORG_ENROLLED = env("BENCH_BIG_ORG_ENROLLED", 300);

const started = Date.now();
const log = (msg) => process.stderr.write(`[bench ${round((Date.now() - started) / 1000, 0)}s] ${msg}\n`);
const is = (status) => (s) => s === status;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const setupSetting = `PBKDF2 ${SETUP_ITERATIONS} rounds (bench-only, for setup)`;
const prodSetting = `PBKDF2-SHA256 ${PRODUCTION_ITERATIONS} rounds (production)`;

/**
 * Baseline runs right before and right after a figure (several baselines: in order before, reversed after): each
 * baseline is the mean (rate) and worst (latency) of its two runs, so the machine's state during the figure is what
 * both sides saw. Returns the baselines' figures, then the figure's.
 */
async function bracket(baselines, figure) {
  const list = Array.isArray(baselines) ? baselines : [baselines];
  const before = [];
  for (const b of list) before.push(await b());
  const measured = await figure();
  const after = [];
  for (const b of [...list].reverse()) after.unshift(await b());
  const mean = (a, b) => (a === undefined || b === undefined ? undefined : round((a + b) / 2, 2));
  const merged = before.map((first, i) => {
    const last = after[i];
    return {
      ...last,
      requests: first.requests + last.requests,
      counted: first.counted + last.counted,
      rps: round((first.rps + last.rps) / 2, 1),
      p50: Math.max(first.p50, last.p50),
      p99: Math.max(first.p99, last.p99),
      cpuMsPerOp: mean(first.cpuMsPerOp, last.cpuMsPerOp),
      runs: [first.rps, last.rps],
    };
  });
  return [...merged, measured];
}

async function main() {
  const figures = {};
  const notes = [];
  const footprint = {};
  const edge = { delayMs: TRIP_DELAY_MS, samples: EDGE_SAMPLES };
  let profile = null;
  let mail = null;
  const outDir = mkdtempSync(join(tmpdir(), "gatehouse-bench-"));
  const runtimes = [];
  const peers = [];
  try {
    log("bundling with wrangler deploy --dry-run");
    const bundle = bundleWorker(ROOT, outDir);
    footprint.bundle = {
      rawBytes: bundle.rawBytes,
      gzipBytes: bundle.gzipBytes,
      limitPaidBytes: 10 * 2 ** 20,
      limitFreeBytes: 3 * 2 ** 20,
    };

    log("profile: the code step's and the big org's stages (npm run bench:profile), before any load");
    profile = runProfile();

    mail = await startMailStandIn();
    const fast = await startRuntime({ root: ROOT, bundle, passwordIterations: SETUP_ITERATIONS, mailApiUrl: mail.url });
    runtimes.push(fast);
    const prod = await startRuntime({ root: ROOT, bundle, passwordIterations: PRODUCTION_ITERATIONS, mailApiUrl: mail.url });
    runtimes.push(prod);
    const load = (opts) => measure({ seconds: SECONDS, connections: CONNECTIONS, ...opts });
    /** A runtime's floor figures (B1, B2, B2w) over its baseline Worker's seeded rows, with workerd's CPU per answer. */
    const floorLoads = async (rt) => {
      const feeds = await baselineFeeds(rt, BASELINE_ROWS);
      const at =
        (next, method = "GET") =>
        () =>
          load({ url: rt.baseline, method, cpuPid: rt.pid, next });
      return { b1: at(feeds.b1), b2: at(feeds.b2, "POST"), b2w: at(feeds.b2w, "POST") };
    };

    log(`edge: trips per action, then the same with every object call ${TRIP_DELAY_MS} ms away`);
    // Trips are counted in runtimes of their own: the counter's proxies are a cost the deployed Worker never pays,
    // so `fast`, which measures the hot paths, runs without them.
    const counting = await startRuntime({
      root: ROOT,
      bundle,
      passwordIterations: SETUP_ITERATIONS,
      countTrips: true,
      mailApiUrl: mail.url,
    });
    runtimes.push(counting);
    edge.local = await edgeActions(counting.gatehouse, "bench-trips", EDGE_SAMPLES);
    const distant = await startRuntime({
      root: ROOT,
      bundle,
      passwordIterations: SETUP_ITERATIONS,
      countTrips: true,
      tripDelayMs: TRIP_DELAY_MS,
      mailApiUrl: mail.url,
    });
    runtimes.push(distant);
    edge.distant = await edgeActions(distant.gatehouse, "bench-far", EDGE_SAMPLES);
    log(`edge: ${RANDOM_SIGN_INS} sign-ins with random emails, and the storage they leave`);
    edge.attackStorage = await randomEmailStorage(
      () => startRuntime({ root: ROOT, bundle, passwordIterations: SETUP_ITERATIONS, mailApiUrl: mail.url }),
      RANDOM_SIGN_INS,
      THROTTLE_WINDOW_SECONDS,
    );

    log(`big org: ${BIG_ORG_USERS} users beside a small org of ${BIG_ORG_ENROLLED + 1}`);
    edge.bigOrg = await bigOrgFigures(fast, {
      load,
      enrolledCount: BIG_ORG_ENROLLED,
      bigTotal: BIG_ORG_USERS,
      addUsers,
      createOrg,
      enrollUsers,
      challengesFor,
      correctCodeFeed,
      orgStorageStats,
    });

    log("baseline B0 (B1 and B2 are measured around R1 and R2)");
    // B1 and B2 run right before and right after the figure they are the floor of, in the same runtime, with
    // workerd's CPU per answer: a ratio of two rates taken minutes apart on a shared machine measured the machine.
    const { b1, b2, b2w } = await floorLoads(fast);
    figures.B0 = await load({ url: fast.baseline, path: "/b0" });
    // The bench runs outside DEV_MODE without a MAILER binding, so healthz answers 503 naming it: same work.
    figures.R0 = await load({ url: fast.gatehouse, path: "/healthz", ok: is(503) });

    log(`creating 1 + ${ORGS} + 1 orgs and ${USERS} + ${USERS} + ${ATTACK_USERS} users through the API (${setupSetting})`);
    const one = await createOrg(fast.gatehouse, "bench-one");
    const spread = await pool(
      Array.from({ length: ORGS }, (_, i) => `bench-${String(i).padStart(3, "0")}`),
      8,
      (slug) => createOrg(fast.gatehouse, slug),
    );
    const attackOrg = await createOrg(fast.gatehouse, "bench-attack");
    const emptyOrg = await orgStorageStats(fast, one.slug);
    const usersOne = await addUsers(fast.gatehouse, one, USERS, "one");
    const usersSpread = (await pool(spread, 4, (org) => addUsers(fast.gatehouse, org, Math.ceil(USERS / ORGS), "spread"))).flat();
    const usersAttack = await addUsers(fast.gatehouse, attackOrg, ATTACK_USERS, "attack");
    log("enrolling every user in TOTP (setup + confirm with client-computed codes)");
    await enrollUsers(fast.gatehouse, usersOne);
    await enrollUsers(fast.gatehouse, usersSpread);
    await enrollUsers(fast.gatehouse, usersAttack);
    const enrolledOrg = await orgStorageStats(fast, one.slug);
    footprint.perUser = {
      bytes: Math.round((enrolledOrg.databaseBytes - emptyOrg.databaseBytes) / (enrolledOrg.users - emptyOrg.users)),
      includes: "user row, TOTP secret, 10 recovery-code hashes, 1 session, the audit events of creation and enrollment, indexes",
      auditEventsPerUser: round((enrolledOrg.auditEvents - emptyOrg.auditEvents) / (enrolledOrg.users - emptyOrg.users), 1),
    };

    log("waiting for the enrollment mails to go out (the orgs' alarms send them), so no figure pays for them");
    await mailSettled(mail);

    log("R1 GET /api/me, between two runs of B1");
    const r1 = () => load({ url: fast.gatehouse, cpuPid: fast.pid, next: sessionCheckFeed(usersOne) });
    [figures.B1, figures.R1] = await bracket(b1, r1);

    // The hot paths' ceiling: the same session check and code step answered by hand (no Hono, middleware or security
    // headers), in a runtime of its own with its own B1 and B2 around them, so how much of R1's and R2's distance to
    // their floor the framework takes, and how much the work itself, is measured (bench/README.md, "The ceiling").
    log(`R1c GET /api/me without the framework (${CEILING_ENTRY}), between two runs of its runtime's B1`);
    const bare = await startRuntime({
      root: ROOT,
      bundle: bundleWorker(ROOT, mkdtempSync(join(outDir, "ceiling-")), CEILING_ENTRY),
      passwordIterations: SETUP_ITERATIONS,
      mailApiUrl: mail.url,
    });
    runtimes.push(bare);
    const bareFloor = await floorLoads(bare);
    const bareOrg = await createOrg(bare.gatehouse, "bench-ceiling");
    // As many users as R2's, so R2c's supply of codes lasts as long as R2's.
    const bareUsers = await enrollUsers(bare.gatehouse, await addUsers(bare.gatehouse, bareOrg, USERS, "ceiling"));
    await mailSettled(mail);
    [figures.B1c, figures.R1c] = await bracket(bareFloor.b1, () =>
      load({ url: bare.gatehouse, cpuPid: bare.pid, next: sessionCheckFeed(bareUsers), ok: is(200) }),
    );

    log("O1 GET /oauth/jwks");
    figures.O1 = await load({ url: fast.gatehouse, path: "/oauth/jwks" });
    log(`O2 POST /oauth/token, refresh_token grant (${OIDC_GRANTS} grants from code flows first)`);
    const grants = await refreshTokensFor(fast.gatehouse, usersOne, OIDC_GRANTS);
    figures.O2 = await load({ url: fast.gatehouse, method: "POST", next: refreshFeed(grants), ok: is(200) });

    log("R2 code step, all users in one org (fresh challenges first), between two runs of B2 and of B2w");
    const pairsOne = await challengesFor(fast.gatehouse, usersOne, CHALLENGES_PER_USER);
    await mailSettled(mail);
    const r2 = () => load({ url: fast.gatehouse, method: "POST", cpuPid: fast.pid, next: correctCodeFeed(pairsOne), ok: is(200) });
    [figures.B2, figures.B2w, figures.R2] = await bracket([b2, b2w], r2);

    log(`R2c code step without the framework (${CEILING_ENTRY}), between two runs of its runtime's B2`);
    const pairsBare = await challengesFor(bare.gatehouse, bareUsers, CHALLENGES_PER_USER);
    await mailSettled(mail);
    [figures.B2c, figures.R2c] = await bracket(bareFloor.b2, () =>
      load({ url: bare.gatehouse, method: "POST", cpuPid: bare.pid, next: correctCodeFeed(pairsBare), ok: is(200) }),
    );
    figures["R4-1"] = { ...figures.R2 };

    log(`R4 code step, users spread over ${ORGS} orgs`);
    const pairsSpread = await challengesFor(fast.gatehouse, usersSpread, CHALLENGES_PER_USER);
    figures["R4-100"] = await load({ url: fast.gatehouse, method: "POST", next: correctCodeFeed(pairsSpread), ok: is(200) });

    log("R2w wrong codes");
    const pairsWrong = await challengesFor(fast.gatehouse, usersOne, CHALLENGES_PER_USER);
    const beforeWrong = await orgStorageStats(fast, one.slug);
    figures.R2w = await load({
      url: fast.gatehouse,
      method: "POST",
      next: wrongCodeFeed(pairsWrong, WRONG_CODES_PER_CHALLENGE),
      ok: is(401),
    });
    const afterWrong = await orgStorageStats(fast, one.slug);
    const newEvents = afterWrong.auditEvents - beforeWrong.auditEvents;
    footprint.perAuditEvent = {
      bytes: newEvents ? Math.round((afterWrong.databaseBytes - beforeWrong.databaseBytes) / newEvents) : null,
      // Wrong codes are aggregated (one "2fa.code_failed" row per user and hour), so this is per row, not per failure.
      measuredOver: `${newEvents} "2fa.code_failed" rows written by R2w (one per user and hour, with a count)`,
    };
    footprint.org = afterWrong;

    log(`R3 password sign-in at ${prodSetting}`);
    const kdfOrg = await createOrg(prod.gatehouse, "bench-kdf");
    const signInUsers = await enrollUsers(prod.gatehouse, await addUsers(prod.gatehouse, kdfOrg, SIGN_IN_USERS, "kdf"));
    let s = 0;
    const signIn = () => ({
      path: "/auth/login",
      body: { email: signInUsers[s++ % signInUsers.length].email, password: PASSWORD },
    });
    figures.R3 = await load({ url: prod.gatehouse, method: "POST", next: signIn, connections: 10, ok: is(200), cpuPid: prod.pid });
    figures.KDF = await load({ url: prod.baseline, path: "/kdf", connections: 10, cpuPid: prod.pid });

    log("peer: Better Auth + two-factor plugin");
    try {
      ensurePeerInstalled(ROOT);
      const peerFast = await startPeer(ROOT, { fastHash: true });
      peers.push(peerFast);
      const pUsers = await peerUsers(peerFast, PEER_CODE_USERS, 16);
      const pPairs = await peerChallenges(peerFast, pUsers, PEER_CHALLENGES_PER_USER, 16);
      const origin = { origin: peerFast.base };
      figures.P2 = await load({
        url: peerFast.base,
        method: "POST",
        headers: origin,
        next: peerCodeFeed(pPairs),
        ok: is(200),
        cpuPid: peerFast.pid,
      });
      peerFast.stop();
      log(`peer with its database ${TRIP_DELAY_MS} ms away`);
      const peerFar = await startPeer(ROOT, { fastHash: true, dbDelayMs: TRIP_DELAY_MS });
      peers.push(peerFar);
      edge.peer = await peerActions(peerFar, EDGE_SAMPLES);
      peerFar.stop();
      const peerDefault = await startPeer(ROOT, { fastHash: false });
      peers.push(peerDefault);
      const dUsers = await peerUsers(peerDefault, SIGN_IN_USERS, 4);
      let p = 0;
      figures.P3 = await load({
        url: peerDefault.base,
        method: "POST",
        headers: { origin: peerDefault.base },
        next: () => ({
          path: "/api/auth/sign-in/email",
          body: { email: dUsers[p++ % dUsers.length].email, password: PASSWORD },
        }),
        connections: 10,
        ok: is(200),
        cpuPid: peerDefault.pid,
      });
      figures.PKDF = scryptCost();
    } catch (err) {
      notes.push(`Peer not measured: ${err.message}`);
      log(`peer failed: ${err.stack}`);
    }

    // R2x last, so that R2's users (org B here, the same org and users as R2) have their codes back: R2 spent
    // steps up to its end + 1, and a user has two fresh codes again once the current step is past the last one
    // spent (normally already so by now, after the peer; otherwise wait, at most one 30 s step).
    const freshAt = usersOne.reduce((m, u) => Math.max(m, u.lastStep), 0) + 1;
    const waitMs = freshAt * 30_000 - Date.now();
    if (waitMs > 0) {
      log(`R2x: waiting ${round(waitMs / 1000, 0)} s for R2's users to have fresh codes`);
      await sleep(waitMs + 100);
    }
    log(`R2x code step in ${one.slug} while wrong codes hit ${attackOrg.slug}, both at once (fresh challenges first)`);
    const pairsVictim = await challengesFor(fast.gatehouse, usersOne, CHALLENGES_PER_USER);
    const pairsAttack = await challengesFor(fast.gatehouse, usersAttack, CHALLENGES_PER_USER);
    [figures.R2x, figures["R2x-w"]] = await Promise.all([
      load({ url: fast.gatehouse, method: "POST", next: correctCodeFeed(pairsVictim), ok: is(200) }),
      load({ url: fast.gatehouse, method: "POST", next: wrongCodeFeed(pairsAttack, WRONG_CODES_PER_CHALLENGE), ok: is(401) }),
    ]);
  } finally {
    for (const p of peers) p.stop();
    for (const r of runtimes) await r.mf.dispose();
    mail?.stop();
    rmSync(outDir, { recursive: true, force: true });
  }
  const totalSeconds = round((Date.now() - started) / 1000, 0);
  const result = printAndSave(ROOT, {
    figures,
    footprint,
    edge,
    profile,
    notes,
    totalSeconds,
    config: {
      SECONDS,
      CONNECTIONS,
      USERS,
      ORGS,
      ATTACK_USERS,
      setupSetting,
      prodSetting,
      OIDC_GRANTS,
      peerCodeUsers: PEER_CODE_USERS,
      TRIP_DELAY_MS,
      EDGE_SAMPLES,
      RANDOM_SIGN_INS,
      BIG_ORG_USERS,
      BIG_ORG_ENROLLED,
    },
  });
  if (previousResult && !compareAndReport(result, previousResult, [`this run (${result.date})`, cli.compare], cli.margin)) {
    process.exitCode = 1;
  }
}

/**
 * The stage timings of bench/profile (vitest in workerd, one process at a time): each file prints one PROFILE_JSON
 * line; null (and a note) when the profile could not run.
 */
function runProfile() {
  try {
    const out = execFileSync("npx", ["vitest", "run", "--config", "bench/profile/vitest.config.ts", "code-step", "commit", "big-org"], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", FORCE_COLOR: "0", NO_COLOR: "1" },
      maxBuffer: 64 * 2 ** 20,
    });
    return Object.assign({}, ...[...out.matchAll(/^PROFILE_JSON (.*)$/gm)].map((m) => JSON.parse(m[1])));
  } catch (err) {
    log(`profile failed: ${err.message}`);
    return null;
  }
}

/** Better Auth's default password KDF (node:crypto scrypt N=16384 r=16 p=1, 64 bytes), CPU per hash here. */
function scryptCost() {
  const runs = 10;
  const before = process.cpuUsage();
  for (let i = 0; i < runs; i++) scryptSync(PASSWORD, "0123456789abcdef", 64, { N: 16384, r: 16, p: 1, maxmem: 128 * 16384 * 16 * 2 });
  const used = process.cpuUsage(before);
  return { cpuMsPerOp: round((used.user + used.system) / 1000 / runs, 1), params: "scrypt N=16384 r=16 p=1 dkLen=64 (32 MiB)" };
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
