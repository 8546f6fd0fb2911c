// The results table and ratios: printed, saved as bench/results/<date>.json and .md, and copied into the
// main README between <!-- bench:start --> and <!-- bench:end --> when README.md exists.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { round } from "./load.mjs";

const ROWS = [
  ["B0", "baseline: trivial route", "same workerd"],
  ["B1", "baseline: 1 DO RPC reading 1 row by key (mean of the runs right before and after R1)", "same workerd"],
  ["B2", "baseline: 1 DO RPC spending a single-use row (transactionSync; mean of the runs right before and after R2)", "same workerd"],
  [
    "B2w",
    "baseline: 1 DO RPC making only the writes a code step must (B2's spend, replay step, session, sign-in time, audit row) in one transactionSync",
    "same workerd",
  ],
  ["R0", "GET /healthz", "setup"],
  ["R1", "GET /api/me (session check in the org's object)", "setup"],
  ["B1c", "baseline: B1 in R1c's runtime (mean of the runs right before and after R1c)", "same workerd"],
  [
    "R1c",
    "GET /api/me answered by hand, without Hono, middleware or security headers (bench/ceiling/worker.ts): the session check's ceiling",
    "setup",
  ],
  ["R2", "POST /auth/login/2fa, correct never-used codes, 1 org (= R4 1 org)", "setup"],
  ["B2c", "baseline: B2 in R2c's runtime (mean of the runs right before and after R2c)", "same workerd"],
  [
    "R2c",
    "POST /auth/login/2fa answered by hand, without Hono, middleware or security headers (bench/ceiling/worker.ts): the code step's ceiling",
    "setup",
  ],
  ["R2w", "POST /auth/login/2fa, wrong codes (rate of 401)", "setup"],
  ["R2x", "R2 again (same org, fresh challenges) while wrong codes hit another org at the same time", "setup"],
  ["R2x-w", "the wrong codes against the other org during R2x (rate of 401)", "setup"],
  ["R4-100", "R2 with the users spread over 100 orgs", "setup"],
  ["O1", "GET /oauth/jwks (OpenID signing keys)", "setup"],
  ["O2", "POST /oauth/token, refresh_token grant (rotation, RS256 access + ID token)", "setup"],
  ["R3", "POST /auth/login, password sign-in (answer: 2fa_required)", "prod"],
  ["KDF", "baseline: PBKDF2-SHA256 100000 rounds alone", "prod"],
  ["P2", "peer: Better Auth POST /two-factor/verify-totp", "peer"],
  ["P3", "peer: Better Auth POST /sign-in/email (answer: twoFactorRedirect)", "peer-default"],
];

const fmt = (v) => (v === undefined || v === null ? "–" : String(v));
/** a/b to 2 decimals (unrounded with digits = null, as compare.mjs wants), or null when either is missing. */
const ratio = (a, b, digits = 2) => (a && b ? (digits === null ? a / b : round(a / b, digits)) : null);

/**
 * Every ratio as [id, meaning, value, better]: "higher" for rates (more served per second is better), "lower" for
 * CPU per operation (less spent is better). bench/lib/compare.mjs reads `better` to tell a regression, and
 * compares unrounded values (digits = null) so that rounding never hides or invents a change.
 */
