// Which of the code step's writes makes its commit cost: each written alone, committed in its own call.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { it } from "vitest";
import { recordEvent } from "../../src/org/audit";
import { createSession } from "../../src/org/sessions";
import { addUser, createOrg, signIn } from "../../test/support/api";

it("profiles the commit of each write", async () => {
  const org = await createOrg();
  const admin = await signIn(org.admin.email);
  const user = await addUser(admin);
  const stub = env.ORG.getByName(org.slug) as unknown as DurableObjectStub;
  const meta = { ip: "203.0.113.9", userAgent: "profile" };
  const policy = { idleMs: 1_800_000, absoluteMs: 43_200_000 };
  let k = 0;
  const variants: [string, (sql: SqlStorage) => void][] = [
    ["nothing", () => {}],
    ["UPDATE users (1 row)", (sql) => sql.exec("UPDATE users SET last_login_at = ? WHERE id = ?", Date.now(), user.id)],
    ["UPDATE org (1 row, no index)", (sql) => sql.exec("UPDATE org SET created_at = created_at + 1")],
    [
      "UPDATE users x3 (1 row)",
      (sql) => {
        for (let i = 0; i < 3; i++) sql.exec("UPDATE users SET last_login_at = ? WHERE id = ?", Date.now() + i, user.id);
      },
    ],
    ["INSERT sessions", (sql) => createSession(sql, `h-${k++}-${Math.random()}`, user.id, Date.now(), policy, meta)],
    [
      "INSERT audit",
      (sql) =>
        recordEvent(
          sql,
          {
            type: "login.succeeded",
            actor: { type: "user", id: user.id, label: user.email },
            subject: { id: user.id, label: user.email },
            meta,
            detail: { method: "totp" },
          },
          Date.now(),
        ),
    ],
  ];
  const spent = new Map<string, number>(variants.map(([l]) => [l, 0]));
  for (const [, fn] of variants)
    for (let i = 0; i < 20; i++) await runInDurableObject(stub, (_o, s) => s.storage.transactionSync(() => fn(s.storage.sql)));
  // Round-robin, so the machine's other load falls on every variant alike.
  const ROUNDS = 200;
  for (let r = 0; r < ROUNDS; r++) {
    for (const [label, fn] of variants) {
      const t0 = performance.now();
      await runInDurableObject(stub, (_o, s) => s.storage.transactionSync(() => fn(s.storage.sql)));
      spent.set(label, (spent.get(label) ?? 0) + performance.now() - t0);
    }
  }
  const out = [...spent].map(([label, ms]) => `${((ms * 1000) / ROUNDS).toFixed(0).padStart(7)} µs  ${label}`);
  console.log(`\nCommit per call\n${out.join("\n")}`);
  console.log(
    `PROFILE_JSON ${JSON.stringify({ commit: [...spent].map(([write, ms]) => ({ write, us: Math.round((ms * 1000) / ROUNDS) })) })}`,
  );
});
