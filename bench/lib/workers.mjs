// Bundles the Worker exactly as `wrangler deploy` would, and runs it in workerd through Miniflare's API
// (not `wrangler dev`, whose proxy caps throughput), beside the bench-only baseline Worker.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { Miniflare } from "miniflare";

// The newest compatibility date of the workerd that Miniflare runs (Miniflare 5 no longer exports it), asked of
// the workerd package Miniflare itself resolves, so it is that runtime's date even if another workerd were around.
const requireFromMiniflare = createRequire(createRequire(import.meta.url).resolve("miniflare"));
const supportedCompatibilityDate = requireFromMiniflare("workerd").compatibilityDate;
// The tests' fixed secrets (never deployed); Node 22 loads the .ts file by stripping its types.
import { TEST_SECRETS } from "../../test/support/secrets.ts";

/**
 * Runs `wrangler deploy --dry-run` into outDir; returns the entry file and the bundle's raw and gzip sizes. `script`
 * replaces wrangler.toml's main (a bench-only entry such as bench/ceiling/worker.ts); the rest of the config stays.
 */
export function bundleWorker(root, outDir, script) {
  execFileSync("npx", ["wrangler", "deploy", ...(script ? [script] : []), "--dry-run", "--outdir", outDir], {
    cwd: root,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  const files = readdirSync(outDir).filter((f) => /\.(m?js|wasm|bin|txt|html)$/.test(f) && statSync(join(outDir, f)).isFile());
  const raw = files.reduce((n, f) => n + statSync(join(outDir, f)).size, 0);
  const gzip = files.reduce((n, f) => n + gzipSync(readFileSync(join(outDir, f)), { level: 9 }).length, 0);
  const entry = `${script ? basename(script).replace(/\.[cm]?[jt]sx?$/, "") : "index"}.js`;
  return { entry: join(outDir, entry), files, rawBytes: raw, gzipBytes: gzip };
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
 * Miniflare 5's module manifest: every module file of dir (ES modules, WebAssembly, and the text modules of
 * wrangler.toml's [[rules]]: the passkeys page's browser bundle, *.umd.min.js), loaded from disk.
 */
export function manifest(dir, mainModule, only) {
  const modules = {};
  for (const file of only ?? readdirSync(dir)) {
    const type = /\.umd\.min\.js$/.test(file) ? "text" : /\.m?js$/.test(file) ? "esm" : /\.wasm$/.test(file) ? "wasm" : null;
    if (type) modules[file] = { type, contents: readFileSync(join(dir, file)) };
  }
  return { mainModule, modulesRoot: dir, modules };
}

export const text = (values) => Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { type: "text", value }]));
export const durableObject = (worker, exportName) => ({ type: "durable-object", worker, exportName });
export const sqliteObject = { type: "durable-object", storage: "sqlite" };
const directSocket = { unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }] };

/**
 * Starts one workerd (through Miniflare) running Gatehouse and the baseline Worker, each on its own direct
 * socket on 127.0.0.1, with SQLite-backed Durable Objects, in-memory storage and no local observability.
 */
