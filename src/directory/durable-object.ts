// The directory: one tiny object per claimed name ("email:<keyed hash>" or "slug:<slug>"), so uniqueness is
// strongly consistent without a global object that every sign-in passes through. It stores no email
// (only a keyed hash names the object) and no secret: just which org, in which jurisdiction, owns the name.
//
// Creating a user (or an org) is: 1. reserve here as "pending"; 2. write the row in the org's object;
// 3. confirm here. A crash after 1 leaves a pending claim that is not trusted: whoever meets it next asks the
// org's object (the source of truth) whether the user exists, then confirms or drops it. So no crash between
// the steps can leave an orphan that blocks the name forever, nor lose a user that was created.
import { DurableObject } from "cloudflare:workers";
import { LOCKOUT_SECONDS, MAX_CONSECUTIVE_FAILURES, RESERVATION_STALE_SECONDS } from "../constants";
import { nowSeconds } from "../clock";
import type { Env } from "../env";
import { orgStub } from "../org/stub";
import type { OidcClient } from "../org/oidc-rpc";
import { applyMigrations } from "../storage/migrate";
import { PLATFORM_CLIENT_MIGRATION, readPlatformClient, revokePlatformClientRow, storePlatformClient } from "./oidc-client";

export interface Claim {
  orgSlug: string;
  jurisdiction: string | null;
  userId: string;
}

interface ClaimRow extends Record<string, SqlStorageValue> {
  org_slug: string;
  jurisdiction: string | null;
  user_id: string;
  state: string;
  reserved_at: number;
}

const MIGRATIONS = [
  `CREATE TABLE claim (k INTEGER PRIMARY KEY CHECK (k = 1), org_slug TEXT NOT NULL, jurisdiction TEXT,
     user_id TEXT NOT NULL, state TEXT NOT NULL CHECK (state IN ('pending', 'confirmed')), reserved_at INTEGER NOT NULL) STRICT;
   CREATE TABLE unknown_failures (k INTEGER PRIMARY KEY CHECK (k = 1), count INTEGER NOT NULL, locked_until INTEGER NOT NULL) STRICT;`,
  // 2: OpenID provider: a platform client, in the object named after its id (./oidc-client.ts).
  PLATFORM_CLIENT_MIGRATION,
];

export class DirectoryDurableObject extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => applyMigrations(ctx.storage, MIGRATIONS));
  }

  private row(): ClaimRow | undefined {
    return this.sql.exec<ClaimRow>("SELECT * FROM claim").toArray()[0];
  }

  /** Asks the org whether a pending claim really was created, and settles it either way. */
  private async settlePending(row: ClaimRow): Promise<ClaimRow | undefined> {
    const exists = await orgStub(this.env, row.org_slug, row.jurisdiction).hasUser(row.user_id);
    const now = this.row();
    if (!now || now.user_id !== row.user_id || now.state !== "pending") return now;
    if (exists) {
      this.sql.exec("UPDATE claim SET state = 'confirmed'");
      return { ...now, state: "confirmed" };
    }
    if (nowSeconds() - now.reserved_at >= RESERVATION_STALE_SECONDS) {
      this.sql.exec("DELETE FROM claim");
      return undefined;
    }
    return now;
  }

  /** Reserves the name for a user (or an org) being created; false when someone else holds it. */
  async reserve(claim: Claim): Promise<boolean> {
    let row = this.row();
    if (row?.state === "pending" && row.user_id !== claim.userId) row = await this.settlePending(row);
    if (row) return row.user_id === claim.userId && row.org_slug === claim.orgSlug;
    this.sql.exec(
      "INSERT INTO claim (k, org_slug, jurisdiction, user_id, state, reserved_at) VALUES (1, ?, ?, ?, 'pending', ?)",
      claim.orgSlug,
      claim.jurisdiction,
      claim.userId,
      nowSeconds(),
    );
    return true;
  }

  confirm(userId: string): void {
    this.sql.exec("UPDATE claim SET state = 'confirmed' WHERE user_id = ?", userId);
  }

  /** Drops a reservation whose creation failed; a confirmed claim is never released this way. */
  release(userId: string): void {
    this.sql.exec("DELETE FROM claim WHERE user_id = ? AND state = 'pending'", userId);
  }

  /** Who owns the name, or null. A pending claim counts only once its org confirms it. */
  async lookup(): Promise<Claim | null> {
    let row = this.row();
    if (row?.state === "pending") row = await this.settlePending(row);
    if (row?.state !== "confirmed") return null;
    return { orgSlug: row.org_slug, jurisdiction: row.jurisdiction, userId: row.user_id };
  }

  /**
   * Failed sign-ins for an email nobody owns are throttled like a real account's, so a 429 does not reveal
   * whether the email exists. Returns the seconds left of a lockout, or 0.
   */
  recordUnknownFailure(): number {
    return this.settleAttempt(false);
  }

  /**
   * The same count for an object that throttles guesses (e.g. "throttle:platform:<client>", wrong operator
   * bearers): while locked the answer is the seconds left whether or not this attempt was right, so a lock
   * cannot be used to test a guess; a wrong attempt counts, a right one clears the count. Returns the seconds
   * left of a lockout, or 0.
   */
  settleAttempt(succeeded: boolean): number {
    const now = nowSeconds();
    return this.ctx.storage.transactionSync(() => {
      const row = this.sql
        .exec<{ count: number; locked_until: number }>("SELECT count, locked_until FROM unknown_failures")
        .toArray()[0] ?? { count: 0, locked_until: 0 };
      if (row.locked_until > now) return row.locked_until - now;
      if (succeeded) {
        if (row.count > 0 || row.locked_until > 0) this.sql.exec("DELETE FROM unknown_failures");
        return 0;
      }
      const count = row.count + 1;
      const lockedUntil = count >= MAX_CONSECUTIVE_FAILURES ? now + LOCKOUT_SECONDS : 0;
      this.sql.exec(
        "INSERT OR REPLACE INTO unknown_failures (k, count, locked_until) VALUES (1, ?, ?)",
        lockedUntil ? 0 : count,
        lockedUntil,
      );
      return 0;
    });
  }

  /** This object's platform OpenID client (it is named "oidc-client:<id>"); false when the id is taken. */
  registerPlatformClient(client: Omit<OidcClient, "orgSlug" | "createdBy">): boolean {
    return storePlatformClient(this.sql, client);
  }

  /** The live platform client this object holds, or null. */
  platformClient(): OidcClient | null {
    return readPlatformClient(this.sql);
  }

  revokePlatformClient(): boolean {
    return revokePlatformClientRow(this.sql, nowSeconds() * 1000);
  }
}
