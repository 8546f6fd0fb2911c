// Where the code step's time goes, stage by stage, in workerd: each stage run N times in a loop (inside the org's
// object where it runs there), timed with performance.now(), which advances in the local runtime. Bench-only:
// `npm run bench:profile`; the stages are the production functions, called in the order completeTotpStep calls them.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { it } from "vitest";
import { config } from "../../src/config";
import { issueCredential } from "../../src/http/credentials";
import { verifyChallenge } from "../../src/flows/challenge-token";
import { completeTotpStep, startSession } from "../../src/org/actions/sign-in";
import { readyFactor } from "../../src/org/actions/verify-second-factor";
import { challengeAlive, createChallenge, spendChallenge } from "../../src/org/challenges";
import { nextMailAt } from "../../src/org/outbox";
import type { Store } from "../../src/org/store";
import { findActiveUser } from "../../src/org/users";
import { codeAt, matchStep, timeStep } from "../../src/totp";
import { addUser, call, createOrg, signIn } from "../../test/support/api";
import { enroll } from "../../test/support/totp";
import { PASSWORD } from "../../test/support/secrets";

const N = 2000;
const rows: [string, number][] = [];

async function time(label: string, n: number, fn: (i: number) => unknown): Promise<number> {
  for (let i = 0; i < Math.min(50, n); i++) await fn(i); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  const us = ((performance.now() - t0) * 1000) / n;
  rows.push([label, us]);
  return us;
}

/** Times a stage inside the object (one call, n iterations), so no RPC is counted. */
function inObject(stub: DurableObjectStub, label: string, n: number, fn: (store: Store, i: number) => unknown) {
  return runInDurableObject(stub, async (_o, state) => {
    const store: Store = { sql: state.storage.sql, env, tx: (f) => state.storage.transactionSync(f) };
    await time(label, n, (i) => fn(store, i));
  });
}