export function ratios(f, digits = 2) {
  return [
    ["R0/B0", "cheapest route vs trivial Worker (req/s)", ratio(f.R0?.rps, f.B0?.rps, digits), "higher"],
    ["R1/B1", "session check vs 1 DO read (req/s)", ratio(f.R1?.rps, f.B1?.rps, digits), "higher"],
    ["R1c/B1c", "session check without the framework vs 1 DO read (req/s)", ratio(f.R1c?.rps, f.B1c?.rps, digits), "higher"],
    ["R2/B2", "code step vs 1 DO single-use spend (req/s)", ratio(f.R2?.rps, f.B2?.rps, digits), "higher"],
    ["R2c/B2c", "code step without the framework vs 1 DO single-use spend (req/s)", ratio(f.R2c?.rps, f.B2c?.rps, digits), "higher"],
    ["R2/B2w", "code step vs its required writes alone (req/s)", ratio(f.R2?.rps, f.B2w?.rps, digits), "higher"],
    ["B2w/B2", "a code step's required writes vs 1 spend, in the runtime alone (req/s)", ratio(f.B2w?.rps, f.B2?.rps, digits), "higher"],
    ["R2/R1", "code step vs session check (req/s)", ratio(f.R2?.rps, f.R1?.rps, digits), "higher"],
    ["R2w/R2", "wrong code vs correct code (req/s)", ratio(f.R2w?.rps, f.R2?.rps, digits), "higher"],
    ["R2x/R2", "code step under attack in another org vs alone (req/s)", ratio(f.R2x?.rps, f.R2?.rps, digits), "higher"],
    [
      "(R2x+R2x-w)/R2",
      "both orgs' answers during R2x vs R2 alone (req/s)",
      ratio(f.R2x && f["R2x-w"] ? f.R2x.rps + f["R2x-w"].rps : null, f.R2?.rps, digits),
      "higher",
    ],
    ["O1/B0", "JWKS vs trivial Worker (req/s)", ratio(f.O1?.rps, f.B0?.rps, digits), "higher"],
    ["O2/B2", "token refresh vs 1 DO single-use spend (req/s)", ratio(f.O2?.rps, f.B2?.rps, digits), "higher"],
    ["O2/R2", "token refresh vs code step (req/s)", ratio(f.O2?.rps, f.R2?.rps, digits), "higher"],
    ["R4(100)/R4(1)", "code step, 100 orgs vs 1 org (req/s)", ratio(f["R4-100"]?.rps, f["R4-1"]?.rps, digits), "higher"],
    ["R3 CPU/KDF CPU", "CPU per sign-in vs CPU per PBKDF2 100k", ratio(f.R3?.cpuMsPerOp, f.KDF?.cpuMsPerOp, digits), "lower"],
    ["R3/P3", "Gatehouse vs Better Auth, sign-ins/s", ratio(f.R3?.rps, f.P3?.rps, digits), "higher"],
    ["R3 CPU/P3 CPU", "Gatehouse vs Better Auth, CPU per sign-in", ratio(f.R3?.cpuMsPerOp, f.P3?.cpuMsPerOp, digits), "lower"],
    ["R2/P2", "Gatehouse vs Better Auth, accepted codes/s", ratio(f.R2?.rps, f.P2?.rps, digits), "higher"],
  ];
}

/** The code step's time by stage, in words, from the profile's rows (bench/profile/code-step.profile.ts). */
function codeStepBreakdown(profile) {
  const rows = profile?.codeStep;
  if (!rows) return null;
  const us = (start) => rows.find((r) => r.stage.startsWith(start))?.us;
  const whole = us("whole request: POST /auth/login/2fa (back to back");
  const edgeOnly = us("whole request: POST /auth/login/2fa, malformed");
  const writes = us("edge: runInDurableObject, the code step's writes");
  const b2 = us("edge: runInDurableObject, 1 row changed");
  const noop = us("edge: runInDurableObject round trip, no work");
  const inObject = us("object: completeTotpStep whole");
  if ([whole, edgeOnly, writes, b2, noop, inObject].some((v) => v === undefined)) return null;
  return (
    `Where a code step's ${whole} µs go (one request at a time, profile below): about ${edgeOnly} µs are the HTTP request ` +
    `as the local runtime carries it (a request refused at the edge costs that much; R0/B0 says how little of it is ` +
    `Gatehouse's own middleware), ${us("edge: verify the challenge JWT")} µs the JWT check and ` +
    `${us("edge: new session token")} µs the new session token; in the org's object the action itself takes ${inObject} µs ` +
    `of CPU (secret decryption ${us("object: readyFactor")}, three HOTP candidates ${us("object: matchStep")}, reads ` +
    `${us("object: findActiveUser")}, writes ${us("object: writes")}); the rest is the call into the object and its ` +
    `commit: a call that commits the code step's writes takes ${writes} µs against ${b2} µs for one changed row (B2's ` +
    `work) and ${noop} µs for a call that writes nothing. Most of a write call is its commit, whatever row it writes ` +
    "(table below), and B2 pays it too. That leaves about " +
    `${whole - edgeOnly - us("edge: verify the challenge JWT") - us("edge: new session token") - writes - inObject} µs ` +
    "that no stage timed alone accounts for. Under load, a V8 profile of the isolate (`node bench/cpu-profile.mjs r2`, " +
    "bench/README.md) puts it in the runtime: the first statement of each call that follows a write runs ~100-400 µs " +
    "(the previous call's commit lands there; in a read-only run it costs ~20 µs, and B2 pays it too), the RPC's " +
    "delivery and the HTTP handling show as native time outside any JavaScript function, and no function of " +
    "Gatehouse's own takes more than ~120 µs per answer (three HOTP candidates in otpauth's SHA-1)."
  );
}

