// npm run soak: hundreds of mixed sign-ins, enrollments, recovery-code uses and admin changes, concurrently,
// against `wrangler dev` on 127.0.0.1, with one restart midway (persisted state), then invariants checked
// from the audit log and the API: nothing the client saw succeed is lost, nothing is accepted twice.
// Bounded: SOAK_SECONDS (default 40) of load, then the checks. Exit code 1 when an invariant fails.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TOTP } from "otpauth";

const SECONDS = Number(process.env.SOAK_SECONDS ?? 40);
const ORGS = 3;
const USERS_PER_ORG = 12;
const CONCURRENCY = 16;
const PASSWORD = "soak password 123";
// At least 32 bytes: outside DEV_MODE the Worker refuses a shorter platform token.
const TOKEN = "soak-platform-token-0123456789abcdef";

const dir = mkdtempSync(join(tmpdir(), "gatehouse-soak-"));
const envFile = join(dir, "soak.env");
const key = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64");
writeFileSync(
  envFile,
  [
    `PLATFORM_TOKEN=${TOKEN}`,
    `PASSWORD_PEPPER=${key()}`,
    `TOTP_KEYS=k1:${key()}`,
    `HASH_KEY=${key()}`,
    `CHALLENGE_KEY=${key()}`,
    "JURISDICTION_MODE=emulated",
    "PASSWORD_ITERATIONS=1000",
  ].join("\n"),
);

