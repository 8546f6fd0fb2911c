// The two hot-path ratios alone, quickly and repeatably: B1, R1, B2, B2w, R2 measured in turns (ROUNDS times) in one
// runtime, each with workerd's CPU per answer (from /proc), so a change to the session check or the code step can
// be judged in a minute instead of a whole `npm run bench`. Usage (Node 22: `npx node`):
//   node bench/hot.mjs [users=300] [seconds=3] [rounds=2]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { addUsers, challengesFor, correctCodeFeed, createOrg, enrollUsers, sessionCheckFeed, timeStep } from "./lib/gatehouse-client.mjs";
import { cpuTimes, measure, round } from "./lib/load.mjs";
import { baselineFeeds, bundleWorker, mailSettled, startMailStandIn, startRuntime } from "./lib/workers.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const [USERS = 300, SECONDS = 3, ROUNDS = 2] = process.argv.slice(2).map(Number);
const ROWS = 100_000;
/** HOT_ONLY=2: only B2 and R2 (the code step), for quick trials. */
const ONLY = process.env.HOT_ONLY;

const out = mkdtempSync(join(tmpdir(), "hot-"));
const mail = await startMailStandIn();
const rt = await startRuntime({ root: ROOT, bundle: bundleWorker(ROOT, out), passwordIterations: 1000, mailApiUrl: mail.url });
const load = async (opts) => {
  const before = cpuTimes(rt.pid);
  const f = await measure({ seconds: SECONDS, connections: 20, cpuPid: rt.pid, ...opts });
  const after = cpuTimes(rt.pid);
  const system = after.system - before.system;
  return { ...f, sysShare: round(system / (system + after.user - before.user), 2) };
};
const show = (name, f) =>
  console.log(
    `${name.padEnd(3)} ${String(f.rps).padStart(7)} req/s  ${String(f.cpuMsPerOp * 1000).padStart(6)} µs CPU/answer (system ${Math.round(f.sysShare * 100)}%)  p99 ${f.p99} ms`,
  );
try {
  const floor = await baselineFeeds(rt, ROWS);
  const org = await createOrg(rt.gatehouse, "hot");
  const users = await enrollUsers(rt.gatehouse, await addUsers(rt.gatehouse, org, USERS, "hot"));
  // The enrollment mails go out first (the org's alarm sends them), so their sending is not measured as R2's.
  await mailSettled(mail);
  for (let r = 0; r < ROUNDS; r++) {
    const b1 = ONLY ? null : await load({ url: rt.baseline, next: floor.b1 });
    const r1 = ONLY ? null : await load({ url: rt.gatehouse, next: sessionCheckFeed(users) });
    const b2 = await load({ url: rt.baseline, method: "POST", next: floor.b2 });
    // B2w: only the writes a code step must make, one call (baseline-worker.js); rows from the top down.
    const b2w = await load({ url: rt.baseline, method: "POST", next: floor.b2w });
    // Two sign-ins per user fit in the one-step drift window after the last accepted code: a later round waits for
    // the clock to pass the last step the previous one used (on a fast host a round takes less than a step).
    const last = Math.max(...users.map((u) => u.lastStep));
    while (timeStep() <= last) await new Promise((resolve) => setTimeout(resolve, 250));
    const pairs = await challengesFor(rt.gatehouse, users, 2);
    const mailBefore = mail.accepted();
    const r2 = await load({ url: rt.gatehouse, method: "POST", next: correctCodeFeed(pairs), ok: (s) => s === 200 });
    console.log(`round ${r + 1}`);
    for (const [name, f] of [
      ["B1", b1],
      ["R1", r1],
      ["B2", b2],
      ["B2w", b2w],
      ["R2", r2],
    ])
      if (f) show(name, f);
    console.log(
      `R1/B1 ${b1 && r1 ? round(r1.rps / b1.rps, 2) : "-"}  R2/B2 ${round(r2.rps / b2.rps, 2)}  B2w/B2 ${round(b2w.rps / b2.rps, 2)}  ` +
        `R2/B2w ${round(r2.rps / b2w.rps, 2)}  (mail sent during R2: ${mail.accepted() - mailBefore})`,
    );
  }
} finally {
  await rt.mf.dispose();
  mail.stop();
  rmSync(out, { recursive: true, force: true });
}
