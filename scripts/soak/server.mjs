// The Worker under soak: `wrangler dev` on 127.0.0.1 with state persisted to a folder, in its own process group
// so a restart (and our exit) stops exactly what we started; `ready()` lets load wait out a restart.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

const START_POLLS = 240; // x 500 ms: two minutes for wrangler dev to answer healthz
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

/** Fresh secrets for this run only. PASSWORD_ITERATIONS is low so that hundreds of users can be set up quickly. */
export function writeEnvFile(dir, platformToken) {
  const file = join(dir, "soak.env");
  writeFileSync(
    file,
    [
      `PLATFORM_TOKEN=${platformToken}`,
      `PASSWORD_PEPPER=${randomKey()}`,
      `TOTP_KEYS=k1:${randomKey()}`,
      `HASH_KEY=${randomKey()}`,
      `CHALLENGE_KEY=${randomKey()}`,
      "JURISDICTION_MODE=emulated",
      "PASSWORD_ITERATIONS=1000",
    ].join("\n"),
  );
  return file;
}

export class DevServer {
  constructor({ port, stateDir, envFile }) {
    this.port = port;
    this.base = `http://127.0.0.1:${port}`;
    this.stateDir = stateDir;
    this.envFile = envFile;
    this.child = null;
    this.restarting = null; // a promise while stopped, resolved when start() sees it answer
    this.markUp = () => {};
  }

  async start() {
    this.child = spawn(
      "npx",
      [
        "wrangler",
        "dev",
        "--ip",
        "127.0.0.1",
        "--port",
        String(this.port),
        "--persist-to",
        this.stateDir,
        "--env-file",
        this.envFile,
        "--show-interactive-dev-session=false",
      ],
      { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, WRANGLER_SEND_METRICS: "false" }, detached: true },
    );
    for (let i = 0; i < START_POLLS; i++) {
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
    throw new Error("wrangler dev did not start");
  }

  /** Stops it; until start() answers again, ready() waits. */
  async stop() {
    this.restarting = new Promise((resolve) => {
      this.markUp = resolve;
    });
    this.kill();
    if (this.child && this.child.exitCode === null) await new Promise((r) => this.child.once("exit", r));
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