const cpuUs = (fig) => (fig?.cpuMsPerOp ? Math.round(fig.cpuMsPerOp * 1000) : null);
/** "about N µs", or plainly nothing when noise put the part at or below zero in this run. */
const part = (whole, rest) => (whole - rest > 0 ? `about ${whole - rest} µs` : `nothing measurable (${whole} against ${rest} µs)`);

/**
 * What a hot path answered by hand (bench/ceiling/worker.ts, figure `${real}c` beside its runtime's `${floor}c`) says:
 * its share of the floor, and how the real route's distance to the floor splits into the framework's part and the
 * work's own; null when the run did not measure it.
 */
function ceilingFinding(f, { real, floor, name, short, same, floorWork, own, target }) {
  const hand = f[`${real}c`];
  const base = f[`${floor}c`];
  const ceiling = ratio(hand?.rps, base?.rps);
  if (ceiling === null) return null;
  const framework = cpuUs(f[real]) - cpuUs(hand);
  return (
    `The ${name}'s ceiling: answered by hand with no framework at all (${real}c, bench/ceiling/worker.ts: no Hono, no ` +
    `middleware, no security headers; the same ${same}), it serves ${real}c/${floor}c = ${ceiling} of its runtime's ` +
    `${floor} at ${cpuUs(hand)} µs of CPU against ${cpuUs(base)} µs. The Worker's framework and guards (routing, the ` +
    `middleware and the security headers) account for ${part(cpuUs(f[real]), cpuUs(hand))} of ${real}, and the ${short}'s ` +
    `own work beyond ${floor}'s ${floorWork} for ${part(cpuUs(hand), cpuUs(base))} (${own}). ` +
    (ceiling >= target
      ? `Without the framework the ${short} reaches ${target} of ${floor}: what is left to win is in the framework and the guards.`
      : framework > 0
        ? `Even with no framework at all the ${short} stays under ${target} of ${floor}, so the target needs both a lighter ` +
          `framework and a lighter ${short}.`
        : `Even with no framework at all the ${short} stays under ${target} of ${floor}: the framework is not where its time goes.`)
  );
}

