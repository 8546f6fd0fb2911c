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
import * as email from "./actions/email";
import * as identity from "./actions/identity";
import * as invites from "./actions/invites";
import * as oidcClients from "./actions/oidc-clients";
import * as oidcTokens from "./actions/oidc-tokens";
import * as password from "./actions/password";
import * as pairing from "./actions/pairing";
import * as people from "./actions/people";
import * as passkeys from "./actions/passkeys";
import * as passwordless from "./actions/passwordless";
import * as signIn from "./actions/sign-in";
import * as stepUp from "./actions/step-up";
import * as twoFactor from "./actions/two-factor";
import { listEvents, trimEvents } from "./audit";
import { deleteOldChallenges } from "./challenges";
import { eraseInterrupted, eraseOrg } from "./erase";
import { checkFormId, deleteOldFormIds } from "./form-ids";
import { deleteOldWebauthnChallenges } from "./webauthn-challenges";
import { deleteOldPendingTotp } from "./totp-state";
import type { AuthorizeInput, NewOidcClient, RedeemCodeInput, RefreshInput } from "./oidc-rpc";
import { deleteOldOidcRows } from "./oidc-store";
import { ORG_MIGRATIONS } from "./migrations";
import { listDevOutbox, listOutbox, nextMailAt, trimOutbox } from "./outbox";
import { deleteOldPairings } from "./pairing";
import { deleteOldEmailLinks } from "./email-links";
import { deleteOldInvites } from "./invites";
import { recoveryStatus } from "./recovery-codes";
import type {
  BeginEnrollmentVia,
  BeginPasskeyInput,
  FinishPasskeyInput,
  PasskeyChangeInput,
  PasskeyOptionsInput,
  PasskeyStepInput,
  PasswordlessInput,
  RenamePasskeyInput,
  ChallengeStepInput,
  ChangePasswordInput,
  ConfirmEnrollmentInput,
  CreateApiKeyInput,
  CreateUserInput,
  DisableInput,
  FactorChangeInput,
  InitializeOrgInput,
  RequestMeta,
  IssuePairingLinkInput,
  AcceptInviteInput,
  CreateInviteInput,
  EmailChangeInput,
  ResendInviteInput,
  AuditActor,
  OrgRpc,
  PasswordAttempt,
  PasswordOutcome,
  RegenerateInput,
  RevokeApiKeyInput,
  StepUpInput,
  StepUpOptionsInput,
  UpdateSettingsInput,
} from "./rpc";
import { deleteExpiredSessions, sessionPolicy } from "./sessions";
import { readOrg } from "./settings";
import type { Store } from "./store";
import { patchUser } from "./actions/user-patch";
import type { PatchUserInput, PeopleChange, RevokeSessionsInput } from "./people-rpc";
import { countActiveAdmins, countUsers, findUser, pageUsers, type UserPageQuery, usersById } from "./users";

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
      // An erase for an org deletion began and did not finish: finish it before serving anyone (./erase.ts).
      if (await eraseInterrupted(ctx.storage)) await eraseOrg(ctx.storage, env);
    });
  }

  /**
   * One alarm, two jobs: housekeeping every 6 h (audit retention, dead sessions, challenges, links, old mail)
   * and sending due mail. It re-arms for whichever comes first. Send failures are recorded per message, never
   * thrown, so Cloudflare's own alarm retry is kept for real faults.
   */
  override async alarm(): Promise<void> {
    // No org (never created, or erased by an org deletion): nothing to keep or send, and no reason to wake again.
    if (!readOrg(this.store.sql)) return;
    const now = nowMs();
    let housekeepingAt = (await this.ctx.storage.get<number>(HOUSEKEEPING_AT_KEY)) ?? 0;
    if (now >= housekeepingAt) {
      this.store.tx(() => {
        trimEvents(this.store.sql, now);
        deleteExpiredSessions(this.store.sql, now, sessionPolicy(this.env));
        deleteOldChallenges(this.store.sql, now);
        deleteOldWebauthnChallenges(this.store.sql, now);
        deleteOldPendingTotp(this.store.sql, now);
        deleteOldPairings(this.store.sql, now);
        deleteOldInvites(this.store.sql, now);
        deleteOldEmailLinks(this.store.sql, now);
        trimOutbox(this.store.sql, now);
        deleteOldOidcRows(this.store.sql, now);
        deleteOldFormIds(this.store.sql, now);
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

  /**
   * Org deletion: erases everything this object holds once the slug's directory object confirms the deletion
   * (./erase.ts); false when it does not. Nothing else runs meanwhile, so no user slips in before the erase.
   */
  eraseForDeletion(): Promise<boolean> {
    return this.ctx.blockConcurrencyWhile(() => eraseOrg(this.ctx.storage, this.env));
  }

  createUser(input: CreateUserInput) {
    // Mails the verification link when one is given.
    return this.mailing(admin.createUser(this.store, input));
  }

  changePassword(input: ChangePasswordInput) {
    return this.mailing(password.changePassword(this.store, input));
  }

  usersById(ids: string[]) {
    return usersById(this.store.sql, ids);
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

  /** Passkey options for the second step, bound to the sign-in's challenge. */
  passkeyStepOptions(input: PasskeyOptionsInput) {
    return signIn.passkeyStepOptions(this.store, input);
  }

  completePasskeyStep(input: PasskeyStepInput) {
    return this.mailing(signIn.completePasskeyStep(this.store, input));
  }

  /** A whole sign-in with a discoverable passkey (the directory named this user for its credential id). */
  completePasswordlessSignIn(input: PasswordlessInput) {
    return this.mailing(passwordless.completePasswordlessSignIn(this.store, input));
  }

  authenticateSession(tokenHash: string) {
    return identity.authenticateSession(this.store, tokenHash);
  }

  authenticateApiKey(keyHash: string) {
    return identity.authenticateApiKey(this.store, keyHash);
  }

  logout(tokenHash: string, meta?: RequestMeta): void {
    identity.logout(this.store, tokenHash, meta);
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

  /** Step-up: checks a current code, a passkey (or, without 2FA, the password) for a live session, which becomes fresh. */
  stepUp(input: StepUpInput) {
    return this.mailing(stepUp.stepUp(this.store, input));
  }

  /** Options for a passkey step-up, bound to the user and the asking session. */
  stepUpPasskeyOptions(input: StepUpOptionsInput) {
    return stepUp.stepUpPasskeyOptions(this.store, input);
  }

  // --- passkeys ---

  beginPasskeyRegistration(input: BeginPasskeyInput) {
    return passkeys.beginPasskeyRegistration(this.store, input);
  }

  finishPasskeyRegistration(input: FinishPasskeyInput) {
    return this.mailing(passkeys.finishPasskeyRegistration(this.store, input));
  }

  listPasskeys(userId: string) {
    return passkeys.listPasskeys(this.store, userId);
  }

  /** The methods the second step offers this user (the pages show only those). */
  secondStepMethods(userId: string) {
    return signIn.secondStepMethods(this.store.sql, userId);
  }

  renamePasskey(input: RenamePasskeyInput) {
    return passkeys.renamePasskey(this.store, input);
  }

  /** Removes one passkey; the caller checked step-up. */
  removePasskey(input: PasskeyChangeInput) {
    return this.mailing(passkeys.removePasskey(this.store, input));
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

  /**
   * A page of users, how many the org has (one counter row) and how many active admins (a partial index), so the
   * Users page can say the one and offer "Make technician" only where the org keeps another admin.
   */
  userPage(query: UserPageQuery) {
    const sql = this.store.sql;
    return { ...pageUsers(sql, query), total: countUsers(sql).total, activeAdmins: countActiveAdmins(sql) };
  }

  createApiKey(input: CreateApiKeyInput) {
    return apiKeys.createApiKey(this.store, input);
  }

  checkFormId(formId: string) {
    return checkFormId(this.store.sql, formId, nowMs());
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

  // --- people: deactivation, removal, sessions ---

  /** The user's public fields, or null: read before a removal, to find the email's directory claim. */
  userInfo(userId: string) {
    const user = findUser(this.store.sql, userId);
    return user ? { id: user.id, email: user.email, name: user.name, role: user.role } : null;
  }

  setUserActive(input: PeopleChange & { active: boolean }) {
    return this.mailing(people.setActive(this.store, input));
  }

  /** Role, name and active together, all or nothing (PATCH /api/org/users/{id}). */
  patchUser(input: PatchUserInput) {
    return this.mailing(patchUser(this.store, input));
  }

  /** Removes the user and every credential of theirs in one transaction; the caller then frees the email. */
  removeUser(input: PeopleChange) {
    return this.mailing(people.removeUser(this.store, input));
  }

  revokeSessionsOf(input: RevokeSessionsInput) {
    return this.mailing(people.revokeSessionsOf(this.store, input));
  }

  listSessions(userId: string, currentTokenHash: string) {
    return people.listSessions(this.store, userId, currentTokenHash);
  }

  endOwnSessions(input: { userId: string; currentTokenHash: string; sessionId?: string; meta: RequestMeta }) {
    return people.endOwnSessions(this.store, input);
  }

  // --- invites and email addresses ---

  /** Invites an email with a role and mails the link (an admin invite: step-up, never a key). */
  createInvite(input: CreateInviteInput) {
    return this.mailing(invites.createInvite(this.store, input));
  }

  /** A new link for a pending invite; the old one dies. */
  resendInvite(input: ResendInviteInput) {
    return this.mailing(invites.resendInvite(this.store, input));
  }

  revokeInvite(input: { id: string; actor: AuditActor; meta: RequestMeta }) {
    return invites.revokeInvite(this.store, input);
  }

  listInvites() {
    return invites.listInvites(this.store);
  }

  inviteByToken(tokenHash: string) {
    return invites.inviteByToken(this.store, tokenHash);
  }

  /** Creates the invitee's account, spends the invite and starts the sign-in, in one transaction. */
  async acceptInvite(input: AcceptInviteInput) {
    return invites.acceptInvite(this.store, input);
  }

  /** Mails a link to the new address and a notice to the old one; nothing changes until the link is followed. */
  requestEmailChange(input: EmailChangeInput) {
    return this.mailing(email.requestEmailChange(this.store, input));
  }

  emailLinkOf(tokenHash: string) {
    return email.emailLinkOf(this.store, tokenHash);
  }

  /** Follows a verification or change-of-address link. */
  followEmailLink(input: { tokenHash: string; meta: RequestMeta }) {
    return this.mailing(email.followEmailLink(this.store, input));
  }

  /** The directory's question when it settles a claim for a change of address. */
  holdsEmailKey(userId: string, key: string) {
    return email.holdsEmailKey(this.store, userId, key);
  }

  // --- OpenID provider (actions/oidc-clients.ts, actions/oidc-tokens.ts) ---

  registerOidcClient(input: NewOidcClient) {
    return oidcClients.registerClient(this.store, input);
  }

  listOidcClients() {
    return oidcClients.listOrgClients(this.store);
  }

  revokeOidcClient(input: { id: string; actor: AuditActor; meta: RequestMeta }) {
    return oidcClients.revokeClient(this.store, input);
  }

  oidcClient(id: string) {
    return oidcClients.liveClient(this.store, id);
  }

  issueAuthCode(input: AuthorizeInput) {
    return oidcTokens.issueAuthCode(this.store, input);
  }

  redeemAuthCode(input: RedeemCodeInput) {
    return oidcTokens.redeemAuthCode(this.store, input);
  }

  refreshGrant(input: RefreshInput) {
    return oidcTokens.refreshGrant(this.store, input);
  }

  grantClaims(grantId: string, userId: string) {
    return oidcTokens.grantClaims(this.store, grantId, userId);
  }

  revokeOidcToken(input: { refreshHash?: string; grantId?: string; clientId: string; meta: RequestMeta }) {
    oidcTokens.revokeToken(this.store, input);
  }

  endOidcSession(input: { sessionHash: string; meta: RequestMeta }) {
    oidcTokens.endSession(this.store, input);
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
