// The peer, side by side: Better Auth + two-factor plugin (bench/peer, its own package.json) in a Node child
// process, prepared through its HTTP API and measured with the same load generator as Gatehouse.
import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Secret } from "otpauth";
import { codeAt, PASSWORD, timeStep } from "./gatehouse-client.mjs";
import { pool } from "./load.mjs";

/** Installs the peer's locked dependencies when missing (`npm ci --prefix bench/peer`). */
export function ensurePeerInstalled(root) {
  const dir = join(root, "bench", "peer");
  if (existsSync(join(dir, "node_modules", "better-auth"))) return;
  execFileSync("npm", ["ci", "--prefix", dir, "--no-audit", "--no-fund"], { stdio: ["ignore", "ignore", "inherit"] });
}

export async function startPeer(root, { fastHash, dbDelayMs = 0 }) {
  const child = spawn(process.execPath, ["--no-warnings", join(root, "bench", "peer", "server.mjs")], {
    env: { ...process.env, PEER_FAST_HASH: fastHash ? "1" : "", PEER_DB_DELAY_MS: String(dbDelayMs), NODE_ENV: "" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`peer exited with ${code}`)));
    child.stdout.on("data", (d) => {
      const m = /READY (\d+)/.exec(String(d));
      if (m) resolve(Number(m[1]));
    });
  });
  const base = `http://127.0.0.1:${port}`;
  return { base, pid: child.pid, stop: () => child.kill("SIGTERM") };
}

async function post(base, path, body, cookie) {
  const res = await fetch(`${base}/api/auth${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base, ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`peer ${path}: HTTP ${res.status} ${text.slice(0, 200)}`);
  return {
    json: JSON.parse(text),
    cookie: res.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .filter((c) => !c.endsWith("="))
      .join("; "),
  };
}

/** Signs users up and turns TOTP on (enable with the password, then verify a code, as the docs describe). */
export async function peerUsers(peer, count, concurrency) {
  const emails = Array.from({ length: count }, (_, i) => `peer-${i}@bench.test`);
  return pool(emails, concurrency, async (email) => {
    const up = await post(peer.base, "/sign-up/email", { email, password: PASSWORD, name: "Bench User" });
    const enabled = await post(peer.base, "/two-factor/enable", { password: PASSWORD }, up.cookie);
    const secret = Secret.fromBase32(new URL(enabled.json.totpURI).searchParams.get("secret"));
    await post(peer.base, "/two-factor/verify-totp", { code: codeAt(secret, timeStep()) }, up.cookie);
    return { email, secret };
  });
}

/** Password step for each user `perUser` times: the two_factor cookie is the peer's challenge. */
export async function peerChallenges(peer, users, perUser, concurrency) {
  const jobs = [];
  for (let r = 0; r < perUser; r++) jobs.push(...users);
  return pool(jobs, concurrency, async (user) => {
    const r = await post(peer.base, "/sign-in/email", { email: user.email, password: PASSWORD });
    if (!r.json.twoFactorRedirect) throw new Error("peer sign-in did not ask for the second factor");
    return { user, cookie: r.cookie };
  });
}

/** Feeds POST /two-factor/verify-totp with a distinct challenge and the current correct code. */
export function peerCodeFeed(pairs) {
  let i = 0;
  return () => {
    if (i >= pairs.length) return null;
    const { user, cookie } = pairs[i++];
    return { path: "/api/auth/two-factor/verify-totp", headers: { cookie }, body: { code: codeAt(user.secret, timeStep()) } };
  };
}
