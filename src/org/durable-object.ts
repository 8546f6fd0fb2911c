// One object per org (SQLite storage): the org's users, sessions, 2FA state and audit log, with strong
// consistency. Public methods are the RPC API, one per user action, each one transaction; the work is in
// ./actions. Expected failures come back as Result values (a thrown error would lose all but its message).
import { DurableObject } from "cloudflare:workers";
import { nowMs } from "../clock";
import type { Env } from "../env";
import type { Sealed } from "../crypto/secret-box";
import { deliverDue } from "../mail/deliver";
import { chooseTransport, type MailTransport } from "../mail/transport";
import { applyMigrations } from "../storage/migrate";
import * as admin from "./actions/admin";
import * as apiKeys from "./actions/api-keys";
import * as identity from "./actions/identity";
import * as password from "./actions/password";
import * as pairing from "./actions/pairing";
import * as signIn from "./actions/sign-in";
import * as stepUp from "./actions/step-up";
import * as twoFactor from "./actions/two-factor";
import { listEvents, trimEvents } from "./audit";
import { deleteOldChallenges } from "./challenges";
import { deleteOldPendingTotp } from "./totp-state";
import { ORG_MIGRATIONS } from "./migrations";
import { listDevOutbox, listOutbox, nextMailAt, trimOutbox } from "./outbox";
import { deleteOldPairings } from "./pairing";
import { recoveryStatus } from "./recovery-codes";
import type {
  BeginEnrollmentVia,
  ChallengeStepInput,
  ChangePasswordInput,
  ChangeRoleInput,
  ConfirmEnrollmentInput,
  CreateApiKeyInput,
  CreateUserInput,
  DisableInput,
  FactorChangeInput,
  InitializeOrgInput,
  IssuePairingLinkInput,
  OrgRpc,
  PasswordAttempt,
  PasswordOutcome,
  RegenerateInput,
  RevokeApiKeyInput,
  StepUpInput,
  UpdateSettingsInput,
} from "./rpc";
import { deleteExpiredSessions, sessionPolicy } from "./sessions";
import { readOrg } from "./settings";
import type { Store } from "./store";
import { findUser, listUsers, pageUsers, type UserPageQuery } from "./users";

/** Housekeeping (audit retention, dead sessions and challenges) runs this often from the alarm. */
const HOUSEKEEPING_INTERVAL_MS = 6 * 3_600_000;
/** Storage key of the next housekeeping time: the one alarm also wakes for mail, much more often. */
const HOUSEKEEPING_AT_KEY = "housekeepingAt";

