// The soak's figures, per path of the timed load: attempts, accepted, refused as replay / wrong / dead
// challenge, locked, unknown (no answer), p50/p99 latency; then what the restart did. Setup and read-back apart.

export function percentile(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function latency(list) {
  const ms = list
    .filter((r) => r.status !== 0)
    .map((r) => r.recvAt - r.sentAt)
    .sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99) };
}

function codeRow(name, subs) {
  const n = (f) => subs.filter(f).length;
  return {
    name,
    attempts: subs.length,
    accepted: n((s) => s.status === 200),
    replay: n((s) => s.status === 401 && (s.purpose === "race" || s.purpose === "replay")),
    wrong: n((s) => s.status === 401 && s.purpose === "wrong"),
    dead: n((s) => s.status === 401 && s.purpose === "dead"),
    locked: n((s) => s.status === 429 || s.status === 423),
    unknown: n((s) => s.status === 0),
    ...latency(subs),
  };
}

function plainRow(name, reqs, ok) {
  const n = (f) => reqs.filter(f).length;
  return {
    name,
    attempts: reqs.length,
    accepted: n((r) => ok(r.status)),
    replay: "",
    wrong: "",
    dead: "",
    locked: n((r) => r.status === 429 || r.status === 423),
    unknown: n((r) => r.status === 0),
    ...latency(reqs),
  };
}

const COLUMNS = [
  ["name", "path", 24],
  ["attempts", "attempts", 9],
  ["accepted", "accepted", 9],
  ["replay", "replay", 7],
  ["wrong", "wrong", 6],
  ["dead", "dead ch.", 9],
  ["locked", "locked", 7],
  ["unknown", "unknown", 8],
  ["p50", "p50 ms", 7],
  ["p99", "p99 ms", 7],
];

function table(rows) {
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(COLUMNS[i][2]) : String(c).padStart(COLUMNS[i][2]))).join("");
  return [line(COLUMNS.map((c) => c[1])), ...rows.map((r) => line(COLUMNS.map(([k]) => r[k] ?? "")))].join("\n");
}

const inWindow = (r, from, to) => r.sentAt >= from && r.sentAt < to;
const secs = (ms) => (ms / 1000).toFixed(1);

/** Lines to print. `run`: { start, end, stoppedAt, upAt }; `requests`: every answer of the load, labelled. */
export function summarize({ requests, submissions, run, users }) {
  const load = requests.filter((r) => inWindow(r, run.start, run.end) && r.label !== "setup" && r.label !== "readback");
  const totp = submissions.filter((s) => s.kind === "totp");
  const recovery = submissions.filter((s) => s.kind === "recovery");
  const rows = [
    codeRow("code step: TOTP", totp),
    codeRow("code step: recovery", recovery),
    plainRow(
      "password step",
      load.filter((r) => r.label === "password"),
      (s) => s === 200,
    ),
    plainRow(
      "admin: API keys",
      load.filter((r) => r.label.startsWith("admin.")),
      (s) => s >= 200 && s < 300,
    ),
  ];
  const all = plainRow("all", load, (s) => s >= 200 && s < 300);
  const codeShare = load.length ? (100 * submissions.length) / load.length : 0;
  const lines = [table([...rows, { ...all, accepted: "" }])];
  lines.push(
    `code steps: ${submissions.length} of ${load.length} load requests (${codeShare.toFixed(0)}%), ${(load.length / ((run.end - run.start) / 1000)).toFixed(0)} requests/s`,
  );
  // Each user may be accepted once per time step: how many the load reached in each step it spanned.
  const reached = new Map();
  for (const x of totp) if (x.purpose === "race") (reached.get(x.step) ?? reached.set(x.step, new Set()).get(x.step)).add(x.user);
  const steps = [...reached.keys()].sort((a, b) => a - b);
  lines.push(`users signing in with a code, per time step: ${steps.map((k) => `${reached.get(k).size}/${users}`).join(", ")}`);
  // The restart: how long nothing answered, what failed in transport, and whether the pace came back.
  const before = (r) => r.recvAt < run.stoppedAt;
  const after = (r) => r.sentAt >= run.upAt;
  const acceptedTotp = totp.filter((s) => s.status === 200);
  const rate = (list, from, to) => (to > from ? (list.length / ((to - from) / 1000)).toFixed(1) : "-");
  const p50 = (list) => latency(list).p50 ?? "-";
  lines.push(
    `restart at ${secs(run.stoppedAt - run.start)} s: down ${secs(run.upAt - run.stoppedAt)} s; ` +
      `${load.filter((r) => r.status === 0).length} requests without an answer; ` +
      `TOTP accepted/s ${rate(acceptedTotp.filter(before), run.start, run.stoppedAt)} before, ${rate(acceptedTotp.filter(after), run.upAt, run.end)} after; ` +
      `code-step p50 ${p50(submissions.filter(before))} ms before, ${p50(submissions.filter(after))} ms after`,
  );
  const across = submissions.filter((s) => s.acrossRestart);
  lines.push(
    `replays across the restart (codes accepted before it, sent again after it): ${across.length}, ` +
      `refused ${across.filter((s) => s.status === 401).length}, accepted ${across.filter((s) => s.status === 200).length}, ` +
      `unknown ${across.filter((s) => s.status === 0).length}`,
  );
  return lines;
}