const port = await new Promise((resolve) => {
  const s = createServer().listen(0, "127.0.0.1", () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const BASE = `http://127.0.0.1:${port}`;
let child;

async function startDev() {
  child = spawn(
    "npx",
    [
      "wrangler",
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--persist-to",
      join(dir, "state"),
      "--env-file",
      envFile,
      "--show-interactive-dev-session=false",
    ],
    {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
      detached: true,
    },
  );
  for (let i = 0; i < 120; i++) {
    let problems = null;
    try {
      const res = await fetch(`${BASE}/healthz`);
      const body = await res.json();
      problems = res.ok ? [] : Array.isArray(body.problems) ? body.problems : null;
    } catch {}
    // The soak runs outside DEV_MODE without a mail binding: healthz names MAILER, and must name nothing else.
    if (problems?.every((p) => p.startsWith("MAILER:"))) return;
    if (problems) throw new Error(`the Worker is misconfigured: ${problems.join("; ")}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("wrangler dev did not start");
}

async function stopDev() {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  process.kill(-child.pid, "SIGTERM"); // our own process group only
  await exited;
}

async function req(path, { method, body, cookie, bearer } = {}) {
  const headers = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (cookie) headers.cookie = cookie;
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  try {
    const res = await fetch(`${BASE}${path}`, {
      method: method ?? (body === undefined ? "GET" : "POST"),
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000), // a request caught by the restart must not hang the run
    });
    const text = await res.text();
    const setCookie = res.headers
      .getSetCookie()
      .find((c) => c.startsWith("session="))
      ?.split(";")[0];
    return { status: res.status, body: text ? JSON.parse(text) : null, cookie: setCookie };
  } catch {
    // The restart window: the request may or may not have landed. Back off a little instead of spinning.
    await new Promise((r) => setTimeout(r, 200));
    return { status: 0, body: null };
  }
}

const stats = { requests: 0, ok: 0, transportErrors: 0, fiveXX: 0, totpAccepted: 0, recoveryAccepted: 0, enrolled: 0, adminChanges: 0 };
const failuresDuringRun = [];
const acceptedSteps = new Map(); // `${user}:${step}` -> count of 200s the client saw
const acceptedRecovery = new Map(); // code -> count of 200s the client saw
const track = (r) => {
  stats.requests++;
  if (r.status === 0) stats.transportErrors++;
  else if (r.status >= 500) stats.fiveXX++;
  else if (r.status < 300) stats.ok++;
  return r;
};

// Whatever happens, the wrangler dev we started (its own process group) goes with us.
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    if (child && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
    process.exit(130);
  });
}
process.on("exit", () => {
  if (child && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
});

await startDev();
console.log(`soak: wrangler dev on ${BASE}, state in ${dir}`);
const orgs = [];
for (let o = 0; o < ORGS; o++) {
  const slug = `soak-${o}-${Date.now().toString(36)}`;
  const admin = { email: `admin@${slug}.example`, password: PASSWORD };
  track(await req("/api/platform/orgs", { bearer: TOKEN, body: { slug, name: slug, admin } }));
  const adminCookie = track(await req("/auth/login", { body: admin })).cookie;
  const users = [];
  for (let u = 0; u < USERS_PER_ORG; u++) {
    const email = `u${u}@${slug}.example`;
    const r = track(await req("/api/org/users", { cookie: adminCookie, body: { email, password: PASSWORD, role: "technician" } }));
    users.push({ email, id: r.body.id, secret: null, codes: [], lastStep: -1 });
  }
  orgs.push({ slug, adminCookie, users });
}

/** Enrolls from a session, or through forced enrollment when the org requires 2FA at that moment. */
async function enrollUser(user) {
  const login = track(await req("/auth/login", { body: { email: user.email, password: PASSWORD } }));
  const forced = login.body?.status === "enrollment_required";
  if (!forced && login.body?.status !== "authenticated") return;
  const setup = forced
    ? track(await req("/auth/login/enroll", { body: { challenge: login.body.challenge } }))
    : track(await req("/api/me/2fa/setup", { method: "POST", cookie: login.cookie }));
  if (setup.status !== 200) return;
  const totp = new TOTP({ secret: setup.body.secret, period: setup.body.period });
  const confirm = forced
    ? track(await req("/auth/login/enroll/confirm", { body: { challenge: login.body.challenge, code: totp.generate() } }))
    : track(await req("/api/me/2fa/confirm", { cookie: login.cookie, body: { code: totp.generate() } }));
  if (confirm.status === 200) {
    user.secret = setup.body.secret;
    user.period = setup.body.period;
    user.codes = confirm.body.recoveryCodes;
    user.lastStep = Math.floor(Date.now() / 1000 / setup.body.period);
    stats.enrolled++;
  }
}

async function signInWithCode(user) {
  const step = Math.floor(Date.now() / 1000 / user.period);
  if (step <= user.lastStep) return; // that step is spent; the server would refuse it (tested elsewhere)
  const login = track(await req("/auth/login", { body: { email: user.email, password: PASSWORD } }));
  if (login.body?.status !== "2fa_required") return;
  const code = TOTP.generate({ secret: new TOTP({ secret: user.secret }).secret, period: user.period });
  // Two submissions of the same code on two challenges: at most one may pass.
  const second = track(await req("/auth/login", { body: { email: user.email, password: PASSWORD } }));
  const results = await Promise.all([login, second].map((l) => req("/auth/login/2fa", { body: { challenge: l.body?.challenge, code } })));
  for (const r of results) {
    track(r);
    if (r.status === 200) {
      const k = `${user.email}:${step}`;
      acceptedSteps.set(k, (acceptedSteps.get(k) ?? 0) + 1);
      stats.totpAccepted++;
      user.lastStep = step;
    }
  }
}

async function signInWithRecovery(user) {
  const code = user.codes[Math.floor(Math.random() * user.codes.length)];
  if (!code) return;
  const login = track(await req("/auth/login", { body: { email: user.email, password: PASSWORD } }));
  if (login.body?.status !== "2fa_required") return;
  const r = track(await req("/auth/login/recovery", { body: { challenge: login.body.challenge, code } }));
  if (r.status === 200) {
    acceptedRecovery.set(code, (acceptedRecovery.get(code) ?? 0) + 1);
    stats.recoveryAccepted++;
  }
}

/** Switches enforcement and the code period, and makes and revokes an API key that must stop at once. */
async function adminChange(org) {
  const settings = { require2fa: Math.random() < 0.5, totpPeriod: Math.random() < 0.7 ? 30 : 60 };
  const r = track(await req("/api/org/settings", { method: "PATCH", cookie: org.adminCookie, body: settings }));
  if (r.status === 200) stats.adminChanges++;
  const key = track(await req("/api/org/api-keys", { cookie: org.adminCookie, body: { name: "soak", role: "admin" } }));
  if (key.status !== 201) return;
  track(await req("/api/org/compliance", { bearer: key.body.key }));
  const del = track(await req(`/api/org/api-keys/${key.body.id}`, { method: "DELETE", cookie: org.adminCookie }));
  if (del.status === 204) {
    const after = track(await req("/api/org/users", { bearer: key.body.key }));
    if (after.status !== 401) failuresDuringRun.push(`a deleted API key still worked (${after.status})`);
  }
}

async function worker(deadline) {
  while (Date.now() < deadline) {
    const org = orgs[Math.floor(Math.random() * orgs.length)];
    const user = org.users[Math.floor(Math.random() * org.users.length)];
    const dice = Math.random();
    if (!user.secret) await enrollUser(user);
    else if (dice < 0.55) await signInWithCode(user);
    else if (dice < 0.85) await signInWithRecovery(user);
    else await adminChange(org);
  }
}

const deadline = Date.now() + SECONDS * 1000;
const load = Promise.all(Array.from({ length: CONCURRENCY }, () => worker(deadline)));
await new Promise((r) => setTimeout(r, (SECONDS * 1000) / 2));
console.log("soak: restarting wrangler dev midway");
await stopDev();
await startDev();
await load;

// Invariants, read back through the API after the run.
const failures = [...failuresDuringRun];
for (const [k, n] of acceptedSteps) if (n > 1) failures.push(`TOTP step accepted ${n} times: ${k}`);
for (const [c, n] of acceptedRecovery) if (n > 1) failures.push(`recovery code accepted ${n} times: ${c}`);
let auditRecoveryUses = 0;
let auditTotpLogins = 0;
for (const org of orgs) {
  // The admin's session from the start (it survived the restart); a new sign-in could meet enforcement.
  const adminCookie = org.adminCookie;
  const listed = track(await req("/api/org/users", { cookie: adminCookie }));
  if (listed.status !== 200) {
    failures.push(`the admin session did not survive the run (${listed.status})`);
    continue;
  }
  const users = listed.body.users;
  for (const u of org.users) {
    const row = users.find((x) => x.id === u.id);
    if (u.secret && !row?.twoFactorEnabled) failures.push(`enrollment lost for ${u.email}`);
  }
  let before;
  for (;;) {
    const page = track(await req(`/api/org/audit?limit=200${before ? `&before=${before}` : ""}`, { cookie: adminCookie })).body;
    for (const e of page.events) {
      if (e.type === "2fa.recovery_code_used") auditRecoveryUses++;
      if (e.type === "login.succeeded" && e.detail?.method === "totp") auditTotpLogins++;
    }
    if (!page.nextBefore) break;
    before = page.nextBefore;
  }
}
// Every success the client saw is in the log; the log may hold a few more whose answer was lost in the restart.
if (auditRecoveryUses < stats.recoveryAccepted)
  failures.push(`audit has ${auditRecoveryUses} recovery uses, client saw ${stats.recoveryAccepted}`);
if (auditTotpLogins < stats.totpAccepted) failures.push(`audit has ${auditTotpLogins} TOTP sign-ins, client saw ${stats.totpAccepted}`);
if (stats.fiveXX > 0) failures.push(`${stats.fiveXX} answers were 5xx`);

await stopDev();
rmSync(dir, { recursive: true, force: true });
console.log(`soak: ${JSON.stringify({ ...stats, auditRecoveryUses, auditTotpLogins })}`);
if (failures.length) {
  console.error(`soak: FAILED\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
console.log("soak: invariants hold: nothing lost, nothing accepted twice");
