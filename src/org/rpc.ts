// The org object's RPC boundary, declared in one place: every method's input and output. The Worker (flows/,
// routes/, http/) and the pages see the object only through these types; the object's class implements OrgRpc,
// so a method whose signature drifts from its declaration here does not compile.
import type { Sealed } from "../crypto/secret-box";
import type { AuditEvent, AuditType } from "./audit";
import type { ApiKeyInfo } from "./api-keys";
import type { OidcClientInfo, OidcRpc } from "./oidc-rpc";
import type { DevMail, OutboxEntry } from "./outbox";
import type { RecoveryStatus } from "./recovery-codes";
import type { FormIdRefusal } from "./form-ids";
import type { OrgSettings } from "./settings";
import type {
  AccessFailure,
  Audited,
  AuditActor,
  Caller,
  LoginStep,
  OrgInfo,
  Reason,
  RequestMeta,
  Result,
  Role,
  SecondStepMethod,
  UserInfo,
} from "./results";
import type { UserListEntry, UserPage, UserPageQuery } from "./users";
import type { InviteInfo } from "./invites";
import type {
  AcceptInviteInput,
  CreateInviteFailure,
  CreateInviteInput,
  EmailChangeInput,
  MailLink,
  NewUser,
  PatchUserInput,
  PeopleChange,
  PeopleFailure,
  ResendInviteInput,
  RevokeSessionsInput,
  SessionEntry,
} from "./people-rpc";
import type { PasskeyInfo } from "./passkeys";
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
  RelyingParty,
} from "../webauthn";

export type {
  OidcClientInfo,
  PasskeyInfo,
  ApiKeyInfo,
  AuditActor,
  AuditEvent,
  AuditType,
  Caller,
  DevMail,
  LoginStep,
  OrgInfo,
  OutboxEntry,
  Reason,
  RecoveryStatus,
  PeopleChange,
  RequestMeta,
  Result,
  Role,
  SessionEntry,
  UserInfo,
  UserListEntry,
  InviteInfo,
  AcceptInviteInput,
  CreateInviteInput,
  ResendInviteInput,
  EmailChangeInput,
  MailLink,
  AccessFailure,
  NewUser,
  PeopleFailure,
};

/** Refusals of the locks (actions/failures.ts). */
export type LockFailure = "too_many_attempts" | "account_locked";

/** Who is calling, as a session or key proved it (actions/identity.ts). */
export interface Identity {
  user: UserInfo;
  org: OrgInfo;
  twoFactor: { enabled: boolean; recoveryCodesRemaining: number; period: number | null; passkeys: number };
  /** The owner followed a link mailed to the address, or accepted an invite sent to it. */
  emailVerified: boolean;
  /** Set for a session: when it began, and when a factor was last checked for it (sign-in or step-up). */
  session?: { createdAt: number; verifiedAt: number };
  /** Set for an API key: the key acts with its own role on behalf of the admin who made it. */
  apiKey?: { id: string; name: string; role: Role };
}

export interface Compliance {
  required: boolean;
  enrolled: number;
  total: number;
  /** `active` is false while deactivated: counted with the org, but not someone to chase for an enrollment. */
  notEnrolled: { id: string; email: string; name: string; lastLoginAt: string | null; active: boolean }[];
  /** The cursor of notEnrolled's next page, or null. */
  nextCursor: string | null;
  /** "Require phishing-resistant sign-in": whether it is on, and the active users without a passkey (first 100). */
  phishingResistant: { required: boolean; withoutPasskey: { id: string; email: string; name: string }[]; withoutPasskeyCount: number };
}

export interface InitializeOrgInput extends Audited {
  slug: string;
  name: string;
  jurisdiction: string | null;
  admin: NewUser;
}

export interface CreateUserInput extends Audited {
  user: NewUser;
  caller: Caller;
  /** The link that will verify the new user's address, mailed in the same transaction. */
  verification?: MailLink;
}

export interface ChangeRoleInput extends Audited {
  userId: string;
  role: Role;
  caller: Caller;
  /** The caller's session (its hash) and the new token's hash that replaces it if they change their own role. */
  rotate?: { from: string; tokenHash: string };
}