function findings({ figures: f, footprint, config, profile }) {
  const out = [];
  const breakdown = codeStepBreakdown(profile);
  if (breakdown) out.push(breakdown);
  const scale = ratio(f["R4-100"]?.rps, f["R4-1"]?.rps);
  if (scale !== null && scale < 1.3) {
    out.push(
      `R4(100)/R4(1) = ${scale}: locally every Durable Object runs in one workerd process on one thread, so spreading users ` +
        "over orgs cannot add parallelism here; it does show that no global object sits on the code step (each request " +
        "touches only its org's object). In production each org's object can run on its own machine.",
    );
  }
  const session = ratio(f.R1?.rps, f.B1?.rps);
  if (session !== null && session < 0.8) {
    out.push(
      `R1/B1 = ${session}: workerd spends ${cpuUs(f.R1)} µs of CPU per session check against ${cpuUs(f.B1)} µs per B1 ` +
        "read (B1 measured right before and after R1). A session check is a keyed hash of the cookie at the edge, then " +
        "in the org's object one statement (the session, its user, the org's settings and the user's factors: TOTP " +
        "period, passkey and recovery-code counts, joined) and an identity returned over RPC, where B1 reads one row " +
        "and returns a string; the Worker's own middleware and routing run before it; " +
        "`node bench/cpu-profile.mjs r1` shows the split (bench/README.md, 'Where the CPU goes').",
    );
    const ceiling = ceilingFinding(f, {
      real: "R1",
      floor: "B1",
      name: "session check",
      short: "check",
      same: "cookie parsing, keyed hash, object call and answer",
      floorWork: "read",
      own: "the keyed hash, the joined statement, the identity over RPC, a larger answer",
      target: 0.8,
    });
    if (ceiling) out.push(ceiling);
  }
  const code = ratio(f.R2?.rps, f.B2?.rps);
  if (code !== null && code < 0.7) {
    out.push(
      `R2/B2 = ${code}: workerd spends ${cpuUs(f.R2)} µs of CPU per accepted code against ${cpuUs(f.B2)} µs per B2 spend ` +
        "(B2 measured right before and after R2). The code step verifies the challenge JWT and hashes a new session " +
        "token at the edge, then in the org's object decrypts the TOTP secret (AES-GCM, before the transaction), " +
        "computes three HOTP candidates and runs eleven statements (five of them writes: challenge spent, last step, " +
        "session with its amr, the user's sign-in time, audit event) in one transaction where B2 runs two; " +
        "`node bench/cpu-profile.mjs r2` shows the split." +
        (f.B2w
          ? ` The runtime alone, making only those five writes in one call (B2w, no JWT, no decryption, no HOTP, no ` +
            `reads beyond the spend), serves B2w/B2 = ${ratio(f.B2w.rps, f.B2.rps)} of B2 at ${cpuUs(f.B2w)} µs of CPU ` +
            `each: the writes a code step must make cost that much of the ceiling before any of Gatehouse's own ` +
            `work, and R2/B2w = ${ratio(f.R2.rps, f.B2w.rps)} is how close the code step gets to that floor.`
          : ""),
    );
    const ceiling = ceilingFinding(f, {
      real: "R2",
      floor: "B2",
      name: "code step",
      short: "code step",
      same: "body validation, flow, object call and answer",
      floorWork: "spend",
      own: "the JWT, the new session token, the decryption, HOTP, the reads and the four writes besides the spend",
      target: 0.7,
    });
    if (ceiling) out.push(ceiling);
  }
  const underAttack = ratio(f.R2x?.rps, f.R2?.rps);
  if (underAttack !== null && f["R2x-w"]) {
    const total = ratio(f.R2x.rps + f["R2x-w"].rps, f.R2.rps);
    out.push(
      `R2x/R2 = ${underAttack} (p99 ${f.R2x.p99} ms vs ${f.R2.p99} ms) while ${f["R2x-w"].rps} wrong codes/s hit another org ` +
        `(${config.ATTACK_USERS} users, 8 failures each, under the lock): locally both orgs' objects and the Worker share one ` +
        "workerd thread, so the attack takes its share of that CPU and R2x/R2 cannot reach 1.0 here (about 0.5 is a fair " +
        `share at equal connections). (R2x+R2x-w)/R2 = ${total} says whether the attack cost the victim more than that share ` +
        "(near 1, with R2w/R2 near 1: no lock, queue or global object couples the two orgs). It cannot show production " +
        "isolation, where each org's object runs on its own and only a shared edge isolate would be contended." +
        (f["R2x-w"].stoppedEarly && !f.R2x.stoppedEarly
          ? " The attack's supply ran out before R2x ended: part of R2x ran unattacked."
          : ""),
    );
  }
  if (f.KDF?.cpuMsPerOp) {
    out.push(
      `The password KDF costs ${f.KDF.cpuMsPerOp} ms CPU per run here (PBKDF2-SHA256, 100000 rounds) and a whole sign-in ` +
        `${fmt(f.R3?.cpuMsPerOp)} ms: the KDF is most of the sign-in. That is above the 10 ms CPU per request of the Workers ` +
        "Free plan (sign-in needs the Paid plan) and caps one isolate at roughly 1000/KDF-ms sign-ins/s.",
    );
  }
  if (f.P2 && f.P2.counted > config.peerCodeUsers * 3) {
    out.push(
      `Better Auth accepted ${f.P2.counted} codes from ${config.peerCodeUsers} users in ${f.P2.seconds} s: the same TOTP code ` +
        "works again on a new challenge (no replay refusal), so its code step does less work than Gatehouse's, which " +
        "burns the time step (RFC 6238 section 5.2).",
    );
  }
  for (const [id, expected] of [
    ["R2", "200"],
    ["R4-100", "200"],
    ["R2w", "401"],
    ["R2x", "200"],
    ["R2x-w", "401"],
    ["O2", "200"],
  ]) {
    const odd = Object.entries(f[id]?.statusCodes ?? {}).filter(([code]) => code !== expected && code !== "404");
    if (odd.length) {
      out.push(
        `${id} also got ${odd.map(([code, v]) => `${v.count} × ${code}`).join(", ")} (not counted): codes computed by the client ` +
          "right at a 30 s step boundary can land one step ahead of the server's window.",
      );
    }
  }
  if (footprint.bundle) {
    out.push(
      `Bundle ${round(footprint.bundle.gzipBytes / 1024, 0)} KiB gzip: ${round((100 * footprint.bundle.gzipBytes) / footprint.bundle.limitFreeBytes, 1)}% ` +
        "of the 3 MiB Free limit, " +
        `${round((100 * footprint.bundle.gzipBytes) / footprint.bundle.limitPaidBytes, 1)}% of the 10 MiB Paid limit.`,
    );
  }
  return out;
}

