// The org object's people methods (actions/people.ts, user-patch.ts, invites.ts, email.ts): what each takes and
// gives. Declared apart from the actions, as oidc-rpc.ts is, so rpc.ts (every method) depends on no action.
import type { Sealed } from "../crypto/secret-box";
import type { AccessFailure, Audited, AuditActor, Caller, RequestMeta, Role } from "./results";

/** Refusals of deactivation, removal and other changes to a person (actions/people.ts, user-patch.ts). */
export type PeopleFailure = "not_found" | "own_account" | "last_admin" | AccessFailure;

/** A user to create; the password is hashed at the edge (the KDF never runs in the object). */
export interface NewUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
}

/** A change to someone's account by an admin, a key or support (deactivate, remove, end their sessions). */
export interface PeopleChange {
  userId: string;
  caller: Caller;
  actor: AuditActor;
  meta: RequestMeta;
}

export interface RevokeSessionsInput extends Omit<PeopleChange, "caller"> {
  /** The asking admin's session token hash, when a session asks (not for an API key or support). */
  callerSession?: string;
}

export interface PatchUserInput {
  userId: string;
  role?: Role;
  name?: string;
  active?: boolean;
  caller: Caller;
  /** The caller's session (its hash) and the new token's hash that replaces it if they change their own role. */
  rotate?: { from: string; tokenHash: string };
  actor: AuditActor;
  meta: RequestMeta;
}

/** A session as its owner's list shows it (docs/api.md GET /api/me/sessions). */
export interface SessionEntry {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  userAgent: string | null;
  current: boolean;
}

/** A link mailed to someone (an address to verify or change to): its token's hash and its URL. */
export interface MailLink {
  tokenHash: string;
  /** The URL sealed at the edge, bound to the user (mail/deliver.ts linkBinding). */
  sealedLink: Sealed;
}

export interface EmailChangeInput extends MailLink {
  userId: string;
  email: string;
  /** The asking session's token hash: it must still stand as the edge saw it (sessions.ts sessionStillOpen). */
  sessionTokenHash: string;
  meta: RequestMeta;
}

export interface CreateInviteInput extends Audited {
  id: string;
  tokenHash: string;
  /** The link, sealed at the edge and bound to the invite's id (mail/deliver.ts linkBinding). */
  sealedLink: Sealed;
  email: string;
  name: string | null;
  role: Role;
  locale?: "en" | "fr" | undefined;
  caller: Caller;
}

export interface ResendInviteInput extends Audited {
  id: string;
  tokenHash: string;
  sealedLink: Sealed;
  caller: Caller;
}

export interface AcceptInviteInput {
  tokenHash: string;
  /** The account to create; its email must be the invite's (the edge read it from the invite). */
  user: NewUser;
  sessionTokenHash: string;
  meta: RequestMeta;
}

export type CreateInviteFailure = "email_taken" | "already_invited" | "not_found" | "too_many_attempts" | AccessFailure;