export interface ChangePasswordInput {
  userId: string;
  /** The stored hash the current password was checked against at the edge, and the outcome. */
  checkedHash: string;
  currentOk: boolean;
  newHash: string;
  keepSession: string;
  meta: RequestMeta;
}

/** Outcome of the password step, computed at the edge and decided inside the org's object. */
export interface PasswordOutcome {
  userId: string;
  /** The password matched and, when an operator code was given, it names this org. */
  passed: boolean;
  /** Why it failed, for the audit log only (the caller always answers the same 401). */
  failure?: "wrong_password" | "wrong_org";
  checkedHash: string;
  /** A stronger hash of the same password, when the stored one uses an older cost. */
  rehash?: string;
  sessionTokenHash: string;
  meta: RequestMeta;
  /** An application asked for MFA (OpenID acr_values): without a second factor, enrollment comes first. */
  requireSecondFactor?: boolean;
}

/** The password step decided in one call (attemptPassword): the password hashed at the edge with the user's salt. */
export interface PasswordAttempt {
  userId: string;
  /** hashPassword(pepper, password, current cost, userId): compared with the stored hash in constant time. */
  candidate: string;
  /** The operator code, when given, names this org. */
  orgOk: boolean;
  sessionTokenHash: string;
  meta: RequestMeta;
  /** An application asked for MFA (OpenID acr_values): a user without a second factor enrolls first. */
  requireSecondFactor?: boolean;
}

/** attemptPassword's answer: the step, or the stored hash (null: no such user) when it is not in the candidate's form. */
export type PasswordAttemptStep = LoginStep | { status: "check_at_edge"; hash: string | null };

/** The second step of a sign-in; `code` is a TOTP code, or a recovery code's keyed hash (made at the edge). */
export interface ChallengeStepInput {
  challengeId: string;
  userId: string;
  code: string;
  sessionTokenHash: string;
  meta: RequestMeta;
}

/** Setup through an emailed link: the link's token hash and the account's password as checked at the edge. */
export interface PairingSetup {
  pairing: string;
  checkedHash: string;
  passed: boolean;
  meta: RequestMeta;
}

/** How a setup starts: a signed-in session (step-up checked), a forced-enrollment challenge, or a link. */
/** `session`: the token hash of the signed-in session that asks (it must still stand: actions/access.ts refuseClosedSession). */
export type BeginEnrollmentVia = { session: string } | { challengeId: string } | PairingSetup;

/**
 * How enrollment is confirmed: a signed-in session (replaced by a new one), the challenge of a forced enrollment
 * at sign-in, or an emailed pairing link (its token's hash), which starts no session.
 */
export type EnrollmentVia =
  | { session: string; newSessionTokenHash: string }
  | { challengeId: string; newSessionTokenHash: string }
  | { pairing: string };

/** Why confirming an authenticator app's first code refused it. */
export type ConfirmEnrollmentFailure =
  | "invalid_code"
  | "invalid_challenge"
  | "invalid_pairing"
  | "already_enrolled"
  | "not_pending"
  | LockFailure
  | "unavailable"
  | "passkey_required";

export interface ConfirmEnrollmentInput {
  userId: string;
  code: string;
  recoveryCodeHashes: string[];
  via: EnrollmentVia;
  meta: RequestMeta;
}

export interface RegenerateInput {
  userId: string;
  /** A current TOTP code, or (passkey) an assertion answering the session's step-up options. */
  code?: string;
  passkey?: { response: AuthenticationResponseJSON; rp: RelyingParty; sessionTokenHash: string };
  recoveryCodeHashes: string[];
  /** The Account page form's single-use id (form-ids.ts), spent with the new set; the JSON API sends none. */
  formId?: string;
  meta: RequestMeta;
}

export interface DisableInput {
  userId: string;
  code: string;
  keepSession?: string;
  meta: RequestMeta;
}

/** A reset or an unlock of someone's factors, by an admin, a key or support (actions/access.ts decides). */
export interface FactorChangeInput extends Audited {
  userId: string;
  caller: Caller;
}

