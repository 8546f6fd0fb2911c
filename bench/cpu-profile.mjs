// Where workerd's CPU goes under load: a V8 CPU profile of the Gatehouse isolate (the Worker and its objects)
// taken through workerd's inspector while one action runs under autocannon, summed by function (self time).
// Usage (Node 22: `npx node`): node bench/cpu-profile.mjs [r1|r2|r2w|b1|b2] [users=200] [seconds=3]
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  addUsers,
  challengesFor,
  correctCodeFeed,
  createOrg,
  enrollUsers,
  sessionCheckFeed,
  wrongCodeFeed,
} from "./lib/gatehouse-client.mjs";
import { measure } from "./lib/load.mjs";
import { baselineFeeds, bundleWorker, mailSettled, startMailStandIn, startRuntime } from "./lib/workers.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const [action = "r2", usersArg, secondsArg] = process.argv.slice(2);
const USERS = Number(usersArg ?? 200);
const SECONDS = Number(secondsArg ?? 3);
const INSPECTOR_PORT = 9333;

/** A minimal CDP client over the inspector's WebSocket (Node 22's global WebSocket). */
async function inspector(target) {
  const ws = new WebSocket(`ws://127.0.0.1:${INSPECTOR_PORT}/${target}`);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let id = 0;
  const pending = new Map();
  ws.onmessage = (e) => {
    const msg = JSON.parse(e.data);
    if (msg.id && pending.has(msg.id)) {
      pending.get(msg.id)(msg);
      pending.delete(msg.id);
    }
  };
  const send = (method, params = {}) =>
    new Promise((resolve) => {
      pending.set(++id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  return { send, close: () => ws.close() };
}

/** Self time per function (name + line) from a V8 CPU profile, in ms, biggest first. */
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const deltas = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const f = node.callFrame;
    const key = `${f.functionName || "(anonymous)"} ${f.url ? `${f.url.split("/").pop()}:${f.lineNumber + 1}` : ""}`;
    self.set(key, (self.get(key) ?? 0) + (deltas[i] ?? 0) / 1000);
  }
  return [...self.entries()].sort((a, b) => b[1] - a[1]);
}

const out = mkdtempSync(join(tmpdir(), "cpu-profile-"));
const mail = await startMailStandIn();
const bundle = bundleWorker(ROOT, out, process.env.PROFILE_SCRIPT);
const rt = await startRuntime({ root: ROOT, bundle, passwordIterations: 1000, mailApiUrl: mail.url, inspectorPort: INSPECTOR_PORT });
try {
  const org = await createOrg(rt.gatehouse, "prof");
  const users = await enrollUsers(rt.gatehouse, await addUsers(rt.gatehouse, org, USERS, "prof"));
  // The enrollment mails go out first (the org's alarm sends them), so their sending is not in the profile.
  await mailSettled(mail);
  let run;
  let target = "core:user:gatehouse";
  if (action === "b2" || action === "b1") {
    // The baseline Worker's isolate under B1 or B2, for comparison (same rows as the bench's).
    target = "core:user:baseline";
    const floor = await baselineFeeds(rt, 100_000);
    run = () =>
      measure({ url: rt.baseline, method: action === "b1" ? "GET" : "POST", seconds: SECONDS, connections: 20, next: floor[action] });
  } else if (action === "r1") {
    run = () => measure({ url: rt.gatehouse, seconds: SECONDS, connections: 20, next: sessionCheckFeed(users) });
  } else {
    const pairs = await challengesFor(rt.gatehouse, users, 2);
    const feed = action === "r2w" ? wrongCodeFeed(pairs, 4) : correctCodeFeed(pairs);
    const ok = action === "r2w" ? (s) => s === 401 : (s) => s === 200;
    run = () => measure({ url: rt.gatehouse, method: "POST", seconds: SECONDS, connections: 20, next: feed, ok });
  }
  const cdp = await inspector(target);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
  await cdp.send("Profiler.start");
  const figure = await run();
  const { result } = await cdp.send("Profiler.stop");
  cdp.close();
  const file = join(tmpdir(), `gatehouse-${action}.cpuprofile`);
  writeFileSync(file, JSON.stringify(result.profile));
  const total = result.profile.timeDeltas.reduce((a, b) => a + b, 0) / 1000;
  console.log(`${action}: ${figure.counted} answers, ${figure.rps} req/s; profile ${total.toFixed(0)} ms (${file})`);
  for (const [name, ms] of selfTimes(result.profile).slice(0, 45)) {
    console.log(`${ms.toFixed(1).padStart(8)} ms  ${((ms / figure.counted) * 1000).toFixed(1).padStart(7)} µs/answer  ${name}`);
  }
} finally {
  await rt.mf.dispose();
  mail.stop();
  rmSync(out, { recursive: true, force: true });
}