it("profiles the code step", async () => {
  const org = await createOrg();
  const admin = await signIn(org.admin.email);
  const user = await addUser(admin);
  const enrolled = await enroll(await signIn(user.email));
  const stub = env.ORG.getByName(org.slug) as unknown as DurableObjectStub;
  const route = { slug: org.slug, jurisdiction: null };
  const meta = { ip: "203.0.113.9", userAgent: "profile", lang: "en" as const };

  // The whole request, end to end: password step untimed, code step timed.
  const M = Math.min(N, 200);
  let total = 0;
  for (let i = 0; i < M; i++) {
    await runInDurableObject(stub, (_o, state) => state.storage.sql.exec("UPDATE totp SET last_step = 0 WHERE user_id = ?", user.id));
    const pw = await (await call("/auth/login", { body: { email: user.email, password: PASSWORD } })).json<{ challenge: string }>();
    const code = codeAt(enrolled.secret, timeStep(Date.now(), 30));
    const t0 = performance.now();
    const r = await call("/auth/login/2fa", { body: { challenge: pw.challenge, code } });
    await r.text();
    total += performance.now() - t0;
    if (r.status !== 200) throw new Error(`code step ${r.status}`);
  }
  rows.push(["whole request: POST /auth/login/2fa (sequential, right after a write and a password step)", (total * 1000) / M]);
  // The same, back to back as under load: 40 users' password steps first, then their code steps one after another.
  const others = [];
  for (let i = 0; i < 40; i++) {
    const u = await addUser(admin);
    others.push({ ...u, secret: (await enroll(await signIn(u.email))).secret });
  }
  const pending = [];
  for (const u of others) {
    const pw = await (await call("/auth/login", { body: { email: u.email, password: PASSWORD } })).json<{ challenge: string }>();
    pending.push({ challenge: pw.challenge, secret: u.secret });
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  const t1 = performance.now();
  for (const p of pending) {
    // The step after the one enrollment used (the same 30 s): never used, within the window.
    const code = codeAt(p.secret, timeStep(Date.now(), 30) + 1);
    const r = await call("/auth/login/2fa", { body: { challenge: p.challenge, code } });
    await r.text();
    if (r.status !== 200) throw new Error(`code step ${r.status}`);
  }
  rows.push(["whole request: POST /auth/login/2fa (back to back, 40 users)", ((performance.now() - t1) * 1000) / pending.length]);
  await time("whole request: GET /healthz", 200, async () => (await call("/healthz")).text());
  await time("whole request: GET /api/me (session check)", 200, async () => (await call("/api/me", { cookie: enrolled.cookie })).text());
  await time("whole request: POST /auth/login/2fa, malformed challenge (400 at the edge)", 200, async () =>
    (await call("/auth/login/2fa", { body: { challenge: "x.y.z", code: "123456" } })).text(),
  );

  // At the edge.
  const pw = await (await call("/auth/login", { body: { email: user.email, password: PASSWORD } })).json<{ challenge: string }>();
  await time("edge: verify the challenge JWT (jose, key imported once per isolate)", N, () =>
    verifyChallenge(env.CHALLENGE_KEY, pw.challenge, "2fa"),
  );
  await time("edge: new session token + keyed hash", N, () => issueCredential(env.HASH_KEY, "gs", route));
  await time("edge: config(env), cached", N, () => config(env));
  await time("edge: config(env), new env object (bench/tests: trip counting wraps env)", N, () => config({ ...env }));
  await time("edge: RPC round trip, cheapest method (passwordHashOf)", N, () => stub.passwordHashOf(user.id));
  await time("edge: runInDurableObject round trip, no work", 200, () => runInDurableObject(stub, () => null));
  // A row that really changes: SQLite writes nothing for an UPDATE that sets a column to its own value.
  await time("edge: runInDurableObject, 1 row changed in transactionSync (B2-like)", 200, () =>
    runInDurableObject(stub, (_o, s) => s.storage.transactionSync(() => s.storage.sql.exec("UPDATE org SET created_at = created_at + 1"))),
  );

  const { challengeId: spent } = await runInDurableObject(stub, (_o, s) => createChallenge(s.storage.sql, user.id, "2fa", Date.now()));
  let k = 0;
  await time("edge: runInDurableObject, the code step's writes in transactionSync", 200, () =>
    runInDurableObject(stub, (_o, s) => {
      const store: Store = { sql: s.storage.sql, env, tx: (f) => s.storage.transactionSync(f) };
      store.tx(() => {
        const u = findActiveUser(store.sql, user.id);
        if (!u) throw new Error("no user");
        store.sql.exec("UPDATE totp SET last_step = ? WHERE user_id = ?", 0, u.id);
        store.sql.exec("UPDATE users SET failed_codes = 0, code_failure_streak = 0 WHERE id = ?", u.id);
        spendChallenge(store.sql, spent, Date.now());
        startSession(store, u, `profile-commit-${k++}-${Math.random()}`, meta, Date.now(), "totp");
      });
    }),
  );

  // Inside the org's object.
  const factor = { kind: "totp" as const, code: "000000", secret: "active" as const };
  await inObject(stub, "object: readyFactor (SELECT totp + AES-GCM decrypt)", N, (store) =>
    readyFactor(store, user.id, factor, Date.now()),
  );
  const { challengeId } = await runInDurableObject(stub, (_o, s) => createChallenge(s.storage.sql, user.id, "2fa", Date.now()));
  await inObject(stub, "object: findActiveUser + challengeAlive", N, (store) => {
    const u = findActiveUser(store.sql, user.id);
    return u && challengeAlive(store.sql, challengeId, u.id, "2fa", Date.now());
  });
  await inObject(stub, "object: matchStep (3 HOTP via otpauth)", N, () => matchStep(enrolled.secret, "123456", Date.now(), 30, 0));
  await inObject(stub, "object: nextMailAt (SELECT MIN over outbox)", N, (store) => nextMailAt(store.sql));
  await inObject(stub, "object: writes (last step, counters, challenge, session, amr, login, audit) in one tx", N, (store, i) =>
    store.tx(() => {
      const u = findActiveUser(store.sql, user.id);
      if (!u) throw new Error("no user");
      store.sql.exec("UPDATE totp SET last_step = ? WHERE user_id = ?", 0, u.id);
      store.sql.exec("UPDATE users SET failed_codes = 0, code_failure_streak = 0 WHERE id = ?", u.id);
      spendChallenge(store.sql, challengeId, Date.now());
      startSession(store, u, `profile-session-${i}-${Math.random()}`, meta, Date.now(), "totp");
    }),
  );
  await inObject(stub, "object: completeTotpStep whole (fresh challenge + code each)", Math.min(N, 500), async (store) => {
    store.sql.exec("UPDATE totp SET last_step = 0 WHERE user_id = ?", user.id);
    const ch = createChallenge(store.sql, user.id, "2fa", Date.now());
    const r = await completeTotpStep(store, {
      challengeId: ch.challengeId,
      userId: user.id,
      code: codeAt(enrolled.secret, timeStep(Date.now(), 30)),
      sessionTokenHash: `profile-${Math.random()}`,
      meta,
    });
    if (!r.ok) throw new Error(r.reason);
  });
  const outbox = await runInDurableObject(stub, (_o, s) => ({
    outbox: s.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox").one().n,
    plan: s.storage.sql
      .exec<{ detail: string }>("EXPLAIN QUERY PLAN SELECT MIN(next_attempt_at) AS t FROM outbox")
      .toArray()
      .map((r) => r.detail)
      .join("; "),
  }));
  console.log(`\nCode step profile (N=${N}, µs per run)\n${rows.map(([l, us]) => `${us.toFixed(1).padStart(9)}  ${l}`).join("\n")}`);
  // One line for npm run bench, which runs this file and puts the table in its findings.
  console.log(`PROFILE_JSON ${JSON.stringify({ codeStep: rows.map(([stage, us]) => ({ stage, us: Math.round(us) })) })}`);
  console.log(`outbox rows ${outbox.outbox}; nextMailAt plan: ${outbox.plan}`);
});