/**
 * Step-up proof: a current code, a passkey assertion answering this session's step-up options (verified for `rp`),
 * or (without 2FA) the password as checked at the edge.
 */
export type StepUpProof =
  | { code: string }
  | { webauthn: AuthenticationResponseJSON; rp: RelyingParty }
  | { checkedHash: string; passed: boolean };

/** Passkey step-up options: bound to the user and to the session that asks (its token's hash). */
export interface StepUpOptionsInput {
  userId: string;
  sessionTokenHash: string;
  rp: RelyingParty;
}

/**
 * What a step-up is for. "enroll": setting up an app, "enroll_passkey": adding a passkey; either is all a password may
 * step up to where the org requires 2FA, and only the passkey is what a code may where it requires phishing-resistant
 * sign-in. "act": anything else.
 */
export type StepUpPurpose = "enroll" | "enroll_passkey" | "act";

export interface StepUpInput {
  userId: string;
  sessionTokenHash: string;
  proof: StepUpProof;
  purpose: StepUpPurpose;
  meta: RequestMeta;
}

export interface IssuePairingLinkInput extends Audited {
  userId: string;
  tokenHash: string;
  sealedLink: Sealed;
}

export interface UpdateSettingsInput extends Audited {
  caller: Caller;
  require2fa?: boolean;
  requirePhishingResistant?: boolean;
  totpPeriod?: number;
}

export interface CreateApiKeyInput extends Audited {
  id: string;
  keyHash: string;
  name: string;
  role: Role;
  createdBy: string;
  expiresInDays: number;
  /** The page form's single-use id (form-ids.ts), spent with the key; the JSON API sends none. */
  formId?: string;
  /** The creating session (none for support): it must still stand as the edge saw it (sessions.ts sessionStillOpen). */
  sessionTokenHash?: string;
}

export interface RevokeApiKeyInput extends Audited {
  id: string;
}

/** Passkeys: the relying party (config.ts, or the request's host locally) travels with every ceremony. */
export interface BeginPasskeyInput {
  userId: string;
  rp: RelyingParty;
  /** Enrollment at sign-in (an org that requires phishing-resistant sign-in): the live "enroll" challenge. */
  enrollChallengeId?: string;
  /** Or the signed-in session that asks: it must still stand as the edge saw it (sessions.ts sessionStillOpen). */
  sessionTokenHash?: string;
}

export interface FinishPasskeyInput {
  userId: string;
  rp: RelyingParty;
  response: RegistrationResponseJSON;
  name: string;
  /** Stored only when this passkey is the user's first second factor (keyed hashes, made at the edge). */
  recoveryCodeHashes: string[];
  /** The session that adds it: it must still stand (sessions.ts sessionStillOpen); a first factor replaces it. */
  keepSession: string;
  /**
   * The session this request may start: at a sign-in's enrollment, always; from a session, only when this passkey is
   * the user's first second factor (it replaces the asking session).
   */
  newSessionTokenHash: string;
  /** Enrollment at sign-in: the "enroll" challenge it answers, spent with the insert. */
  via?: { challengeId: string };
  meta: RequestMeta;
}

export interface RenamePasskeyInput {
  userId: string;
  id: string;
  name: string;
  meta: RequestMeta;
}

export interface PasskeyChangeInput {
  userId: string;
  id: string;
  meta: RequestMeta;
  /** The session that removes it: kept when the last second factor goes and the user's other sessions end. */
  keepSession: string;
}

export interface PasskeyOptionsInput {
  challengeId: string;
  userId: string;
  rp: RelyingParty;
}

export interface PasskeyStepInput {
  challengeId: string;
  userId: string;
  rp: RelyingParty;
  response: AuthenticationResponseJSON;
  sessionTokenHash: string;
  meta: RequestMeta;
}

/** A passwordless sign-in: the user the directory named for the credential, and the edge-made challenge's expiry. */
export interface PasswordlessInput {
  userId: string;
  rp: RelyingParty;
  response: AuthenticationResponseJSON;
  challenge: string;
  expiresAt: number;
  sessionTokenHash: string;
  meta: RequestMeta;
}

