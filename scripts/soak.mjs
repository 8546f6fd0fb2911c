// npm run soak [-- --size small|default|large] [--seconds N]: hundreds of enrolled users in several orgs sign
// in with a fresh code once per time step (racing duplicates, wrong codes, replays, recovery codes, dead
// challenges) against the Worker's deployable bundle in workerd on 127.0.0.1 (scripts/soak/serve.mjs), restarted
// once midway with its state kept; then the audit log and the API are read back and judged
// (scripts/soak/invariants.mjs). Setup is timed apart from the load.
// Exit 0 when every invariant holds; 1 when one is breached, or when the read-back never got an answer.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { makeClient } from "./soak/client.mjs";
import { checkInvariants } from "./soak/invariants.mjs";
import { Load, setUp, stepOf } from "./soak/load.mjs";
import { readBack } from "./soak/readback.mjs";
import { freePort, prepareRuntime, Runtime } from "./soak/server.mjs";
import { summarize } from "./soak/summary.mjs";

/** Users x time steps bound what can be accepted: each user at most once per 30-second step. */
const SIZES = {
  small: { orgs: 3, usersPerOrg: 60, seconds: 20, concurrency: 16 },
  default: { orgs: 5, usersPerOrg: 160, seconds: 60, concurrency: 24 },
  large: { orgs: 8, usersPerOrg: 250, seconds: 300, concurrency: 32 },
};
const PASSWORD = "soak password 123";
// At least 32 bytes: outside DEV_MODE the Worker refuses a shorter platform token.
const TOKEN = "soak-platform-token-0123456789abcdef";

const { values: args } = parseArgs({
  options: { size: { type: "string", default: process.env.SOAK_SIZE ?? "default" }, seconds: { type: "string" } },
});
const size = SIZES[args.size];
if (!size) {
  console.error(`soak: --size is one of ${Object.keys(SIZES).join(", ")}`);
  process.exit(2);
}
const seconds = Number(args.seconds ?? process.env.SOAK_SECONDS ?? size.seconds);
if (!(seconds >= 5 && seconds <= 3600)) {
  console.error("soak: the load lasts 5 to 3600 seconds");
  process.exit(2);
}

const wallStart = Date.now();
const clientCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const dir = mkdtempSync(join(tmpdir(), "gatehouse-soak-"));
const port = await freePort();
const server = new Runtime({ port, configFile: prepareRuntime(dir, { platformToken: TOKEN, port }) });
const bundledMs = Date.now() - wallStart;

// Whatever happens, the runtime we started (its own process group) goes with us.
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    server.kill();
    process.exit(130);
  });
}
process.on("exit", () => {
  server.kill();
  rmSync(dir, { recursive: true, force: true }); // this run's secrets and state, whatever ended it
});

const requests = [];
const client = makeClient(server.base, {
  onAnswer: (label, a) => requests.push({ label, status: a.status, sentAt: a.sentAt, recvAt: a.recvAt, code: a.body?.error?.code }),
});
let onTheWire = 0; // requests sent and not yet answered: the restart waits for some
const req = async (path, opts) => {
  onTheWire++;
  try {
    return await client(path, opts);
  } finally {
    onTheWire--;
  }
};
const ctx = { req, token: TOKEN, password: PASSWORD, ready: () => server.ready() };

async function finish(code, lines) {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
  for (const l of lines) (code ? console.error : console.log)(l);
  process.exit(code);
}

await server.start();
console.log(
  `soak: size ${args.size}, ${seconds} s of load; the Worker's bundle (built in ${(bundledMs / 1000).toFixed(1)} s) in workerd on ${server.base}`,
);
const setupStart = Date.now();
let world;
try {
  world = await setUp(ctx, size);
} catch (e) {
  await finish(1, [`soak: SETUP FAILED (no invariant judged): ${e.message}`]);
}
const setupMs = Date.now() - setupStart;
const setupRequests = requests.filter((r) => r.label === "setup").length;
const { times } = world;
console.log(
  `soak: setup (not timed as load) ${world.users.length} enrolled users in ${world.orgs.length} orgs (${world.orgs.filter((o) => o.forced).length} requiring 2FA) ` +
    `in ${(setupMs / 1000).toFixed(1)} s, ${setupRequests} requests: users created in ${((times.users - times.orgs) / 1000).toFixed(1)} s, ` +
    `enrolled in ${((times.enrollments - times.users) / 1000).toFixed(1)} s`,
);

