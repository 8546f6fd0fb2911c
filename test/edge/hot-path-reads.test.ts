// The hot paths read a bounded number of rows whatever the org's size: in an org grown to thousands of users,
// sessions, audit events and sent mails, no statement of a sign-in (password, code, recovery) or a session
// check reads more than a handful of rows. A statement that scans a table (as the outbox's next due time once
// did, on every sign-in) fails here, named with the rows it read.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, callJson, PASSWORD } from "../support/api";
import { nextStep, useTestClock } from "../support/clock";
import { enrolledTechnician } from "../support/flows";
import { codeFor } from "../support/totp";

useTestClock();

const GROWN = 3_000;
/** A user's ten recovery codes, plus the index entry either side. */
const MAX_ROWS_PER_STATEMENT = 12;

/** Fills an org's tables the hot paths read, straight into SQLite (the API would take minutes). */
function grow(sql: SqlStorage, now: number): void {
  for (let i = 0; i < GROWN; i++) {
    const user = `usr_grown${i}`;
    sql.exec(
      "INSERT INTO users (id, email, name, role, password_hash, created_at) VALUES (?, ?, ?, 'technician', 'x', ?)",
      user,
      `grown-${i}@example.com`,
      `Grown ${i}`,
      now - i,
    );
    sql.exec(
      "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, verified_at, public_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
      `grown-session-${i}`,
      user,
      now,
      now,
      now + 3_600_000,
      now,
      `ses_grown${i}`,
    );
    sql.exec(
      "INSERT INTO audit (at, type, actor_type, actor_id, actor_label, subject_id, subject_label) VALUES (?, 'login.succeeded', 'user', ?, 'x', ?, 'x')",
      now - i,
      user,
      user,
    );
    sql.exec(
      "INSERT INTO outbox (kind, user_id, recipient, subject, created_at, sent_at) VALUES ('test', ?, 'x@example.com', 's', ?, ?)",
      user,
      now - i,
      now - i,
    );
    sql.exec(
      "INSERT INTO challenges (id, user_id, purpose, expires_at, used_at) VALUES (?, ?, '2fa', ?, ?)",
      `chl_grown${i}`,
      user,
      now,
      now,
    );
    // Every factor table grown too: a statement that counted someone's factors by scanning would read them all.
    sql.exec("INSERT INTO totp (user_id, key_id, ciphertext, period, confirmed_at, last_step) VALUES (?, 'k', 'x', 30, ?, 0)", user, now);
    for (let c = 0; c < 10; c++)
      sql.exec("INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (?, ?, ?)", user, `grown-code-${i}-${c}`, now);
    sql.exec(
      `INSERT INTO passkeys (id, user_id, credential_id, public_key, sign_count, transports, device_type, backed_up, aaguid, name, created_at)
       VALUES (?, ?, ?, 'x', 0, '[]', 'singleDevice', 0, 'x', 'x', ?)`,
      `pk_grown${i}`,
      user,
      `cred-grown-${i}`,
      now,
    );
  }
}

/** A six-digit code that no step the server accepts now would give. */
function wrongCode({ secret, period }: { secret: string; period: number }): string {
  const valid = new Set([-1, 0, 1, 2].map((d) => codeFor(secret, Date.now() + d * period * 1000, period)));
  let n = 0;
  while (valid.has(String(n).padStart(6, "0"))) n++;
  return String(n).padStart(6, "0");
}

/**
 * Replaces the object's SqlStorage with one that keeps every statement's cursor, to read rowsRead after. (The test
 * clock starts years ahead, so no housekeeping alarm, whose clean-ups scan by design, runs while it watches.)
 */
function watch(object: unknown) {
  const store = (object as { store: { sql: SqlStorage } }).store;
  const real = store.sql;
  const seen: { query: string; cursor: SqlStorageCursor<Record<string, SqlStorageValue>> }[] = [];
  store.sql = new Proxy(real, {
    get(target, prop) {
      if (prop !== "exec") return Reflect.get(target, prop);
      return (query: string, ...params: SqlStorageValue[]) => {
        const cursor = target.exec(query, ...params);
        seen.push({ query: query.replace(/\s+/g, " ").trim(), cursor });
        return cursor;
      };
    },
  });
  return {
    seen,
    restore: () => {
      store.sql = real;
    },
  };
}

describe("rows read per statement on the hot paths, in a grown org", () => {
  it("stays within a user's own rows for the password, code and recovery steps and the session check", async () => {
    const t = await enrolledTechnician();
    const stub = env.ORG.getByName(t.org.slug);
    await runInDurableObject(stub, (_o, state) => grow(state.storage.sql, Date.now()));
    let watched: ReturnType<typeof watch> | undefined;
    await runInDurableObject(stub, (o) => {
      watched = watch(o);
    });
    try {
      const login = await callJson<{ challenge: string }>("/auth/login", { body: { email: t.email, password: PASSWORD } });
      expect(login.status).toBe(200);
      const code = await call("/auth/login/2fa", {
        body: { challenge: login.body.challenge, code: codeFor(t.enrollment.secret, Date.now(), t.enrollment.period) },
      });
      expect(code.status).toBe(200);
      expect((await call("/api/me", { cookie: t.cookie })).status).toBe(200);
      nextStep(t.enrollment.period);
      const again = await callJson<{ challenge: string }>("/auth/login", { body: { email: t.email, password: PASSWORD } });
      const wrong = await call("/auth/login/2fa", { body: { challenge: again.body.challenge, code: wrongCode(t.enrollment) } });
      expect(wrong.status).toBe(401);
      const recovery = await call("/auth/login/recovery", {
        body: { challenge: again.body.challenge, code: t.enrollment.recoveryCodes[0] },
      });
      expect(recovery.status).toBe(200);
    } finally {
      await runInDurableObject(stub, () => watched?.restore());
    }
    const seen = watched?.seen ?? [];
    expect(seen.length).toBeGreaterThan(20);
    const heavy = seen.map(({ query, cursor }) => ({ query, rows: cursor.rowsRead })).filter((s) => s.rows > MAX_ROWS_PER_STATEMENT);
    expect(heavy).toEqual([]);
  });
});
