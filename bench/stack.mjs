// Edge cost per request of the Worker's HTTP stack: workerd CPU (utime+stime from /proc) per request over N
// sequential-ish requests (8 in flight) for a few paths that stop before any Durable Object. Usage:
//   node bench/stack.mjs [N]   (bundles into a temp dir; compare two commits by running it on each)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { cpuSeconds } from "./lib/load.mjs";
import { bundleWorker, startRuntime } from "./lib/workers.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const N = Number(process.argv[2]) || 4000;
const cpuUs = (pid) => cpuSeconds(pid) * 1e6;

async function drive(origin, path, init, n) {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      const r = await fetch(origin + path, init);
      await r.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

const out = mkdtempSync(join(tmpdir(), "stack-"));
const rt = await startRuntime({ root: ROOT, bundle: bundleWorker(ROOT, out), passwordIterations: 1000 });
try {
  const cases = [
    ["baseline GET /b0", rt.baseline, "/b0", {}],
    ["GET /healthz", rt.gatehouse, "/healthz", {}],
    ["GET /api/me (no cookie, 401)", rt.gatehouse, "/api/me", {}],
    ["GET /api/me (bad cookie, 401)", rt.gatehouse, "/api/me", { headers: { cookie: "__Host-gatehouse_session=gs_x_y" } }],
    ["GET /nope (404)", rt.gatehouse, "/nope", {}],
    [
      "POST /auth/login (cross-site, 403)",
      rt.gatehouse,
      "/auth/login",
      { method: "POST", headers: { origin: "https://evil.example", "content-type": "application/json" }, body: "{}" },
    ],
  ];
  for (const [name, origin, path, init] of cases) {
    await drive(origin, path, init, 300);
    const t0 = Date.now();
    const c0 = cpuUs(rt.pid);
    await drive(origin, path, init, N);
    const c1 = cpuUs(rt.pid);
    const ms = Date.now() - t0;
    console.log(
      `${name.padEnd(40)} ${((c1 - c0) / N).toFixed(0).padStart(5)} µs CPU/req  ${((N / ms) * 1000).toFixed(0).padStart(6)} req/s`,
    );
  }
} finally {
  await rt.mf.dispose();
  rmSync(out, { recursive: true, force: true });
}