const period = world.users[0].period;
const load = new Load(ctx, { users: world.users, orgs: world.orgs, period, concurrency: size.concurrency });
const run = { start: Date.now() };
const deadline = run.start + seconds * 1000;
const running = load.run(deadline);
await new Promise((r) => setTimeout(r, (seconds * 1000) / 2));
// Restart into traffic: wait (two seconds at most) for requests on the wire, so some are caught mid-flight.
for (let i = 0; i < 400 && onTheWire < 2; i++) await new Promise((r) => setTimeout(r, 5));
console.log(`soak: restarting the runtime midway (state kept) with ${onTheWire} requests on the wire`);
run.stoppedAt = Date.now();
await server.stop();
await server.start();
run.upAt = Date.now();
load.restarted();
await running;
run.end = Date.now();

const readStart = Date.now();
const back = await readBack(ctx, { orgs: world.orgs, users: world.users, keys: load.keys, concurrency: size.concurrency });
const verdict = checkInvariants({
  users: world.users,
  submissions: load.submissions,
  endStep: stepOf(run.end, period),
  audit: back.audit,
  usersList: back.usersList,
  me: back.me,
  keys: load.keys,
  answers: requests.filter((r) => r.sentAt >= run.start && r.sentAt < run.end),
  anomalies: load.anomalies,
  refusedReads: back.refusedReads,
});
const readMs = Date.now() - readStart;
// SOAK_DUMP=file.json keeps what was judged, to look into a finding after the Worker's state is gone.
if (process.env.SOAK_DUMP) {
  const users = world.users.map(({ id, email, org, enrolledStep, enrolledAt, setupCodeFailures }) => ({
    id,
    email,
    org,
    enrolledStep,
    enrolledAt,
    setupCodeFailures,
  }));
  writeFileSync(process.env.SOAK_DUMP, JSON.stringify({ run, users, submissions: load.submissions, keys: load.keys, requests, ...back }));
}

const f = verdict.figures;
const lines = [
  ...summarize({ requests, submissions: load.submissions, run, users: world.users.length }).map((l) => `soak: ${l}`),
  `soak: unknowns (no answer, never a breach by themselves): ${f.unknownSubmissions} code-step requests, ` +
    `${f.unknownResolvedByAudit} of them found accepted in the audit log; checks retried and answered: ${f.checksRetried}, never answered: ${f.checksUnknown}`,
  `soak: read back ${f.auditEvents} audit events, ${back.me.length} sessions, ${load.keys.length} revoked keys in ${(readMs / 1000).toFixed(1)} s; ` +
    `locks in the audit log: ${f.locks}; wall time ${((Date.now() - wallStart) / 1000).toFixed(0)} s, ` +
    `the soak's own CPU ${(clientCpuMs() / 1000).toFixed(1)} s`,
];
const accepted = load.submissions.filter((s) => s.status === 200);
const tally = `${accepted.filter((s) => s.kind === "totp").length} TOTP and ${accepted.filter((s) => s.kind === "recovery").length} recovery sign-ins accepted`;
if (verdict.breaches.length) {
  await finish(1, [
    ...lines,
    `soak: FAILED: ${verdict.breaches.length} invariant(s) breached (${tally})`,
    ...verdict.breaches.map((b) => `  ${b}`),
  ]);
}
if (back.missing.length) {
  await finish(1, [...lines, `soak: INCONCLUSIVE: the Worker never answered ${back.missing.join("; ")}`]);
}
await finish(0, [
  ...lines,
  `soak: PASSED: ${tally}; none twice, no session from a dead challenge, revoked keys refused, every sign-in audited once, nothing lost across the restart`,
]);
