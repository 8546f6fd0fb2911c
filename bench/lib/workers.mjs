// Bundles the Worker exactly as `wrangler deploy` would, and runs it in workerd through Miniflare's API
// (not `wrangler dev`, whose proxy caps throughput), beside the bench-only baseline Worker.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { Miniflare, supportedCompatibilityDate } from "miniflare";
// The tests' fixed secrets (never deployed); Node 22 loads the .ts file by stripping its types.
import { TEST_SECRETS } from "../../test/support/secrets.ts";

/** Runs `wrangler deploy --dry-run` into outDir; returns the entry file and the bundle's raw and gzip sizes. */
export function bundleWorker(root, outDir) {
  execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outDir], {
    cwd: root,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  const files = readdirSync(outDir).filter((f) => /\.(m?js|wasm|bin|txt|html)$/.test(f) && statSync(join(outDir, f)).isFile());
  const raw = files.reduce((n, f) => n + statSync(join(outDir, f)).size, 0);
  const gzip = files.reduce((n, f) => n + gzipSync(readFileSync(join(outDir, f)), { level: 9 }).length, 0);
  return { entry: join(outDir, "index.js"), files, rawBytes: raw, gzipBytes: gzip };
}

/** compatibility_date and compatibility_flags from wrangler.toml (the only keys the runtime setup needs). */
export function readCompat(root) {
  const toml = readFileSync(join(root, "wrangler.toml"), "utf8");
  const date = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  const flags = /^compatibility_flags\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1] ?? "";
  // Like wrangler, run a date newer than this workerd knows at the newest date it supports.
  const compatibilityDate = date && date > supportedCompatibilityDate ? supportedCompatibilityDate : date;
  return { compatibilityDate, compatibilityFlags: [...flags.matchAll(/"([^"]+)"/g)].map((m) => m[1]) };
}

function workerdPids() {
  const pids = new Set();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === process.pid && comm.startsWith("workerd")) pids.add(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/**
 * Starts one workerd (through Miniflare) running Gatehouse and the baseline Worker, each on its own direct
 * socket on 127.0.0.1, with SQLite-backed Durable Objects, in-memory storage and no local observability.
 */
export async function startRuntime({ root, bundle, passwordIterations }) {
  const compat = readCompat(root);
  const before = workerdPids();
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    log: undefined,
    workers: [
      {
        name: "gatehouse",
        modules: true,
        scriptPath: bundle.entry,
        modulesRoot: dirname(bundle.entry),
        ...compat,
        bindings: {
          ...TEST_SECRETS,
          SESSION_IDLE_MINUTES: "30",
          SESSION_ABSOLUTE_HOURS: "12",
          PASSWORD_ITERATIONS: String(passwordIterations),
          DEV_MODE: "false",
          JURISDICTION_MODE: "emulated",
        },
        durableObjects: {
          ORG: { className: "OrgDurableObject", useSQLite: true },
          DIRECTORY: { className: "DirectoryDurableObject", useSQLite: true },
        },
        unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
      },
      {
        name: "baseline",
        modules: true,
        scriptPath: join(root, "bench", "baseline-worker.js"),
        modulesRoot: join(root, "bench"),
        ...compat,
        durableObjects: { BASE: { className: "BaselineObject", useSQLite: true } },
        unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
      },
    ],
  });
  await mf.ready;
  const gatehouse = (await mf.unsafeGetDirectURL("gatehouse")).origin;
  const baseline = (await mf.unsafeGetDirectURL("baseline")).origin;
  const pid = [...workerdPids()].find((p) => !before.has(p)) ?? null;
  return { mf, gatehouse, baseline, pid, passwordIterations };
}

/** Footprint of one org's object, through the read-only storageStats() RPC (no bench route in the Worker). */
export async function orgStorageStats(runtime, slug) {
  const ns = await runtime.mf.getDurableObjectNamespace("ORG", "gatehouse");
  const s = await ns.get(ns.idFromName(slug)).storageStats();
  return { databaseBytes: s.databaseBytes, users: s.users, auditEvents: s.auditEvents, sessions: s.sessions };
}