/** Round trips per action (local) and the simulated-distance latencies beside the peer's, and attack storage. */
/** What each big-org row measures (bench/lib/edge.mjs bigOrgFigures). */
const BIG_ORG_LABELS = {
  "users page": "users page (GET /api/org/users, 100 users)",
  "users search": "users search, no match (?q=; at most 2,000 users read)",
  compliance: "compliance summary (?limit=1: counts of the whole org, 1 user)",
};

/** The big-org rows the issue sets a target for (at most 1.5 times the small org's time per request). */
const BIG_ORG_TARGETED = ["session check", "code step", "users page", "compliance"];
const BIG_ORG_TARGET = 1.5;

function edgeTables(result) {
  const { edge } = result;
  if (!edge) return [];
  const lines = [];
  const near = Object.fromEntries((edge.local ?? []).map((r) => [r.action, r]));
  const far = Object.fromEntries((edge.distant ?? []).map((r) => [r.action, r]));
  lines.push(
    "",
    `Round trips from the Worker to Durable Objects per user action (calls / sequential), and latency with every object ` +
      `call ${edge.delayMs} ms away (TRIP_DELAY_MS; ${edge.samples} sequential requests each, one connection; absolute ms ` +
      "on a shared machine are noisy, the trip counts are exact):",
    "",
    "| Action | Trips (calls / sequential) | local p50 / p99 ms | at distance p50 / p99 ms |",
    "|---|---:|---:|---:|",
  );
  for (const [action, r] of Object.entries(near)) {
    const d = far[action];
    lines.push(`| ${action} | ${r.calls} / ${r.sequential} | ${r.p50} / ${r.p99} | ${d ? `${d.p50} / ${d.p99}` : "–"} |`);
  }
  if (edge.peer?.length) {
    lines.push(
      "",
      `Better Auth with its database ${edge.delayMs} ms away (every query waits that long; ${edge.samples} sequential requests ` +
        "each; both sides hash passwords with their bench-only cheap setting here, so these rows are about trips, not the KDF):",
      "",
      "| Peer action | Queries (trips) | p50 / p99 ms |",
      "|---|---:|---:|",
      ...edge.peer.map((r) => `| ${r.action} | ${r.queries} | ${r.p50} / ${r.p99} |`),
    );
  }
  if (edge.bigOrg) {
    const g = edge.bigOrg;
    lines.push(
      "",
      `Big org: ${g.users} users (${g.bytesPerSeededUser} bytes per seeded user, ${round(g.databaseBytes / 2 ** 20, 1)} MiB in all) ` +
        "beside a small org with the same signed-in users, measured in the same run (small/big above 1 means the big org is slower; the target is at most 1.5):",
      "",
      "| Action | small req/s | big req/s | small p99 ms | big p99 ms | small/big |",
      "|---|---:|---:|---:|---:|---:|",
      ...g.rows.map(
        (r) =>
          `| ${BIG_ORG_LABELS[r.what] ?? r.what} | ${r.smallRps} | ${r.bigRps} | ${r.smallP99} | ${r.bigP99} | ${fmt(r.smallOverBig)} |`,
      ),
    );
    const targeted = g.rows.filter((r) => BIG_ORG_TARGETED.includes(r.what));
    const over = targeted.filter((r) => r.smallOverBig > BIG_ORG_TARGET);
    lines.push(
      "",
      (over.length
        ? `Over the ${BIG_ORG_TARGET} target: ${over.map((r) => `${r.what} (${fmt(r.smallOverBig)})`).join(", ")}.`
        : `Each targeted row (${BIG_ORG_TARGETED.join(", ")}) is within the ${BIG_ORG_TARGET} target.`) +
        " The search row is not a target: a search reads up to 2,000 users per request by design, where the small org has a few dozen.",
    );
  }
  if (result.profile?.codeStep) {
    lines.push(
      "",
      "Where the code step's time goes (npm run bench:profile, run by the bench before any load: each stage timed over " +
        "many runs in workerd with performance.now(), one request at a time; µs per run, noisy on a shared machine):",
      "",
      "| Stage | µs |",
      "|---|---:|",
      ...result.profile.codeStep.map((r) => `| ${r.stage} | ${r.us} |`),
    );
  }
  if (result.profile?.commit) {
    lines.push(
      "",
      "One call into the org's object that commits a transaction, by what it writes (round-robin, so other load falls " +
        "on each alike; µs per call from the caller): the commit is a fixed cost per write transaction, not per row.",
      "",
      "| Write | µs |",
      "|---|---:|",
      ...result.profile.commit.map((r) => `| ${r.write} | ${r.us} |`),
    );
  }
  if (result.profile?.bigOrg) {
    const b = result.profile.bigOrg;
    lines.push(
      "",
      `Big org, one request at a time (${b.users} seeded users beside a small org of 21; µs per request):`,
      "",
      "| Request | small µs | big µs |",
      "|---|---:|---:|",
      ...[...new Set(b.requests.map((r) => r.path))].map(
        (path) =>
          `| GET ${path} | ${b.requests.find((r) => r.path === path && r.org === "small")?.us ?? "–"} | ${b.requests.find((r) => r.path === path && r.org === "big")?.us ?? "–"} |`,
      ),
      "",
      ...b.plans.map((p) => `- ${p}`),
    );
  }
  if (edge.attackStorage) {
    const a = edge.attackStorage;
    lines.push(
      "",
      `Attack traffic: ${a.signIns} sign-ins with random unknown emails left ${a.bytesDuringWindow} bytes in directory objects ` +
        `during their window (${a.bytesPerObjectDuringWindow} per object) and ${a.bytesAfterWindow} bytes after it (alarm run as at the window's end).`,
    );
  }
  return lines;
}