export async function startRuntime({ root, bundle, passwordIterations, countTrips = false, tripDelayMs = 0, mailApiUrl, inspectorPort }) {
  const compat = readCompat(root);
  const before = workerdPids();
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    log: undefined,
    // Only for CPU profiles (bench/cpu-profile.mjs): workerd's V8 inspector on 127.0.0.1.
    ...(inspectorPort ? { inspectorPort, inspectorHost: "127.0.0.1" } : {}),
    workers: [
      {
        config: {
          name: "gatehouse",
          ...compat,
          manifest: manifest(dirname(bundle.entry), basename(bundle.entry)),
          env: {
            ...text(TEST_SECRETS),
            // The footprint figures come through storageStats(), a test seam the object refuses elsewhere.
            ...text({ TEST_SEAMS: "true" }),
            // A local stand-in mail API that accepts every message, as a deployment's provider would: without one,
            // every mail (verification links for the users the bench adds) fails and is retried by the objects'
            // alarms during the measurements.
            ...(mailApiUrl ? text({ MAIL_API_KEY: "bench-mail-key", MAIL_API_URL: mailApiUrl }) : {}),
            // Trip counting (src/http/trips.ts) only where trips are the figure: it wraps every stub in a proxy, a
            // cost the deployed Worker never pays, so the runtimes that measure the hot paths leave it off.
            ...(countTrips || tripDelayMs ? text({ TRIP_COUNTING: "true" }) : {}),
            // Simulated distance: every call from the Worker into an object waits this long (src/http/trips.ts).
            ...(tripDelayMs ? text({ TRIP_DELAY_MS: String(tripDelayMs) }) : {}),
            ...text({
              SESSION_IDLE_MINUTES: "30",
              SESSION_ABSOLUTE_HOURS: "12",
              PASSWORD_ITERATIONS: String(passwordIterations),
              DEV_MODE: "false",
              JURISDICTION_MODE: "emulated",
            }),
            ORG: durableObject("gatehouse", "OrgDurableObject"),
            DIRECTORY: durableObject("gatehouse", "DirectoryDurableObject"),
          },
          exports: { OrgDurableObject: sqliteObject, DirectoryDurableObject: sqliteObject },
        },
        dev: directSocket,
      },
      {
        config: {
          name: "baseline",
          ...compat,
          manifest: manifest(join(root, "bench"), "baseline-worker.js", ["baseline-worker.js"]),
          env: { BASE: durableObject("baseline", "BaselineObject") },
          exports: { BaselineObject: sqliteObject },
        },
        dev: directSocket,
      },
    ],
  });
  await mf.ready;
  const gatehouse = (await mf.unsafeGetDirectURL("gatehouse")).origin;
  const baseline = (await mf.unsafeGetDirectURL("baseline")).origin;
  const pid = [...workerdPids()].find((p) => !before.has(p)) ?? null;
  return { mf, gatehouse, baseline, pid, passwordIterations };
}

/**
 * Seeds the baseline Worker of `runtime` with `rows` unspent rows and returns its request feeds: B1 reads a random
 * row; B2 spends rows from the bottom up and B2w from the top down, so neither meets a row the other spent; each
 * spending feed returns null once its rows are spent.
 */
export async function baselineFeeds(runtime, rows) {
  await fetch(`${runtime.baseline}/seed/${rows}`);
  let low = 0;
  let top = rows;
  return {
    b1: () => ({ path: `/b1/${Math.floor(Math.random() * rows)}` }),
    b2: () => (low < rows ? { path: `/b2/${low++}` } : null),
    b2w: () => (top > low ? { path: `/b2w/${--top}` } : null),
  };
}

/** The stand-in mail API (127.0.0.1 only): answers 200 to every POST /emails, counting them; stop() closes it. */
export async function startMailStandIn() {
  const { createServer } = await import("node:http");
  let accepted = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      accepted++;
      res.writeHead(200, { "content-type": "application/json" }).end('{"id":"bench"}');
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, accepted: () => accepted, stop: () => server.close() };
}

/** Waits until the mail stand-in has accepted nothing new for 1.5 s (at most `maxMs`): the orgs' alarms are done. */
export async function mailSettled(mail, maxMs = 180_000) {
  const until = Date.now() + maxMs;
  for (let last = -1; last !== mail.accepted() && Date.now() < until; ) {
    last = mail.accepted();
    await new Promise((resolve) => setTimeout(resolve, 1500));
  }
}

/** Footprint of one org's object, through the read-only storageStats() RPC (no bench route in the Worker). */
export async function orgStorageStats(runtime, slug) {
  const ns = await runtime.mf.getDurableObjectNamespace("ORG", "gatehouse");
  const s = await ns.get(ns.idFromName(slug)).storageStats();
  return { databaseBytes: s.databaseBytes, users: s.users, auditEvents: s.auditEvents, sessions: s.sessions };
}
