// The big org's admin reads, timed in workerd with 50,000 users (seedUsers test seam) beside a small org, with the
// query plans SQLite chose. Bench-only: `npm run bench:profile`.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { it } from "vitest";
import { addUser, call, createOrg, signIn } from "../../test/support/api";

const USERS = 50_000;
const N = 50;

async function perRequest(path: string, cookie: string): Promise<number> {
  const first = await call(path, { cookie });
  if (first.status !== 200) throw new Error(`${path}: ${first.status} ${await first.text()}`);
  await first.text();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await (await call(path, { cookie })).text();
  return ((performance.now() - t0) * 1000) / N;
}

it("profiles the users page, search and compliance in a big org", async () => {
  const out: string[] = [];
  const json: { org: string; path: string; us: number }[] = [];
  const orgs: Record<string, { slug: string; admin: string }> = {};
  for (const name of ["small", "big"]) {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    for (let i = 0; i < 20; i++) await addUser(admin);
    orgs[name] = { slug: org.slug, admin };
  }
  const big = env.ORG.getByName(orgs.big?.slug as string);
  for (let done = 0; done < USERS; done += 5_000) await big.seedUsers(Math.min(5_000, USERS - done), `s${done}_`);
  for (const [name, org] of Object.entries(orgs)) {
    for (const path of [
      "/api/org/users",
      "/api/org/users?q=nobody-matches-this",
      "/api/org/users?q=tess",
      "/api/org/compliance",
      "/api/org/compliance?q=nobody-matches-this",
    ]) {
      const us = await perRequest(path, org.admin);
      json.push({ org: name, path, us: Math.round(us) });
      out.push(`${us.toFixed(0).padStart(9)} µs  ${name}  GET ${path}`);
    }
  }
  const plans = await runInDurableObject(big, (_o, s) => {
    const plan = (q: string, ...args: SqlStorageValue[]) =>
      s.storage.sql
        .exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${q}`, ...args)
        .toArray()
        .map((r) => r.detail)
        .join("; ");
    const timed = (q: string, ...args: SqlStorageValue[]) => {
      const t0 = performance.now();
      for (let i = 0; i < 5; i++) s.storage.sql.exec(q, ...args).toArray();
      return `${(((performance.now() - t0) * 1000) / 5).toFixed(0)} µs`;
    };
    const counts = "SELECT users AS total, enrolled FROM user_counts WHERE k = 1";
    const page = "SELECT * FROM users WHERE has_2fa = 0 ORDER BY created_at, id LIMIT 101";
    return [
      `counts ${timed(counts)}: ${plan(counts)}`,
      `compliance page ${timed(page)}: ${plan(page)}`,
      `full recount, as before step 12 ${timed("SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM (SELECT user_id FROM totp UNION SELECT user_id FROM passkeys))")}`,
    ];
  });
  console.log(`PROFILE_JSON ${JSON.stringify({ bigOrg: { users: USERS, requests: json, plans } })}`);
  console.log(`\nBig org (${USERS} seeded users), N=${N} sequential requests each\n${out.join("\n")}\n${plans.join("\n")}`);
});