export function renderMarkdown(result) {
  const { figures: f, footprint, config, notes } = result;
  const setting = {
    "same workerd": "–",
    setup: config.setupSetting,
    prod: config.prodSetting,
    peer: "Better Auth, bench-only cheap password hash for setup",
    "peer-default": `Better Auth defaults: ${f.PKDF?.params ?? "scrypt"}`,
  };
  const lines = [
    `Run ${result.date} on ${result.machine}; ${config.SECONDS} s per figure, ${config.CONNECTIONS} connections (10 for R3, KDF, P3); total ${result.totalSeconds} s.`,
    "",
    "| Figure | What | req/s | p50 ms | p99 ms | CPU ms/op | KDF setting |",
    "|---|---|---:|---:|---:|---:|---|",
  ];
  for (const [id, what, s] of ROWS) {
    const r = f[id];
    lines.push(`| ${id} | ${what} | ${fmt(r?.rps)} | ${fmt(r?.p50)} | ${fmt(r?.p99)} | ${fmt(r?.cpuMsPerOp)} | ${setting[s]} |`);
  }
  if (f.PKDF)
    lines.push(`| PKDF | peer's password KDF alone (${f.PKDF.params}) | – | – | – | ${f.PKDF.cpuMsPerOp} | Better Auth default |`);
  lines.push("", "| Ratio | Meaning | Value |", "|---|---|---:|");
  for (const [id, what, v] of ratios(f)) lines.push(`| ${id} | ${what} | ${fmt(v)} |`);
  lines.push(
    "",
    "| Footprint | Value |",
    "|---|---|",
    `| Bundle (wrangler deploy --dry-run) | ${round(footprint.bundle.rawBytes / 1024, 0)} KiB raw, ${round(footprint.bundle.gzipBytes / 1024, 0)} KiB gzip (limits: 3 MiB Free, 10 MiB Paid) |`,
    `| Storage per user | ${fmt(footprint.perUser?.bytes)} bytes (${footprint.perUser?.includes}; ${fmt(footprint.perUser?.auditEventsPerUser)} audit events each) |`,
    `| Storage per audit row | ${fmt(footprint.perAuditEvent?.bytes)} bytes (${footprint.perAuditEvent?.measuredOver}) |`,
  );
  lines.push(...edgeTables(result));
  const all = [...findings(result), ...notes];
  if (all.length) lines.push("", "Findings:", "", ...all.map((n) => `- ${n}`));
  return lines.join("\n");
}

export function printAndSave(root, data) {
  const now = new Date();
  const date = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}-${String(now.getDate()).padStart(2, "0")}`;
  const result = { date, machine: `${cpus().length} CPUs, ${cpus()[0]?.model ?? "unknown"}, Node ${process.version}`, ...data };
  const md = renderMarkdown(result);
  console.log(`\n${md}\n`);
  const dir = join(root, "bench", "results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${date}.json`), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(dir, `${date}.md`), `# Benchmark ${date}\n\n${md}\n`);
  const readme = join(root, "README.md");
  if (!existsSync(readme)) {
    console.log("README.md does not exist: the table is in bench/results only.");
    return result;
  }
  const section = `<!-- bench:start -->\n${md}\n<!-- bench:end -->`;
  const text = readFileSync(readme, "utf8");
  const marked = /<!-- bench:start -->[\s\S]*?<!-- bench:end -->/;
  const updated = marked.test(text)
    ? text.replace(marked, () => section)
    : `${text.trimEnd()}\n\n## Benchmarks\n\n\`npm run bench\` (see bench/README.md). Latest results:\n\n${section}\n`;
  writeFileSync(readme, updated);
  console.log(`Saved bench/results/${date}.json and .md; README.md updated.`);
  return result;
}
