// The directory: one tiny object per claimed name ("email:<keyed hash>" or "slug:<slug>"), so uniqueness is
// strongly consistent without a global object that every sign-in passes through. It stores no email
// (only a keyed hash names the object) and no secret: just which org, in which jurisdiction, owns the name.
//
// Creating a user (or an org) is: 1. reserve here as "pending"; 2. write the row in the org's object;
// 3. confirm here. A crash after 1 leaves a pending claim that is not trusted: whoever meets it next asks the
// org's object (the source of truth) whether the user exists, then confirms or drops it. So no crash between
// the steps can leave an orphan that blocks the name forever, nor lose a user that was created.
//
// Attack traffic (sign-ins with random emails, look-ups of random slugs) makes objects that hold no claim, only a
// throttle row or nothing: the alarm drops expired rows, and an object left with nothing is emptied (deleteAll),
// so it costs no storage. Its tables come back at its next use.
import { DurableObject } from "cloudflare:workers";
import { LOCKOUT_SECONDS, MAX_CONSECUTIVE_FAILURES, PASSWORD_FAILURE_WINDOW_SECONDS, RESERVATION_STALE_SECONDS } from "../constants";
import { nowSeconds } from "../clock";
import type { Env } from "../env";
import { orgStub } from "../org/stub";
import { applyMigrations } from "../storage/migrate";

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
  // 2: edge: when the last failure was counted, so the row expires a day later (or when its lock ends, if later).
  `ALTER TABLE unknown_failures ADD COLUMN failed_at INTEGER NOT NULL DEFAULT 0;
   UPDATE unknown_failures SET failed_at = CAST(strftime('%s', 'now') AS INTEGER);`,
];

/** An object with no claim and no throttle row is emptied this long after its last use (a reservation may follow). */
const EMPTY_GRACE_SECONDS = RESERVATION_STALE_SECONDS;

interface ThrottleRow extends Record<string, SqlStorageValue> {
  count: number;
  locked_until: number;
  failed_at: number;
}

/** When a throttle row says nothing any more: its count forgotten and its lock over. */
function expiresAt(row: ThrottleRow): number {
  return Math.max(row.locked_until, row.failed_at + PASSWORD_FAILURE_WINDOW_SECONDS);
}

export class DirectoryDurableObject extends DurableObject<Env> {
  /** False once the object was emptied: its tables are made again at its next use. */
  private migrated = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => this.sql);
  }

  private get sql(): SqlStorage {
    if (!this.migrated) {
      applyMigrations(this.ctx.storage, MIGRATIONS);
      this.migrated = true;
    }
    return this.ctx.storage.sql;
  }

  private row(): ClaimRow | undefined {
    return this.sql.exec<ClaimRow>("SELECT * FROM claim").toArray()[0];
  }

  private throttleRow(): ThrottleRow | undefined {
    return this.sql.exec<ThrottleRow>("SELECT count, locked_until, failed_at FROM unknown_failures").toArray()[0];
  }

  /**
   * After every call: wake when this object can shed something. A confirmed claim with no throttle row needs no
   * alarm; a pending one is settled when it goes stale; a throttle row expires; nothing at all goes soon.
   */
  private async wakeToShed(): Promise<void> {
    const claim = this.row();
    const throttle = this.throttleRow();
    const times: number[] = [];
    if (throttle) times.push(expiresAt(throttle));
    if (claim?.state === "pending") times.push(claim.reserved_at + RESERVATION_STALE_SECONDS);
    if (!claim && !throttle) times.push(nowSeconds() + EMPTY_GRACE_SECONDS);
    if (!times.length) return;
    const at = Math.min(...times) * 1000;
    if ((await this.ctx.storage.getAlarm()) !== at) await this.ctx.storage.setAlarm(at);
  }

  /** Drops what has expired by `now` (seconds); empties the object when nothing is left. */
  private async shed(now: number): Promise<void> {
    const throttle = this.throttleRow();
    if (throttle && expiresAt(throttle) <= now) this.sql.exec("DELETE FROM unknown_failures");
    const claim = this.row();
    if (claim?.state === "pending" && now - claim.reserved_at >= RESERVATION_STALE_SECONDS) await this.settlePending(claim);
    if (!this.row() && !this.throttleRow()) {
      // Checked and emptied with no other event in between (storage calls keep the input gate closed).
      await this.ctx.storage.deleteAll();
      this.migrated = false;
      await this.ctx.storage.deleteAlarm();
      return;
    }
    await this.wakeToShed();
  }

  override async alarm(): Promise<void> {
    await this.shed(nowSeconds());
  }

  /** Test seam (tests and the benchmark): sheds as the alarm would `afterSeconds` from now; the bytes left. */
  async shedAfter(afterSeconds: number): Promise<number> {
    if (this.env.TEST_SEAMS !== "true") throw new Error("This is a test seam, not available in this deployment.");
    await this.shed(nowSeconds() + afterSeconds);
    return this.ctx.storage.sql.databaseSize;
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
    await this.wakeToShed();
    return true;
  }

  confirm(userId: string): void {
    this.sql.exec("UPDATE claim SET state = 'confirmed' WHERE user_id = ?", userId);
  }

  /** Drops a reservation whose creation failed; a confirmed claim is never released this way. */
  async release(userId: string): Promise<void> {
    this.sql.exec("DELETE FROM claim WHERE user_id = ? AND state = 'pending'", userId);
    await this.wakeToShed();
  }

  /** Who owns the name, or null. A pending claim counts only once its org confirms it. */
  async lookup(): Promise<Claim | null> {
    let row = this.row();
    if (row?.state === "pending") row = await this.settlePending(row);
    if (row?.state !== "confirmed") {
      await this.wakeToShed();
      return null;
    }
    return { orgSlug: row.org_slug, jurisdiction: row.jurisdiction, userId: row.user_id };
  }

  /**
   * Failed sign-ins for an email nobody owns are throttled like a real account's (lockout.ts: 10 in a row, each
   * within a day of the last, lock for 15 minutes), so a 429 does not reveal whether the email exists. Returns
   * the seconds left of a lockout, or 0.
   */
  recordUnknownFailure(): Promise<number> {
    return this.settleAttempt(false);
  }

  /**
   * The same count for an object that throttles guesses (e.g. "throttle:platform:<client>", wrong operator
   * bearers): while locked the answer is the seconds left whether or not this attempt was right, so a lock
   * cannot be used to test a guess; a wrong attempt counts, a right one clears the count. Returns the seconds
   * left of a lockout, or 0.
   */
  async settleAttempt(succeeded: boolean): Promise<number> {
    const now = nowSeconds();
    const sql = this.sql;
    const left = this.ctx.storage.transactionSync(() => {
      const row = this.throttleRow() ?? { count: 0, locked_until: 0, failed_at: 0 };
      if (row.locked_until > now) return row.locked_until - now;
      if (succeeded) {
        if (row.count > 0 || row.locked_until > 0) sql.exec("DELETE FROM unknown_failures");
        return 0;
      }
      const running = now - row.failed_at < PASSWORD_FAILURE_WINDOW_SECONDS ? row.count : 0;
      const count = running + 1;
      const lockedUntil = count >= MAX_CONSECUTIVE_FAILURES ? now + LOCKOUT_SECONDS : 0;
      sql.exec(
        "INSERT OR REPLACE INTO unknown_failures (k, count, locked_until, failed_at) VALUES (1, ?, ?, ?)",
        lockedUntil ? 0 : count,
        lockedUntil,
        now,
      );
      return 0;
    });
    await this.wakeToShed();
    return left;
  }
}
