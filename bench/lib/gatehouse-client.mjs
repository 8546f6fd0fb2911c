// Prepares benchmark data through Gatehouse's public HTTP API only (docs/api.md), like an operator, admins and
// users would: the platform token creates orgs, admins add users, users enroll with codes computed here.
import { createHash } from "node:crypto";
import { HOTP, Secret } from "otpauth";
import { PASSWORD, TEST_SECRETS } from "../../test/support/secrets.ts";
import { pool } from "./load.mjs";

export { PASSWORD };
const PERIOD_SECONDS = 30;
const SETUP_CONCURRENCY = 16;

export const timeStep = (ms = Date.now()) => Math.floor(ms / 1000 / PERIOD_SECONDS);

export function codeAt(secret, step) {
  return HOTP.generate({ secret, algorithm: "SHA1", digits: 6, counter: step });
}

/** A six-digit code that matches none of the steps the server accepts right now. */
export function wrongCode(secret, step = timeStep()) {
  const valid = new Set([step - 1, step, step + 1, step + 2].map((s) => codeAt(secret, s)));
  let n = Number(codeAt(secret, step));
  let code;
  do {
    n = (n + 1) % 1_000_000;
    code = String(n).padStart(6, "0");
  } while (valid.has(code));
  return code;
}

export async function api(base, path, { method, body, cookie, bearer } = {}) {
  const headers = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (cookie) headers.cookie = cookie;
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const res = await fetch(base + path, {
    method: method ?? (body !== undefined ? "POST" : "GET"),
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const set = res.headers.getSetCookie().find((c) => /^session=/.test(c) && !/Max-Age=0/i.test(c));
  return { status: res.status, json: text ? JSON.parse(text) : null, cookie: set?.split(";")[0] };
}

function expect(r, status, what) {
  if (r.status !== status) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.json)}`);
  return r;
}

/** Creates an org through the platform API and signs its admin in; returns the admin's session cookie. */
export async function createOrg(base, slug) {
  const admin = { email: `admin@${slug}.bench.test`, password: PASSWORD };
  expect(
    await api(base, "/api/platform/orgs", { bearer: TEST_SECRETS.PLATFORM_TOKEN, body: { slug, name: `Bench ${slug}`, admin } }),
    201,
    `create org ${slug}`,
  );
  const login = expect(await api(base, "/auth/login", { body: admin }), 200, `admin login ${slug}`);
  return { slug, adminCookie: login.cookie };
}

/** Adds `count` technicians to an org (POST /api/org/users as its admin). */
export async function addUsers(base, org, count, prefix) {
  const emails = Array.from({ length: count }, (_, i) => `${prefix}-${i}@${org.slug}.bench.test`);
  return pool(emails, SETUP_CONCURRENCY, async (email) => {
    const r = expect(
      await api(base, "/api/org/users", { cookie: org.adminCookie, body: { email, password: PASSWORD, role: "technician" } }),
      201,
      `add user ${email}`,
    );
    return { id: r.json.id, email, org: org.slug };
  });
}

/**
 * Enrolls each user in TOTP the way a person would: sign in, POST /api/me/2fa/setup, confirm with a code
 * computed from the returned secret. The confirming code is the previous step's, so the current and next
 * steps stay free for the benchmark (the server refuses any step at or before the last one accepted).
 */
export async function enrollUsers(base, users) {
  return pool(users, SETUP_CONCURRENCY, async (user) => {
    const login = expect(await api(base, "/auth/login", { body: { email: user.email, password: PASSWORD } }), 200, "login");
    if (login.json.status !== "authenticated") throw new Error(`login before enrollment: ${JSON.stringify(login.json)}`);
    const setup = expect(await api(base, "/api/me/2fa/setup", { cookie: login.cookie, method: "POST" }), 200, "2fa setup");
    const secret = Secret.fromBase32(setup.json.secret);
    let step = timeStep() - 1;
    let confirm = await api(base, "/api/me/2fa/confirm", { cookie: login.cookie, body: { code: codeAt(secret, step) } });
    if (confirm.status === 401) {
      step = timeStep();
      confirm = await api(base, "/api/me/2fa/confirm", { cookie: login.cookie, body: { code: codeAt(secret, step) } });
    }
    expect(confirm, 200, "2fa confirm");
    // Enabling 2FA replaces the session (docs/api.md): the confirming answer carries the new cookie, the old one is dead.
    if (!confirm.cookie) throw new Error("2fa confirm: no new session cookie");
    Object.assign(user, { secret, lastStep: step, cookie: confirm.cookie });
    return user;
  });
}

/** `perUser` fresh sign-in challenges per user (POST /auth/login), in round-robin order over the users. */
export async function challengesFor(base, users, perUser) {
  const jobs = [];
  for (let round = 0; round < perUser; round++) for (const user of users) jobs.push(user);
  return pool(jobs, SETUP_CONCURRENCY, async (user) => {
    const r = expect(await api(base, "/auth/login", { body: { email: user.email, password: PASSWORD } }), 200, "login");
    if (r.json.status !== "2fa_required") throw new Error(`expected 2fa_required: ${JSON.stringify(r.json)}`);
    return { user, challenge: r.json.challenge };
  });
}

/** Feeds session checks (GET /api/me): the users' session cookies, round-robin. */
export function sessionCheckFeed(users) {
  let k = 0;
  return () => ({ path: "/api/me", headers: { cookie: users[k++ % users.length].cookie } });
}

/**
 * Feeds the code step: each call returns a distinct (challenge, code) pair whose code is correct and never
 * used (the next step after the user's last accepted one, within the one-step drift window), or null.
 */
export function correctCodeFeed(pairs) {
  let i = 0;
  return () => {
    while (i < pairs.length) {
      const { user, challenge } = pairs[i++];
      const now = timeStep();
      const step = Math.max(now, user.lastStep + 1);
      if (step > now + 1) continue;
      user.lastStep = step;
      return { path: "/auth/login/2fa", body: { challenge, code: codeAt(user.secret, step) } };
    }
    return null;
  };
}

/** Wrong codes: each challenge is used `perChallenge` times (under the 5 that kill it), round-robin. */
export function wrongCodeFeed(pairs, perChallenge) {
  let i = 0;
  const total = pairs.length * perChallenge;
  return () => {
    if (i >= total) return null;
    const { user, challenge } = pairs[i++ % pairs.length];
    return { path: "/auth/login/2fa", body: { challenge, code: wrongCode(user.secret) } };
  };
}

const FORM = "application/x-www-form-urlencoded";
const BENCH_REDIRECT = "https://bench.example.com/callback";

/**
 * O2's supply: a confidential platform OpenID client and `count` refresh tokens, each from one code flow (GET
 * /oauth/authorize with a user's session, then the code redeemed with PKCE), as a relying party gets them.
 */
export async function refreshTokensFor(base, users, count) {
  const client = expect(
    await api(base, "/api/platform/oidc-clients", {
      bearer: TEST_SECRETS.PLATFORM_TOKEN,
      body: { name: "Bench", type: "confidential", redirectUris: [BENCH_REDIRECT] },
    }),
    201,
    "register an OpenID client",
  ).json;
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString("base64")}`;
  const verifier = "bench-pkce-verifier-".padEnd(43, "v");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const tokens = await pool(
    Array.from({ length: count }, (_, i) => users[i % users.length]),
    SETUP_CONCURRENCY,
    async (user) => {
      const query = new URLSearchParams({
        response_type: "code",
        client_id: client.clientId,
        redirect_uri: BENCH_REDIRECT,
        scope: "openid offline_access",
        code_challenge: challenge,
        code_challenge_method: "S256",
      });
      const authorized = await fetch(`${base}/oauth/authorize?${query}`, { headers: { cookie: user.cookie }, redirect: "manual" });
      const code = new URL(authorized.headers.get("location") ?? "", BENCH_REDIRECT).searchParams.get("code");
      if (!code) throw new Error(`authorize: HTTP ${authorized.status} ${authorized.headers.get("location")}`);
      const body = new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: BENCH_REDIRECT, code_verifier: verifier });
      const res = await fetch(`${base}/oauth/token`, { method: "POST", headers: { authorization: basic, "content-type": FORM }, body });
      const json = await res.json();
      if (res.status !== 200 || !json.refresh_token) throw new Error(`token: HTTP ${res.status} ${JSON.stringify(json)}`);
      return json.refresh_token;
    },
  );
  return { basic, tokens };
}

/** Each request spends one never-used refresh token (rotation: the answer carries the next one, unused here). */
export function refreshFeed({ basic, tokens }) {
  let i = 0;
  return () =>
    i < tokens.length
      ? {
          path: "/oauth/token",
          headers: { authorization: basic, "content-type": FORM },
          body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: tokens[i++] }).toString(),
        }
      : null;
}
