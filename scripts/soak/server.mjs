// The Worker under soak: the bundle `wrangler deploy` would upload (its --dry-run), served by serve.mjs in a child
// process group on 127.0.0.1 with state persisted to a folder, so a restart (and our exit) stops exactly what we
// started and the next start finds the same state; `ready()` lets the load wait out a restart.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleWorker } from "../../bench/lib/workers.mjs";
import { oidcSigningKeys } from "../oidc-key.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const START_POLLS = 240; // x 500 ms: two minutes for the runtime to answer healthz
const READY_WAIT_MS = 120_000;

export async function freePort() {
  return await new Promise((resolve, reject) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

const randomKey = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64");

/** wrangler.toml's [vars], as a deployment gets them. */
function wranglerVars() {
  const toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
  const section = /^\[vars\]$([\s\S]*?)(?=^\[)/m.exec(toml)?.[1] ?? "";
  return Object.fromEntries([...section.matchAll(/^(\w+)\s*=\s*"([^"]*)"/gm)].map((m) => [m[1], m[2]]));
}

/**
 * Bundles the Worker and writes the runtime's config: fresh secrets for this run only; wrangler.toml's vars,
 * with PASSWORD_ITERATIONS low so that hundreds of users are set up quickly and emulated jurisdictions (local
 * workerd has none). Returns the config file's path.
 */
export function prepareRuntime(dir, { platformToken, port }) {
  const bundle = bundleWorker(ROOT, join(dir, "bundle"));
  const file = join(dir, "runtime.json");
  const bindings = {
    ...wranglerVars(),
    PASSWORD_ITERATIONS: "1000",
    JURISDICTION_MODE: "emulated",
    PLATFORM_TOKEN: platformToken,
    PASSWORD_PEPPER: randomKey(),
    TOTP_KEYS: `k1:${randomKey()}`,
    HASH_KEY: randomKey(),
    CHALLENGE_KEY: randomKey(),
    OIDC_SIGNING_KEYS: oidcSigningKeys("soak"),
  };
  writeFileSync(file, JSON.stringify({ root: ROOT, entry: bundle.entry, port, persistTo: join(dir, "state"), bindings }));
  return file;
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

export class Runtime {
  constructor({ port, configFile }) {
    this.base = `http://127.0.0.1:${port}`;
    this.configFile = configFile;
    this.child = null;
    this.restarting = null; // a promise while stopped, resolved when start() sees it answer
    this.markUp = () => {};
  }

  async start() {
    this.child = spawn(process.execPath, [join(ROOT, "scripts", "soak", "serve.mjs"), this.configFile], {
      stdio: ["ignore", "ignore", "inherit"],
      detached: true,
    });
    for (let i = 0; i < START_POLLS; i++) {
      if (this.child.exitCode !== null) throw new Error(`the runtime exited (${this.child.exitCode}) before answering`);
      let problems = null;
      try {
        const res = await fetch(`${this.base}/healthz`, { signal: AbortSignal.timeout(5000) });
        const body = await res.json();
        problems = res.ok ? [] : Array.isArray(body.problems) ? body.problems : null;
      } catch {}
      // The soak runs outside DEV_MODE without a mail binding: healthz names MAILER, and must name nothing else.
      if (problems?.every((p) => p.startsWith("MAILER:"))) {
        this.restarting = null;
        this.markUp();
        return;
      }
      if (problems) throw new Error(`the Worker is misconfigured: ${problems.join("; ")}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error("the runtime did not start");
  }

  /** Stops it; until start() answers again, ready() waits. */
  async stop() {
    this.restarting = new Promise((resolve) => {
      this.markUp = resolve;
    });
    this.kill();
    if (this.child && this.child.exitCode === null) await new Promise((r) => this.child.once("exit", r));
    // workerd is a grandchild: the next start needs its port and its SQLite files, so wait for the whole group.
    for (let i = 0; this.child && i < 200 && groupAlive(this.child.pid); i++) await new Promise((r) => setTimeout(r, 50));
  }

  kill() {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      try {
        process.kill(-this.child.pid, "SIGTERM"); // our own process group only
      } catch {}
    }
  }

  /** Resolves once the Worker answers (at once, unless it is restarting); gives up after two minutes. */
  ready() {
    if (!this.restarting) return Promise.resolve();
    return Promise.race([this.restarting, new Promise((r) => setTimeout(r, READY_WAIT_MS).unref())]);
  }
}
