// npm start: runs Gatehouse locally with a demo org.
// 1. Creates .dev.vars with fresh random secrets when it is missing (never overwrites one; adds the OpenID
//    signing key to one that predates it).
// 2. Starts `wrangler dev` with persisted local state (.state/), so restarts keep data.
// 3. Seeds the demo org (idempotent: what exists already is left alone) and prints the URL and credentials.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { oidcSigningKeys } from "./oidc-key.mjs";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";

const PORT = Number(process.env.PORT ?? 8787);
// wrangler's debugger port (9229) is one per machine: a second copy on another PORT takes one of its own, or it
// fails with "Address already in use". INSPECTOR_PORT sets it.
const INSPECTOR_PORT = Number(process.env.INSPECTOR_PORT ?? (PORT === 8787 ? 9229 : (PORT % 10000) + 50000));
const URL_BASE = `http://127.0.0.1:${PORT}`;
// What people open: passkeys (WebAuthn) refuse an IP address as the site, so the printed URL is localhost's.
const SHOWN_URL = `http://localhost:${PORT}`;
const DEMO = {
  slug: "demo",
  name: "Demo Org",
  admin: { email: "admin@demo.example", password: "demo-admin-password", name: "Dana Admin" },
  technician: { email: "tech@demo.example", password: "demo-tech-password", name: "Theo Technician" },
};

function ensureDevVars() {
  if (existsSync(".dev.vars")) {
    // A .dev.vars from before the OpenID provider: add its key, leave the rest alone.
    if (!/^OIDC_SIGNING_KEYS=/m.test(readFileSync(".dev.vars", "utf8"))) {
      appendFileSync(".dev.vars", `\nOIDC_SIGNING_KEYS=${oidcSigningKeys("dev")}\n`);
      console.log("start: added an OpenID signing key (OIDC_SIGNING_KEYS) to .dev.vars");
    }
    return;
  }
  const secret = () => randomBytes(32).toString("base64");
  const lines = [
    `PLATFORM_TOKEN=${randomBytes(24).toString("base64url")}`,
    `PASSWORD_PEPPER=${secret()}`,
    `TOTP_KEYS=k1:${secret()}`,
    `HASH_KEY=${secret()}`,
    `CHALLENGE_KEY=${secret()}`,
    `OIDC_SIGNING_KEYS=${oidcSigningKeys("dev")}`,
    "DEV_MODE=true",
    "JURISDICTION_MODE=emulated",
  ];
  writeFileSync(".dev.vars", `${lines.join("\n")}\n`, { mode: 0o600 });
  console.log("start: wrote .dev.vars with fresh random secrets");
}

function devVar(name) {
  const line = readFileSync(".dev.vars", "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${name}=`));
  return line?.slice(name.length + 1).trim();
}

async function waitForHealth(child) {
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error("wrangler dev exited");
    try {
      if ((await fetch(`${URL_BASE}/healthz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("wrangler dev did not answer in 60 s");
}

async function post(path, body, headers = {}) {
  const res = await fetch(`${URL_BASE}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, cookie: res.headers.get("set-cookie")?.split(";")[0], body: await res.text() };
}

async function seed() {
  const token = devVar("PLATFORM_TOKEN");
  const org = await post(
    "/api/platform/orgs",
    { slug: DEMO.slug, name: DEMO.name, admin: DEMO.admin },
    { authorization: `Bearer ${token}` },
  );
  if (org.status !== 201 && org.status !== 409) throw new Error(`seeding the demo org failed: ${org.status} ${org.body}`);
  const login = await post("/auth/login", { email: DEMO.admin.email, password: DEMO.admin.password });
  if (!login.cookie) {
    console.log("start: the demo admin has 2FA on or another password; left the demo org as it is");
    return;
  }
  const tech = await post("/api/org/users", { ...DEMO.technician, role: "technician" }, { cookie: login.cookie });
  if (tech.status !== 201 && tech.status !== 409) throw new Error(`seeding the demo technician failed: ${tech.status} ${tech.body}`);
}

ensureDevVars();
const child = spawn(
  "npx",
  ["wrangler", "dev", "--ip", "127.0.0.1", "--port", String(PORT), "--inspector-port", String(INSPECTOR_PORT), "--persist-to", ".state"],
  {
    stdio: "inherit",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  },
);
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));

try {
  await waitForHealth(child);
  await seed();
  console.log(`
Gatehouse is running at ${SHOWN_URL}/
  Demo org (operator code): ${DEMO.slug}
  Admin:      ${DEMO.admin.email} / ${DEMO.admin.password}
  Technician: ${DEMO.technician.email} / ${DEMO.technician.password}
  Dev outbox: ${SHOWN_URL}/dev/outbox?org=${DEMO.slug}
  OpenID:     ${SHOWN_URL}/.well-known/openid-configuration
  Try: curl -i -X POST ${SHOWN_URL}/auth/login -H 'content-type: application/json' \\
         -d '{"email":"${DEMO.admin.email}","password":"${DEMO.admin.password}"}'
`);
} catch (err) {
  console.error(`start: ${err.message}`);
  child.kill("SIGTERM");
  process.exitCode = 1;
}
