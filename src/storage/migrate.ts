// Numbered, append-only schema steps applied inside an object's constructor (under blockConcurrencyWhile).
// DO SQLite has no PRAGMA user_version, so applied steps are recorded in a _migrations table; an object
// written by an older release applies only the steps it lacks, each in one transaction.

export function appliedVersion(sql: SqlStorage): number {
  sql.exec("CREATE TABLE IF NOT EXISTS _migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT");
  return sql.exec<{ v: number | null }>("SELECT MAX(version) AS v FROM _migrations").one().v ?? 0;
}

/** Applies steps[version..]; step i (0-based) is schema version i + 1. Shipped steps never change. */
export function applyMigrations(storage: DurableObjectStorage, steps: readonly string[]): number {
  const sql = storage.sql;
  let version = appliedVersion(sql);
  while (version < steps.length) {
    const step = steps[version] as string;
    const next = version + 1;
    storage.transactionSync(() => {
      sql.exec(step);
      sql.exec("INSERT INTO _migrations (version, applied_at) VALUES (?, ?)", next, Date.now());
    });
    version = next;
  }
  return version;
}
