// An org grown to thousands of rows in every table a hot path or a page reads, and a watch on the rows each
// statement of the org's object reads (workerd's cursor.rowsRead): a statement that scans a table shows.
export const GROWN = 3_000;
/**
 * A user's own rows: ten recovery codes plus the index entry either side, and the session, user, org, TOTP and
 * passkey rows the session check reads beside them in one statement. A scan of any grown table reads thousands.
 */
export const MAX_ROWS_PER_STATEMENT = 20;

/** Fills an org's tables the hot paths read, straight into SQLite (the API would take minutes). */
export function grow(sql: SqlStorage, now: number): void {
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

/** A SqlStorage that keeps every statement's cursor, so the rows each one read (rowsRead) can be asked after. */
export function watchSql(real: SqlStorage) {
  const seen: { query: string; cursor: SqlStorageCursor<Record<string, SqlStorageValue>> }[] = [];
  const sql = new Proxy(real, {
    get(target, prop) {
      if (prop !== "exec") return Reflect.get(target, prop);
      return (query: string, ...params: SqlStorageValue[]) => {
        const cursor = target.exec(query, ...params);
        seen.push({ query: query.replace(/\s+/g, " ").trim(), cursor });
        return cursor;
      };
    },
  });
  return { sql, seen };
}

/**
 * Replaces the object's SqlStorage with a watched one (watchSql) until restore(). (The test clock starts years
 * ahead, so no housekeeping alarm, whose clean-ups scan by design, runs while it watches.)
 */
export function watch(object: unknown) {
  const store = (object as { store: { sql: SqlStorage } }).store;
  const real = store.sql;
  const { sql, seen } = watchSql(real);
  store.sql = sql;
  return {
    seen,
    restore: () => {
      store.sql = real;
    },
  };
}