export class OrgDurableObject extends DurableObject<Env> implements OrgRpc {
  private readonly store: Store;
  /** Set through useMailTransport (a test seam) to simulate an outage or record what is sent. */
  private mailTransportOverride: MailTransport | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = { sql: ctx.storage.sql, env, tx: (fn) => ctx.storage.transactionSync(fn) };
    ctx.blockConcurrencyWhile(async () => {
      applyMigrations(ctx.storage, ORG_MIGRATIONS);
    });
  }

  /**
   * One alarm, two jobs: housekeeping every 6 h (audit retention, dead sessions, challenges, links, old mail)
   * and sending due mail. It re-arms for whichever comes first. Send failures are recorded per message, never
   * thrown, so Cloudflare's own alarm retry is kept for real faults.
   */
  override async alarm(): Promise<void> {
    const now = nowMs();
    let housekeepingAt = (await this.ctx.storage.get<number>(HOUSEKEEPING_AT_KEY)) ?? 0;
    if (now >= housekeepingAt) {
      this.store.tx(() => {
        trimEvents(this.store.sql, now);
        deleteExpiredSessions(this.store.sql, now, sessionPolicy(this.env));
        deleteOldChallenges(this.store.sql, now);
        deleteOldPendingTotp(this.store.sql, now);
        deleteOldPairings(this.store.sql, now);
        trimOutbox(this.store.sql, now);
      });
      housekeepingAt = now + HOUSEKEEPING_INTERVAL_MS;
      await this.ctx.storage.put(HOUSEKEEPING_AT_KEY, housekeepingAt);
    }
    const transport = this.mailTransportOverride ?? chooseTransport(this.env, this.store.sql, nowMs);
    await deliverDue(this.env, this.store.sql, transport, readOrg(this.store.sql)?.slug ?? "org", nowMs);
    await this.ctx.storage.setAlarm(Math.min(housekeepingAt, nextMailAt(this.store.sql) ?? Number.POSITIVE_INFINITY));
  }

  /**
   * Brings the alarm forward when mail is waiting. Runs after the action's transaction: if the object died in
   * between, the message is still in the outbox and goes out with the next housekeeping alarm at the latest.
   */
  private async wakeForMail(): Promise<void> {
    const due = nextMailAt(this.store.sql);
    if (due === null) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || due < current) await this.ctx.storage.setAlarm(due);
  }

  /** Runs an action that may queue mail, then makes sure the alarm will send it. */
  private async mailing<T>(result: T | Promise<T>): Promise<T> {
    const value = await result;
    await this.wakeForMail();
    return value;
  }

  private async ensureAlarm(): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(nowMs() + HOUSEKEEPING_INTERVAL_MS);
  }

  // --- lifecycle and users ---

  async initialize(input: InitializeOrgInput) {
    const result = admin.initializeOrg(this.store, input);
    if (result.ok) await this.ensureAlarm();
    return result;
  }

  /** Whether the user exists; with an empty id, whether the org exists. The directory's source of truth. */
  hasUser(userId: string): boolean {
    return userId === "" ? !!readOrg(this.store.sql) : !!findUser(this.store.sql, userId);
  }

  getOrg() {
    return readOrg(this.store.sql) ?? null;
  }

  createUser(input: CreateUserInput) {
    return admin.createUser(this.store, input);
  }

  changePassword(input: ChangePasswordInput) {
    return this.mailing(password.changePassword(this.store, input));
  }

  changeRole(input: ChangeRoleInput) {
    return admin.changeRole(this.store, input);
  }

  listUsers() {
    return listUsers(this.store.sql);
  }

  /** What the edge needs to check a password: the stored hash only. */
  passwordHashOf(userId: string): string | null {
    return findUser(this.store.sql, userId)?.password_hash ?? null;
  }

  // --- sign-in ---

  attemptPassword(input: PasswordAttempt) {
    return this.mailing(signIn.attemptPassword(this.store, input));
  }

  completePasswordStep(input: PasswordOutcome) {
    // Any failure may lock the account, and a lock mails the user: make sure the alarm will send it.
    return this.mailing(signIn.completePasswordStep(this.store, input));
  }

  completeTotpStep(input: ChallengeStepInput) {
    return this.mailing(signIn.completeTotpStep(this.store, input));
  }

  completeRecoveryStep(input: ChallengeStepInput) {
    return this.mailing(signIn.completeRecoveryStep(this.store, input));
  }

  authenticateSession(tokenHash: string) {
    return identity.authenticateSession(this.store, tokenHash);
  }

  authenticateApiKey(keyHash: string) {
    return identity.authenticateApiKey(this.store, keyHash);
  }

  logout(tokenHash: string): void {
    identity.logout(this.store, tokenHash);
  }

  // --- two-factor ---

  beginEnrollment(userId: string, sealed: Sealed, via: BeginEnrollmentVia) {
    return this.mailing(twoFactor.beginEnrollment(this.store, userId, sealed, via));
  }

  confirmEnrollment(input: ConfirmEnrollmentInput) {
    return this.mailing(twoFactor.confirmEnrollment(this.store, input));
  }

  recoveryCodesStatus(userId: string) {
    return recoveryStatus(this.store.sql, userId);
  }

  regenerateRecoveryCodes(input: RegenerateInput) {
    return this.mailing(twoFactor.regenerateRecoveryCodes(this.store, input));
  }

  disableTwoFactor(input: DisableInput) {
    return this.mailing(twoFactor.disableTwoFactor(this.store, input));
  }

  resetTwoFactor(input: FactorChangeInput) {
    return this.mailing(twoFactor.resetTwoFactor(this.store, input));
  }

  /** Step-up: checks a current code (or, without 2FA, the password) for a live session, which becomes fresh. */
  stepUp(input: StepUpInput) {
    return this.mailing(stepUp.stepUp(this.store, input));
  }

  // --- pairing links and mail ---

  /** Emails a pairing link to a user who has not enrolled; "skipped" otherwise (callers answer the same). */
  issuePairingLink(input: IssuePairingLinkInput) {
    return this.mailing(pairing.issuePairingLink(this.store, input));
  }

  pairingOwner(tokenHash: string) {
    return pairing.pairingOwner(this.store, tokenHash);
  }

  /** The outbox, newest first (no links: they are sealed until sent, then scrubbed). */
  mailOutbox(limit?: number) {
    return listOutbox(this.store.sql, limit);
  }

  /** What the development transport "delivered" (DEV_MODE only; the route checks the flag). */
  devOutbox(limit?: number) {
    return listDevOutbox(this.store.sql, limit);
  }

  // --- administration ---

  updateSettings(input: UpdateSettingsInput) {
    return this.mailing(admin.updateSettings(this.store, input));
  }

  compliance(page?: Omit<UserPageQuery, "notEnrolled">) {
    return admin.compliance(this.store, page);
  }

  userPage(query: UserPageQuery) {
    return pageUsers(this.store.sql, query);
  }

  createApiKey(input: CreateApiKeyInput) {
    return apiKeys.createApiKey(this.store, input);
  }

  listApiKeys() {
    return apiKeys.listApiKeys(this.store.sql);
  }

  revokeApiKey(input: RevokeApiKeyInput) {
    return apiKeys.revokeApiKey(this.store, input);
  }

  /** Lifts a user's locks, the lasting one included (not one's own; an admin's only with step-up). */
  unlockUser(input: FactorChangeInput) {
    return admin.unlockUser(this.store, input);
  }

  auditEvents(limit: number, before?: number) {
    return listEvents(this.store.sql, limit, before);
  }

  /**
   * Test seams (tests and the benchmark only): the Worker never calls them, and outside a runtime started with
   * TEST_SEAMS=true (vitest.config.ts, bench/lib/workers.mjs) they refuse, so no deployment can be driven by them.
   */
  private assertTestSeams(): void {
    if (this.env.TEST_SEAMS !== "true") throw new Error("This is a test seam, not available in this deployment.");
  }

  /** Test seam: replaces the mail transport (an outage, a recorder). */
  useMailTransport(transport: MailTransport): void {
    this.assertTestSeams();
    this.mailTransportOverride = transport;
  }

  /**
   * Test seam: the benchmark's big org. Adds `count` technicians in one transaction, every other one with a TOTP
   * row; none can sign in (their password hash is not a hash) and none holds a usable secret.
   */
  seedUsers(count: number, prefix: string): void {
    this.assertTestSeams();
    const sql = this.store.sql;
    const now = nowMs();
    this.ctx.storage.transactionSync(() => {
      for (let i = 0; i < count; i++) {
        const id = `usr_${prefix}${i}`;
        sql.exec(
          "INSERT INTO users (id, email, name, role, password_hash, created_at) VALUES (?, ?, ?, 'technician', 'seeded', ?)",
          id,
          `${prefix}-${i}@seeded.bench.test`,
          `Seeded ${prefix} ${i}`,
          now,
        );
        if (i % 2 === 0)
          sql.exec(
            "INSERT INTO totp (user_id, key_id, ciphertext, period, confirmed_at, last_step) VALUES (?, 'seed', 'seeded', 30, ?, 0)",
            id,
            now,
          );
      }
    });
  }

  /** Test seam: footprint figures for the benchmark: database bytes and row counts. No secrets. */
  storageStats() {
    this.assertTestSeams();
    const count = (table: string) => this.store.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).one().n;
    return {
      databaseBytes: this.ctx.storage.sql.databaseSize,
      users: count("users"),
      auditEvents: count("audit"),
      sessions: count("sessions"),
    };
  }
}
