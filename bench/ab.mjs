// A change judged against another revision on the same noisy machine: the working tree (B) and a git revision (A,
// default HEAD) each run in a workerd of their own, side by side, and the session check (R1) or the code step (R2)
// is measured on A and B in alternating turns, so what the host does to one turn it does to both. Prints each
// turn's rate and workerd CPU per answer, then the medians and B's CPU as a share of A's.
// Usage (Node 22: `npx node`): node bench/ab.mjs [r1|r2] [ref=HEAD] [users=500] [seconds=3] [rounds=5]; for r2, `users` is
// per turn (each spends two codes of each of its users) and should exceed half the answers of a turn.
// AB_SCRIPT=<entry>: B is the working tree bundled with that entry instead of wrangler.toml's main (a bench-only entry,
// e.g. bench/ceiling/worker.ts). AB_BASELINE=1: each round also measures the runtime's floor (B1 for r1, B2 for
// r2, on A's runtime), and the medians are also given as shares of it.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { addUsers, challengesFor, correctCodeFeed, createOrg, enrollUsers, sessionCheckFeed } from "./lib/gatehouse-client.mjs";
import { measure, round } from "./lib/load.mjs";
import { baselineFeeds, bundleWorker, mailSettled, startMailStandIn, startRuntime } from "./lib/workers.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const [action = "r1", ref = "HEAD", users = "500", seconds = "3", rounds = "5"] = process.argv.slice(2);
if (action !== "r1" && action !== "r2") throw new Error("usage: node bench/ab.mjs [r1|r2] [ref] [users] [seconds] [rounds]");

const out = mkdtempSync(join(tmpdir(), "ab-"));
const tree = join(out, "a-tree");
execFileSync("git", ["worktree", "add", "--detach", tree, ref], { cwd: ROOT, stdio: "ignore" });
const script = process.env.AB_SCRIPT;
const FLOOR_ROWS = 100_000;
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const runtimes = [];
let mail;
try {
  mail = await startMailStandIn();
  symlinkSync(join(ROOT, "node_modules"), join(tree, "node_modules"), "dir");
  const sides = [
    { name: `A (${ref})`, root: tree },
    { name: script ? `B (${basename(script)})` : "B (working tree)", root: ROOT, script },
  ];
  for (const side of sides) {
    side.rt = await startRuntime({
      root: side.root,
      bundle: bundleWorker(side.root, mkdtempSync(join(out, "bundle-")), side.script),
      passwordIterations: 1000,
      mailApiUrl: mail.url,
    });
    runtimes.push(side.rt);
    const org = await createOrg(side.rt.gatehouse, "ab-org");
    // R2 spends each user's next time steps, so every turn of it has users of its own (`users` per turn).
    const count = Number(users) * (action === "r2" ? Number(rounds) : 1);
    side.users = await enrollUsers(side.rt.gatehouse, await addUsers(side.rt.gatehouse, org, count, "ab"));
    side.turns = [];
  }
  await mailSettled(mail);
  const floor = { name: action === "r1" ? "B1" : "B2", turns: [] };
  const feeds = process.env.AB_BASELINE ? await baselineFeeds(sides[0].rt, FLOOR_ROWS) : null;
  for (let r = 0; r < Number(rounds); r++) {
    if (feeds) {
      const opts = action === "r1" ? { next: feeds.b1 } : { method: "POST", next: feeds.b2 };
      const f = await measure({ url: sides[0].rt.baseline, seconds: Number(seconds), connections: 20, cpuPid: sides[0].rt.pid, ...opts });
      floor.turns.push(f);
      console.log(`${floor.name.padEnd(23)} ${String(f.rps).padStart(7)} req/s  ${round(f.cpuMsPerOp * 1000, 0)} µs CPU/answer`);
    }
    // Alternate which side goes first, so neither always follows the other's load.
    for (const side of r % 2 ? [...sides].reverse() : sides) {
      const base = side.rt.gatehouse;
      const opts =
        action === "r1"
          ? { next: sessionCheckFeed(side.users) }
          : {
              method: "POST",
              next: correctCodeFeed(await challengesFor(base, side.users.slice(r * Number(users), (r + 1) * Number(users)), 2)),
              ok: (s) => s === 200,
            };
      const f = await measure({ url: base, seconds: Number(seconds), connections: 20, cpuPid: side.rt.pid, ...opts });
      side.turns.push(f);
      console.log(`${action} ${side.name.padEnd(20)} ${String(f.rps).padStart(7)} req/s  ${round(f.cpuMsPerOp * 1000, 0)} µs CPU/answer`);
    }
  }
  const [a, b] = sides.map((s) => ({
    rps: median(s.turns.map((t) => t.rps)),
    cpu: median(s.turns.map((t) => t.cpuMsPerOp * 1000)),
  }));
  console.log(
    `median: A ${a.rps} req/s ${round(a.cpu, 0)} µs, B ${b.rps} req/s ${round(b.cpu, 0)} µs; B/A rate ${round(b.rps / a.rps, 2)}, CPU ${round(b.cpu / a.cpu, 2)}`,
  );
  if (floor.turns.length) {
    const f = { rps: median(floor.turns.map((t) => t.rps)), cpu: median(floor.turns.map((t) => t.cpuMsPerOp * 1000)) };
    console.log(
      `${floor.name}: median ${f.rps} req/s ${round(f.cpu, 0)} µs; rate as a share of ${floor.name}: A ${round(a.rps / f.rps, 2)}, B ${round(b.rps / f.rps, 2)}`,
    );
  }
} finally {
  for (const rt of runtimes) await rt.mf.dispose();
  mail?.stop();
  execFileSync("git", ["worktree", "remove", "--force", tree], { cwd: ROOT, stdio: "ignore" });
  rmSync(out, { recursive: true, force: true });
}
