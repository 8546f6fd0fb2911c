// A change judged against another revision on the same noisy machine: the working tree (B) and a git revision (A,
// default HEAD) each run in a workerd of their own, side by side, and the session check (R1) or the code step (R2)
// is measured on A and B in alternating turns, so what the host does to one turn it does to both. Prints each
// turn's rate and workerd CPU per answer, then the medians and B's CPU as a share of A's.
// Usage (Node 22: `npx node`): node bench/ab.mjs [r1|r2] [ref=HEAD] [users=500] [seconds=3] [rounds=5]; for r2, `users` is
// per turn (each spends two codes of each of its users) and should exceed half the answers of a turn.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { addUsers, challengesFor, correctCodeFeed, createOrg, enrollUsers } from "./lib/gatehouse-client.mjs";
import { measure, round } from "./lib/load.mjs";
import { bundleWorker, mailSettled, startMailStandIn, startRuntime } from "./lib/workers.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const [action = "r1", ref = "HEAD", users = "500", seconds = "3", rounds = "5"] = process.argv.slice(2);
if (action !== "r1" && action !== "r2") throw new Error("usage: node bench/ab.mjs [r1|r2] [ref] [users] [seconds] [rounds]");

const out = mkdtempSync(join(tmpdir(), "ab-"));
const tree = join(out, "a-tree");
execFileSync("git", ["worktree", "add", "--detach", tree, ref], { cwd: ROOT, stdio: "ignore" });
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const mail = await startMailStandIn();
const runtimes = [];
try {
  symlinkSync(join(ROOT, "node_modules"), join(tree, "node_modules"), "dir");
  const sides = [
    { name: `A (${ref})`, root: tree },
    { name: "B (working tree)", root: ROOT },
  ];
  for (const side of sides) {
    side.rt = await startRuntime({
      root: side.root,
      bundle: bundleWorker(side.root, mkdtempSync(join(out, "bundle-"))),
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
  for (let r = 0; r < Number(rounds); r++) {
    // Alternate which side goes first, so neither always follows the other's load.
    for (const side of r % 2 ? [...sides].reverse() : sides) {
      const base = side.rt.gatehouse;
      let k = 0;
      const opts =
        action === "r1"
          ? { next: () => ({ path: "/api/me", headers: { cookie: side.users[k++ % side.users.length].cookie } }) }
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
} finally {
  for (const rt of runtimes) await rt.mf.dispose();
  mail.stop();
  execFileSync("git", ["worktree", "remove", "--force", tree], { cwd: ROOT, stdio: "ignore" });
  rmSync(out, { recursive: true, force: true });
}
