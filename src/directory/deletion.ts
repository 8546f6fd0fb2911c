// Org deletion as the slug's directory object records and drives it. The org's own object is erased at the
// start (deleteAll), so this is where the deletion lives on: who asked and when, the keyed names of the
// email claims still to free, and the progress. The slug's claim is freed last, so nobody can create an org
// with the slug while the old org's addresses are still held.
export interface DeletionRow extends Record<string, SqlStorageValue> {
  id: number;
  org_slug: string;
  jurisdiction: string | null;
  state: "erasing" | "releasing" | "deleted";
  requested_at: number;
  requested_by: string;
  request_ip: string | null;
  erased_at: number | null;
  finished_at: number | null;
  claims_total: number;
  claims_freed: number;
}

/** What the operator sees: "deleting" until every claim and the slug are free, then "deleted". */
export interface DeletionStatus {
  state: "deleting" | "deleted";
  requestedAt: string;
  erasedAt: string | null;
  finishedAt: string | null;
  /** Email claims freed so far; `total` is known once the org's object is erased. */
  emails: { total: number | null; freed: number };
}

/** A claim the deleted org held: the email's directory object (named by keyed hash) and its user. */
export interface ClaimToFree {
  name: string;
  userId: string;
}

export const DELETION_MIGRATION = `CREATE TABLE deletion (id INTEGER PRIMARY KEY AUTOINCREMENT, org_slug TEXT NOT NULL, jurisdiction TEXT,
     state TEXT NOT NULL CHECK (state IN ('erasing', 'releasing', 'deleted')), requested_at INTEGER NOT NULL,
     requested_by TEXT NOT NULL, request_ip TEXT, erased_at INTEGER, finished_at INTEGER,
     claims_total INTEGER NOT NULL DEFAULT 0, claims_freed INTEGER NOT NULL DEFAULT 0) STRICT;
   CREATE TABLE deletion_claim (deletion_id INTEGER NOT NULL, name TEXT NOT NULL, user_id TEXT NOT NULL,
     freed INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (deletion_id, name)) STRICT;`;

export function latestDeletion(sql: SqlStorage): DeletionRow | undefined {
  return sql.exec<DeletionRow>("SELECT * FROM deletion ORDER BY id DESC LIMIT 1").toArray()[0];
}

/** The deletion under way, if any: while there is one, the slug names no org. */
export function activeDeletion(sql: SqlStorage): DeletionRow | undefined {
  const row = latestDeletion(sql);
  return row && row.state !== "deleted" ? row : undefined;
}

export function startDeletion(
  sql: SqlStorage,
  d: { orgSlug: string; jurisdiction: string | null; requestedBy: string; ip: string | null; now: number },
): void {
  sql.exec(
    "INSERT INTO deletion (org_slug, jurisdiction, state, requested_at, requested_by, request_ip) VALUES (?, ?, 'erasing', ?, ?, ?)",
    d.orgSlug,
    d.jurisdiction,
    d.now,
    d.requestedBy,
    d.ip,
  );
}

/** Idempotent: the org's object sends its list again if it restarts before its erase. */
export function addClaimsToFree(sql: SqlStorage, deletionId: number, claims: readonly ClaimToFree[]): void {
  for (const c of claims) {
    sql.exec("INSERT OR IGNORE INTO deletion_claim (deletion_id, name, user_id) VALUES (?, ?, ?)", deletionId, c.name, c.userId);
  }
}

export function markErased(sql: SqlStorage, deletionId: number, now: number): void {
  const total = sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM deletion_claim WHERE deletion_id = ?", deletionId).one().n;
  sql.exec(
    "UPDATE deletion SET state = 'releasing', erased_at = ?, claims_total = ? WHERE id = ? AND state = 'erasing'",
    now,
    total,
    deletionId,
  );
}

export function claimsToFree(sql: SqlStorage, deletionId: number, limit: number): ClaimToFree[] {
  return sql
    .exec<{ name: string; user_id: string }>(
      "SELECT name, user_id FROM deletion_claim WHERE deletion_id = ? AND freed = 0 ORDER BY name LIMIT ?",
      deletionId,
      limit,
    )
    .toArray()
    .map((r) => ({ name: r.name, userId: r.user_id }));
}

export function markFreed(sql: SqlStorage, deletionId: number, name: string): void {
  sql.exec("UPDATE deletion_claim SET freed = 1 WHERE deletion_id = ? AND name = ? AND freed = 0", deletionId, name);
  sql.exec(
    "UPDATE deletion SET claims_freed = (SELECT COUNT(*) FROM deletion_claim WHERE deletion_id = ? AND freed = 1) WHERE id = ?",
    deletionId,
    deletionId,
  );
}

/** Every email is free: the slug goes last, and the list of names is dropped (the counts stay). */
export function finishDeletion(sql: SqlStorage, deletionId: number, now: number): void {
  sql.exec("DELETE FROM claim");
  sql.exec("DELETE FROM deletion_claim WHERE deletion_id = ?", deletionId);
  sql.exec("UPDATE deletion SET state = 'deleted', finished_at = ? WHERE id = ?", now, deletionId);
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function statusOf(row: DeletionRow): DeletionStatus {
  return {
    state: row.state === "deleted" ? "deleted" : "deleting",
    requestedAt: new Date(row.requested_at).toISOString(),
    erasedAt: iso(row.erased_at),
    finishedAt: iso(row.finished_at),
    emails: { total: row.state === "erasing" ? null : row.claims_total, freed: row.claims_freed },
  };
}
