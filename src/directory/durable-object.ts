// The directory: one tiny object per claimed name ("email:<keyed hash>" or "slug:<slug>"), so uniqueness is
// strongly consistent without a global object that every sign-in passes through. It stores no email
// (only a keyed hash names the object) and no secret: just which org, in which jurisdiction, owns the name.
//
// Creating a user (or an org) is: 1. reserve here as "pending"; 2. write the row in the org's object;
// 3. confirm here. A crash after 1 leaves a pending claim that is not trusted: whoever meets it next asks the
// org's object (the source of truth) whether the user exists, then confirms or drops it. So no crash between
// the steps can leave an orphan that blocks the name forever, nor lose a user that was created.
//
// Removing a user is the mirror: 1. mark the claim "releasing"; 2. delete the user in the org's object;
// 3. drop the claim here. A releasing claim is not trusted either: whoever meets it asks the org, and drops it
// once the user is gone (a crash after 2) or keeps it while the user exists (a crash before 2, or a refusal).
// Passkeys claim "cred:<keyed hash of the credential id>" the same way, for passwordless sign-in.
//
// Attack traffic (sign-ins with random emails, look-ups of random slugs) makes objects that hold no claim, only a
// throttle row or nothing: the alarm drops expired rows, and an object left with nothing is emptied (deleteAll),
// so it costs no storage. Its tables come back at its next use.
import { DurableObject } from "cloudflare:workers";
import {
  LOCKOUT_SECONDS,
  MAX_CONSECUTIVE_FAILURES,
  ORG_DELETION_BATCH,
  ORG_DELETION_RETRY_MS,
  PASSWORD_FAILURE_WINDOW_SECONDS,
  RESERVATION_STALE_SECONDS,
} from "../constants";
import { nowMs, nowSeconds } from "../clock";
import type { Env } from "../env";
import { fail, ok, type Result } from "../org/results";
import { orgStub } from "../org/stub";
import type { OidcClient } from "../org/oidc-rpc";
import { applyMigrations } from "../storage/migrate";
import * as deletion from "./deletion";
import { PLATFORM_CLIENT_MIGRATION, readPlatformClient, revokePlatformClientRow, storePlatformClient } from "./oidc-client";

export interface Claim {
  orgSlug: string;
  jurisdiction: string | null;
  userId: string;
  /**
   * This object's own name (the address's keyed hash, no email), given for emails. A pending claim with a key is
   * settled by asking the org whether the user holds that address, not merely whether the user exists; and a
   * confirmed claim of a user who no longer holds it is dropped when someone reserves the address.
   */
  emailKey?: string;
}

interface ClaimRow extends Record<string, SqlStorageValue> {
  org_slug: string;
  jurisdiction: string | null;
  user_id: string;
  state: string;
  reserved_at: number;
  /** Set while the user is being removed (directory step 2). */
  releasing_at: number | null;
  email_key: string | null;
}