export type CodeFailure = "invalid_code" | "not_enrolled" | LockFailure | "unavailable";
type PasswordFailure = "invalid_credentials" | "account_deactivated" | LockFailure;
type ChallengeFailure = "invalid_challenge" | "invalid_code" | LockFailure | "unavailable" | "passkey_required";
/** Where the org requires phishing-resistant sign-in, a code leads a member without a passkey to enroll one. */
export type PasskeyEnrollmentStep = { status: "enrollment_required"; challengeId: string; expiresAt: number };

/** Every method the Worker may call on an org's object, with what it takes and gives. */
export interface OrgRpc extends OidcRpc {
  initialize(input: InitializeOrgInput): Promise<Result<null, "org_exists">>;
  hasUser(userId: string): boolean;
  getOrg(): OrgInfo | null;
  createUser(input: CreateUserInput): Promise<Result<UserInfo, "email_taken" | "not_found" | AccessFailure>>;
  changePassword(input: ChangePasswordInput): Promise<Result<null, PasswordFailure | "not_found" | "step_up_required">>;
  patchUser(input: PatchUserInput): Promise<Result<{ user: UserInfo & { active: boolean }; rotated: boolean }, PeopleFailure>>;
  usersById(ids: string[]): UserListEntry[];
  passwordHashOf(userId: string): string | null;
  attemptPassword(input: PasswordAttempt): Promise<Result<PasswordAttemptStep, PasswordFailure>>;
  completePasswordStep(input: PasswordOutcome): Promise<Result<LoginStep, PasswordFailure>>;
  completeTotpStep(input: ChallengeStepInput): Promise<Result<null | PasskeyEnrollmentStep, ChallengeFailure>>;
  completeRecoveryStep(input: ChallengeStepInput): Promise<Result<{ remaining: number } | PasskeyEnrollmentStep, ChallengeFailure>>;
  authenticateSession(tokenHash: string): Identity | null;
  authenticateApiKey(keyHash: string): Identity | null;
  /** `meta` is optional so a Worker deployed before it still signs out during a rollout. */
  logout(tokenHash: string, meta?: RequestMeta): void;
  beginEnrollment(
    userId: string,
    sealed: Sealed,
    via: BeginEnrollmentVia,
  ): Promise<
    Result<
      { email: string; period: number; kept?: Sealed },
      "already_enrolled" | "invalid_challenge" | "invalid_pairing" | "not_found" | "passkey_required" | "step_up_required" | PasswordFailure
    >
  >;
  confirmEnrollment(input: ConfirmEnrollmentInput): Promise<Result<null, ConfirmEnrollmentFailure>>;
  recoveryCodesStatus(userId: string): RecoveryStatus;
  regenerateRecoveryCodes(input: RegenerateInput): Promise<Result<null, CodeFailure | "not_found" | "passkey_required" | FormIdRefusal>>;
  disableTwoFactor(input: DisableInput): Promise<Result<null, CodeFailure | "enforced_by_org" | "not_found">>;
  resetTwoFactor(input: FactorChangeInput): Promise<Result<{ removedCredentials: string[] }, "not_found" | AccessFailure>>;
  stepUp(
    input: StepUpInput,
  ): Promise<
    Result<
      null,
      | CodeFailure
      | "invalid_challenge"
      | "invalid_credentials"
      | "account_deactivated"
      | "not_found"
      | "enforced_by_org"
      | "passkey_required"
    >
  >;
  stepUpPasskeyOptions(input: StepUpOptionsInput): Promise<Result<PublicKeyCredentialRequestOptionsJSON, "not_found" | "not_enrolled">>;
  issuePairingLink(input: IssuePairingLinkInput): Promise<"sent" | "skipped">;
  pairingOwner(tokenHash: string): string | null;
  mailOutbox(limit?: number): OutboxEntry[];
  devOutbox(limit?: number): DevMail[];
  updateSettings(input: UpdateSettingsInput): Promise<Result<OrgSettings, "not_found" | "invalid_period" | AccessFailure>>;
  compliance(page?: Omit<UserPageQuery, "notEnrolled">): Compliance;
  /** `total`: every user of the org, whatever the page or search. */
  userPage(query: UserPageQuery): UserPage & { total: number; activeAdmins: number };
  createApiKey(input: CreateApiKeyInput): Result<ApiKeyInfo, "not_found" | "forbidden" | "step_up_required" | FormIdRefusal>;
  /** Whether a page form may still make its secret (form-ids.ts); read before its step-up. */
  checkFormId(formId: string): Result<null, FormIdRefusal>;
  listApiKeys(): ApiKeyInfo[];
  revokeApiKey(input: RevokeApiKeyInput): Result<null, "not_found">;
  unlockUser(input: FactorChangeInput): Result<null, "not_found" | AccessFailure>;
  auditEvents(limit: number, before?: number): AuditEvent[];
  userInfo(userId: string): UserInfo | null;
  setUserActive(input: PeopleChange & { active: boolean }): Promise<Result<UserInfo, PeopleFailure>>;
  removeUser(input: PeopleChange): Promise<Result<{ email: string; credentialIds: string[] }, PeopleFailure>>;
  revokeSessionsOf(input: RevokeSessionsInput): Promise<Result<null, "not_found" | "step_up_required">>;
  listSessions(userId: string, currentTokenHash: string): SessionEntry[];
  endOwnSessions(input: {
    userId: string;
    currentTokenHash: string;
    sessionId?: string;
    meta: RequestMeta;
  }): Result<null, "not_found" | "step_up_required">;
  createInvite(input: CreateInviteInput): Promise<Result<InviteInfo, CreateInviteFailure>>;
  resendInvite(input: ResendInviteInput): Promise<Result<InviteInfo, "not_found" | "too_many_attempts" | AccessFailure>>;
  revokeInvite(input: { id: string; actor: AuditActor; meta: RequestMeta }): Result<null, "not_found">;
  listInvites(): InviteInfo[];
  inviteByToken(tokenHash: string): { email: string; name: string | null; role: Role; org: string } | null;
  acceptInvite(input: AcceptInviteInput): Promise<Result<LoginStep, "invalid_link" | "email_taken">>;
  requestEmailChange(
    input: EmailChangeInput,
  ): Promise<Result<null, "not_found" | "email_taken" | "too_many_attempts" | "step_up_required">>;
  emailLinkOf(tokenHash: string): { purpose: "verify" | "change"; userId: string; email: string } | null;
  followEmailLink(input: {
    tokenHash: string;
    meta: RequestMeta;
  }): Promise<Result<{ purpose: "verify" | "change"; userId: string; email: string; previous: string }, "invalid_link" | "email_taken">>;
  holdsEmailKey(userId: string, key: string): Promise<boolean>;
  passkeyStepOptions(input: PasskeyOptionsInput): Promise<Result<PublicKeyCredentialRequestOptionsJSON, "invalid_challenge">>;
  completePasskeyStep(input: PasskeyStepInput): Promise<Result<null, ChallengeFailure>>;
  beginPasskeyRegistration(
    input: BeginPasskeyInput,
  ): Promise<Result<PublicKeyCredentialCreationOptionsJSON, "not_found" | "invalid_challenge" | "step_up_required">>;
  finishPasskeyRegistration(
    input: FinishPasskeyInput,
  ): Promise<
    Result<
      { passkey: PasskeyInfo; firstFactor: boolean },
      "passkey_unverified" | "passkey_request_expired" | "invalid_challenge" | "already_enrolled" | "not_found" | "step_up_required"
    >
  >;
  listPasskeys(userId: string): PasskeyInfo[];
  secondStepMethods(userId: string): SecondStepMethod[];
  completePasswordlessSignIn(input: PasswordlessInput): Promise<Result<null, "invalid_credentials" | "account_deactivated" | LockFailure>>;
  renamePasskey(input: RenamePasskeyInput): Result<PasskeyInfo, "not_found">;
  removePasskey(input: PasskeyChangeInput): Promise<Result<{ credentialId: string }, "not_found" | "enforced_by_org" | "step_up_required">>;
}