const MIGRATIONS = [
  `CREATE TABLE claim (k INTEGER PRIMARY KEY CHECK (k = 1), org_slug TEXT NOT NULL, jurisdiction TEXT,
     user_id TEXT NOT NULL, state TEXT NOT NULL CHECK (state IN ('pending', 'confirmed')), reserved_at INTEGER NOT NULL) STRICT;
   CREATE TABLE unknown_failures (k INTEGER PRIMARY KEY CHECK (k = 1), count INTEGER NOT NULL, locked_until INTEGER NOT NULL) STRICT;`,
  // 2: org deletion: a slug's object records the deletion of its org and the email claims left to free.
  deletion.DELETION_MIGRATION,
  // 3: people: a claim whose user is being removed (settled by asking the org, like a pending one).
  `ALTER TABLE claim ADD COLUMN releasing_at INTEGER;`,
  // 4: email change: a claim reserved for a user's new address carries its key (the object's own name), so
  // settling it asks whether the user holds the address, not only whether the user exists.
  `ALTER TABLE claim ADD COLUMN email_key TEXT;`,
  // 5: OpenID provider: a platform client, in the object named after its id (./oidc-client.ts).
  PLATFORM_CLIENT_MIGRATION,
  // 6: edge: when the last failure was counted, so the row expires a day later (or when its lock ends, if later).
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
    // An org deletion under way owns the alarm (it reschedules itself, and wakes this again when it ends).
    if (deletion.activeDeletion(this.sql)) return;
    const claim = this.row();
    const throttle = this.throttleRow();
    const times: number[] = [];
    if (throttle) times.push(expiresAt(throttle));
    if (claim?.state === "pending") times.push(claim.reserved_at + RESERVATION_STALE_SECONDS);
    if (!claim && !throttle && !this.holdsRecords()) times.push(nowSeconds() + EMPTY_GRACE_SECONDS);
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
    if (!this.row() && !this.throttleRow() && !this.holdsRecords()) {
      // Checked and emptied with no other event in between (storage calls keep the input gate closed).
      await this.ctx.storage.deleteAll();
      this.migrated = false;
      await this.ctx.storage.deleteAlarm();
      return;
    }
    await this.wakeToShed();
  }

  /** What must outlive every claim: an org deletion's record (the operator reads it) or a platform OpenID client. */
  private holdsRecords(): boolean {
    return deletion.latestDeletion(this.sql) !== undefined || this.sql.exec("SELECT 1 FROM oidc_client LIMIT 1").toArray().length > 0;
  }

  /** One alarm, two jobs: drive an org deletion while one is under way, else drop what has expired. */
  override async alarm(): Promise<void> {
    if (deletion.activeDeletion(this.sql)) {
      await this.driveDeletion();
      return;
    }
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
    const org = orgStub(this.env, row.org_slug, row.jurisdiction);
    const exists = row.email_key ? await org.holdsEmailKey(row.user_id, row.email_key) : await org.hasUser(row.user_id);
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

  /**
   * A claim whose user is being removed: dropped once the org says the user is gone (user ids are never reused,
   * so a gone user never comes back); kept, still marked, while the user exists, since the removal may yet land.
   */
  private async settleReleasing(row: ClaimRow): Promise<ClaimRow | undefined> {
    const exists = await orgStub(this.env, row.org_slug, row.jurisdiction).hasUser(row.user_id);
    const now = this.row();
    if (!now || now.user_id !== row.user_id || now.releasing_at === null) return now;
    if (exists) return now;
    this.sql.exec("DELETE FROM claim WHERE user_id = ?", row.user_id);
    return undefined;
  }

  /** The claim, with a releasing one settled first. */
  private async current(): Promise<ClaimRow | undefined> {
    const row = this.row();
    return row && row.releasing_at !== null ? this.settleReleasing(row) : row;
  }

  /** Drops a confirmed claim once its org says the user no longer holds this address; returns what is left. */
  private async settleMoved(row: ClaimRow, emailKey: string): Promise<ClaimRow | undefined> {
    const org = orgStub(this.env, row.org_slug, row.jurisdiction);
    if (await org.holdsEmailKey(row.user_id, emailKey)) return row;
    // A user who moved to another address, or one removed since (removal frees only the current address, so
    // an old one left by an unfinished change would stay taken for good). But while their org is being deleted
    // (its object erased: no org row), the deletion frees its addresses in its own order, as docs/api.md says.
    if (!(await org.hasUser(row.user_id)) && (await org.getOrg()) === null) return row;
    const now = this.row();
    if (!now || now.user_id !== row.user_id || now.state !== "confirmed") return now;
    this.sql.exec("DELETE FROM claim");
    return undefined;
  }

  /** Reserves the name for a user (or an org) being created; false when someone else holds it. */
  async reserve(claim: Claim): Promise<boolean> {
    let row = await this.current();
    if (row?.state === "pending" && row.user_id !== claim.userId) row = await this.settlePending(row);
    // A confirmed claim whose user no longer holds the address (a change of address that stopped before freeing
    // the old one) is healed here, when someone wants the address: asked, never assumed.
    if (row?.state === "confirmed" && claim.emailKey && row.user_id !== claim.userId) row = await this.settleMoved(row, claim.emailKey);
    if (row) return row.user_id === claim.userId && row.org_slug === claim.orgSlug;
    this.sql.exec(
      "INSERT INTO claim (k, org_slug, jurisdiction, user_id, state, reserved_at, email_key) VALUES (1, ?, ?, ?, 'pending', ?, ?)",
      claim.orgSlug,
      claim.jurisdiction,
      claim.userId,
      nowSeconds(),
      claim.emailKey ?? null,
    );
    await this.wakeToShed();
    return true;
  }

  /**
   * Frees the name of a user who moved to another address: only once their org says the user no longer holds
   * this one (`emailKey`, the object's own name), so a change that did not happen frees nothing. True when freed.
   */
  async releaseMoved(userId: string, emailKey: string): Promise<boolean> {
    const row = this.row();
    if (!row || row.user_id !== userId) return false;
    if (await orgStub(this.env, row.org_slug, row.jurisdiction).holdsEmailKey(userId, emailKey)) return false;
    this.sql.exec("DELETE FROM claim WHERE user_id = ?", userId);
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

  /**
   * Removal, step 1: marks this user's claim as being released; false when the name is not theirs. From here
   * the org's object decides: the claim goes once the user is gone, and stays while the user exists.
   */
  markReleasing(userId: string): boolean {
    return this.sql.exec("UPDATE claim SET releasing_at = ? WHERE user_id = ?", nowSeconds(), userId).rowsWritten > 0;
  }

  /**
   * Removal refused by the org: the claim is trusted again, if the user still exists (a concurrent removal may
   * have deleted them meanwhile, and then the claim goes).
   */
  async keepClaim(userId: string): Promise<void> {
    const row = this.row();
    if (!row || row.user_id !== userId || row.releasing_at === null) return;
    if (!(await this.settleReleasing(row))) return;
    this.sql.exec("UPDATE claim SET releasing_at = NULL WHERE user_id = ?", userId);
  }

  /**
   * Removal, step 3, called only once the org's object deleted the user: the name is free for anyone. Whatever
   * the claim's state, it belonged to a user who no longer exists (ids are never reused).
   */
  releaseRemoved(userId: string): void {
    this.sql.exec("DELETE FROM claim WHERE user_id = ?", userId);
  }

  /** Who owns the name, or null. A pending claim counts only once its org confirms it; a slug being deleted names no org. */
  /** Frees the name when its owner is gone (a passkey removed): a confirmed claim too, but only this user's. */
  drop(userId: string): void {
    this.sql.exec("DELETE FROM claim WHERE user_id = ?", userId);
  }

  /** Who owns the name, or null. A pending claim counts only once its org confirms it. */
  async lookup(): Promise<Claim | null> {
    if (deletion.activeDeletion(this.sql)) return null;
    let row = await this.current();
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

  // --- org deletion (on a slug's object; ./deletion.ts) ---

  /**
   * Starts deleting the org that holds this slug, or returns the deletion already under way. From here the slug
   * names no org (lookup) and cannot be taken (the claim stays until the last email is free). The alarm is the
   * safety net that erases the org's object and frees the claims if the caller dies before it does.
   */
  async beginDeletion(input: {
    requestedBy: string;
    ip: string | null;
  }): Promise<Result<deletion.DeletionStatus & { orgSlug: string; jurisdiction: string | null }, "not_found">> {
    let active = deletion.activeDeletion(this.sql);
    if (!active) {
      let row = this.row();
      if (row?.state === "pending") row = await this.settlePending(row);
      if (row?.state !== "confirmed") return fail("not_found");
      // settlePending awaited the org: look again, so two racing requests start one deletion.
      active = deletion.activeDeletion(this.sql);
      if (!active) {
        const now = nowMs();
        deletion.startDeletion(this.sql, { orgSlug: row.org_slug, jurisdiction: row.jurisdiction, ...input, now });
        await this.ctx.storage.setAlarm(now + ORG_DELETION_RETRY_MS);
        active = deletion.activeDeletion(this.sql) as deletion.DeletionRow;
        // The platform's record of the operator's act (Workers Logs); the org's own audit log is erased with it.
        console.log(JSON.stringify({ event: "org.deletion_requested", org: row.org_slug, by: input.requestedBy, ip: input.ip }));
      }
    }
    return ok({ ...deletion.statusOf(active), orgSlug: active.org_slug, jurisdiction: active.jurisdiction });
  }

  /**
   * Called by the org's object just before it erases itself: the claims to free once it is gone. False (and the
   * org must not erase) unless this exact org is being deleted, so no other path can make an org erase itself.
   */
  recordClaimsToFree(orgSlug: string, jurisdiction: string | null, claims: deletion.ClaimToFree[]): boolean {
    const active = deletion.activeDeletion(this.sql);
    if (active?.state !== "erasing" || active.org_slug !== orgSlug || active.jurisdiction !== jurisdiction) return false;
    this.ctx.storage.transactionSync(() => deletion.addClaimsToFree(this.sql, active.id, claims));
    return true;
  }

  /** The org's object is erased: free its claims from the alarm, in batches. */
  async orgErased(): Promise<void> {
    const active = deletion.activeDeletion(this.sql);
    if (active?.state !== "erasing") return;
    deletion.markErased(this.sql, active.id, nowMs());
    await this.ctx.storage.setAlarm(nowMs());
  }

  /** The slug's state for the operator: its org, or its latest deletion; null when it was never used. */
  async orgStatus(): Promise<{ claim: Claim | null; deletion: deletion.DeletionStatus | null }> {
    const latest = deletion.latestDeletion(this.sql);
    return { claim: await this.lookup(), deletion: latest ? deletion.statusOf(latest) : null };
  }

  /** On an email's object: frees the claim when it still belongs to that user of the deleted org (any state). */
  releaseDeletedClaim(orgSlug: string, jurisdiction: string | null, userId: string): void {
    this.sql.exec("DELETE FROM claim WHERE org_slug = ? AND jurisdiction IS ? AND user_id = ?", orgSlug, jurisdiction, userId);
  }

  /**
   * Drives a deletion to its end, one step per run, so a restart resumes where it stopped: erase the org's
   * object if that is not yet done, then free ORG_DELETION_BATCH email claims, then (none left) the slug.
   * A failure throws, and the runtime retries the alarm with backoff.
   */
  private async driveDeletion(): Promise<void> {
    const active = deletion.activeDeletion(this.sql);
    if (!active) return;
    if (active.state === "erasing") {
      if (!(await orgStub(this.env, active.org_slug, active.jurisdiction).eraseForDeletion())) {
        throw new Error("the org's object refused to erase itself");
      }
      deletion.markErased(this.sql, active.id, nowMs());
    }
    const batch = deletion.claimsToFree(this.sql, active.id, ORG_DELETION_BATCH);
    for (const c of batch) {
      await this.env.DIRECTORY.getByName(c.name).releaseDeletedClaim(active.org_slug, active.jurisdiction, c.userId);
      deletion.markFreed(this.sql, active.id, c.name);
    }
    if (batch.length === ORG_DELETION_BATCH) {
      await this.ctx.storage.setAlarm(nowMs());
      return;
    }
    this.ctx.storage.transactionSync(() => deletion.finishDeletion(this.sql, active.id, nowMs()));
    const done = deletion.latestDeletion(this.sql);
    console.log(JSON.stringify({ event: "org.deleted", org: active.org_slug, emailsFreed: done?.claims_freed ?? 0 }));
    await this.wakeToShed();
  }

  /** This object's platform OpenID client (it is named "oidc-client:<id>"); false when the id is taken. */
  registerPlatformClient(client: Omit<OidcClient, "orgSlug" | "createdBy">): boolean {
    return storePlatformClient(this.sql, client);
  }

  /** The live platform client this object holds, or null. */
  async platformClient(): Promise<OidcClient | null> {
    const client = readPlatformClient(this.sql);
    // A probe of a random client id made this object: let it be emptied like other attack traffic's.
    if (!client) await this.wakeToShed();
    return client;
  }

  revokePlatformClient(): boolean {
    return revokePlatformClientRow(this.sql, nowSeconds() * 1000);
  }
}
