// Invites: an admin invites an email with a role; the invitee's link creates the account and spends the invite in
// one transaction, then signs them in (or opens enrollment where the org requires 2FA). Nothing here touches the
// directory: the edge reserves the email before acceptance and confirms or releases it after (flows/invites.ts).
import { INVITE_MAILS_PER_HOUR } from "../../constants";
import { nowMs } from "../../clock";
import type { Sealed } from "../../crypto/secret-box";
import { recordEvent } from "../audit";
import { createChallenge } from "../challenges";
import {
  findInvite,
  insertInvite,
  type InviteInfo,
  inviteInfo,
  type InviteRow,
  listPendingInvites,
  pendingInvite,
  pendingInviteByToken,
  pendingInviteForEmail,
  replaceInviteToken,
  revokeInvite as markRevoked,
  revokeInvitesBy,
  spendInvite,
} from "../invites";
import { notifyAddress } from "../notify";
import { limitReachedAt } from "../outbox";
import {
  type AccessFailure,
  type Audited,
  type AuditActor,
  type Caller,
  fail,
  type LoginStep,
  ok,
  type Result,
  type Role,
} from "../results";
import type { AcceptInviteInput, CreateInviteFailure, CreateInviteInput, ResendInviteInput } from "../people-rpc";
import { readOrg } from "../settings";
import type { Store } from "../store";
import { findActiveUser, findUser, findUserByEmail, insertUser, markEmailVerified, setLocale, type UserRow } from "../users";
import { refuseAdminChange } from "./access";
import { startSession } from "./sign-in";

/** Who invited, as the invite records it: an API key acts for the admin who made it; support is nobody's. */
function inviterOf(caller: Caller): string | null {
  return caller.kind === "operator" ? null : caller.userId;
}

/** The invite's mail goes to an address with no account yet: the invite's id stands in for a user id (link binding). */
function mailInvite(store: Store, invite: InviteRow, by: AuditActor, now: number, link: Sealed): void {
  const to = { email: invite.email, name: invite.name ?? "", locale: invite.locale };
  notifyAddress(store.sql, invite.id, to, { type: "invite", expiresAt: invite.expires_at, by, role: invite.role }, now, link);
}

/**
 * An invite grants no more than its inviter still holds: an active admin, or support (no inviter). Asked of an
 * invite's inviter before it is accepted, resent or shown (one who has since left, lost the role or was
 * deactivated made an invite that is dead), and of the caller before one is written or resent: the edge checked
 * the role before its other awaits (the directory, sealing the link), and a demotion may have landed since, its
 * sweep of the inviter's invites already done.
 */
function stillEntitled(store: Store, inviter: string | null): boolean {
  return inviter === null || findActiveUser(store.sql, inviter)?.role === "admin";
}

/** Seconds until one more invite mail may go to this address (INVITE_MAILS_PER_HOUR), or 0. */
function inviteMailWait(sql: SqlStorage, email: string, now: number): number {
  const hour = 3_600_000;
  const at = limitReachedAt(sql, "invite", email, now - hour, INVITE_MAILS_PER_HOUR);
  return at === null ? 0 : Math.max(1, Math.ceil((at + hour - now) / 1000));
}

/**
 * Inviting someone as an admin grants admin: the same rule as making a user admin (a session that stepped up, or
 * support; never an API key). An email that already has an account here is refused (elsewhere: the edge asked
 * the directory); so is a second pending invite for the same email.
 */
export function createInvite(store: Store, input: CreateInviteInput): Result<InviteInfo, CreateInviteFailure> {
  const now = nowMs();
  const { sql } = store;
  return store.tx(() => {
    if (!readOrg(sql)) return fail("not_found");
    if (!stillEntitled(store, inviterOf(input.caller))) return fail("forbidden");
    const refused = input.role === "admin" ? refuseAdminChange(sql, input.caller) : null;
    if (refused) return refused;
    if (findUserByEmail(sql, input.email)) return fail("email_taken");
    if (pendingInviteForEmail(sql, input.email, now)) return fail("already_invited");
    const wait = inviteMailWait(sql, input.email, now);
    if (wait > 0) return fail("too_many_attempts", wait);
    const invitedBy = inviterOf(input.caller);
    const locale = input.locale ?? (invitedBy ? findUser(sql, invitedBy)?.locale : undefined) ?? input.meta.lang ?? "en";
    const invite = insertInvite(
      sql,
      { id: input.id, tokenHash: input.tokenHash, email: input.email, name: input.name, role: input.role, locale, invitedBy },
      now,
    );
    mailInvite(store, invite, input.actor, now, input.sealedLink);
    recordEvent(
      sql,
      {
        type: "invite.created",
        actor: input.actor,
        subject: { id: invite.id, label: invite.email },
        meta: input.meta,
        detail: { role: invite.role },
      },
      now,
    );
    return ok(inviteInfo(invite));
  });
}

/** A new link for a pending invite (7 days from now); the old link dies. An admin invite: the same rule as creating it. */
export function resendInvite(
  store: Store,
  input: ResendInviteInput,
): Result<InviteInfo, "not_found" | "too_many_attempts" | AccessFailure> {
  const now = nowMs();
  const { sql } = store;
  return store.tx(() => {
    if (!stillEntitled(store, inviterOf(input.caller))) return fail("forbidden");
    const invite = pendingInvite(sql, input.id, now);
    // One whose inviter lost the role cannot be accepted: a new link for it would be a way to revive it.
    if (!invite || !stillEntitled(store, invite.invited_by)) return fail("not_found");
    const refused = invite.role === "admin" ? refuseAdminChange(sql, input.caller) : null;
    if (refused) return refused;
    const wait = inviteMailWait(sql, invite.email, now);
    if (wait > 0) return fail("too_many_attempts", wait);
    replaceInviteToken(sql, invite.id, input.tokenHash, now);
    const renewed = findInvite(sql, invite.id) as InviteRow;
    mailInvite(store, renewed, input.actor, now, input.sealedLink);
    recordEvent(sql, { type: "invite.resent", actor: input.actor, subject: { id: invite.id, label: invite.email }, meta: input.meta }, now);
    return ok(inviteInfo(renewed));
  });
}

/** Revokes a pending invite: its link dies. An accepted, revoked or expired one is not_found. */
export function revokeInvite(store: Store, input: { id: string } & Audited): Result<null, "not_found"> {
  const now = nowMs();
  const { sql } = store;
  return store.tx(() => {
    const invite = pendingInvite(sql, input.id, now);
    if (!invite) return fail("not_found");
    markRevoked(sql, invite.id, now);
    recordEvent(
      sql,
      { type: "invite.revoked", actor: input.actor, subject: { id: invite.id, label: invite.email }, meta: input.meta },
      now,
    );
    return ok(null);
  });
}

/**
 * An inviter who loses the admin role (demoted, deactivated, removed) takes their pending invites along, in the
 * same transaction: none could be accepted anyway (stillEntitled), and none may revive if the role comes
 * back. Each is audited with the reason, as the admin's API keys are.
 */
export function revokeInvitesOf(sql: SqlStorage, userId: string, by: Audited, reason: string, now: number): void {
  for (const invite of revokeInvitesBy(sql, userId, now)) {
    const subject = { id: invite.id, label: invite.email };
    recordEvent(sql, { type: "invite.revoked", actor: by.actor, subject, meta: by.meta, detail: { reason } }, now);
  }
}

export function listInvites(store: Store): InviteInfo[] {
  return listPendingInvites(store.sql, nowMs()).map(inviteInfo);
}

/** What the invite page shows before the password is chosen; null for a dead or unknown link. */
export function inviteByToken(store: Store, tokenHash: string): { email: string; name: string | null; role: Role; org: string } | null {
  const invite = pendingInviteByToken(store.sql, tokenHash, nowMs());
  const org = readOrg(store.sql);
  if (!invite || !org || !stillEntitled(store, invite.invited_by)) return null;
  return { email: invite.email, name: invite.name, role: invite.role, org: org.name };
}

/**
 * Accepts an invite: creates the user (email verified: the link reached it), spends the invite and starts the
 * sign-in, all in one transaction, so concurrent accepts make one user and an accept racing a revoke makes a
 * whole user or none. Any dead link answers invalid_link, whatever the reason.
 */
export function acceptInvite(store: Store, input: AcceptInviteInput): Result<LoginStep, "invalid_link" | "email_taken"> {
  const now = nowMs();
  const { sql } = store;
  return store.tx(() => {
    const invite = pendingInviteByToken(sql, input.tokenHash, now);
    if (!invite || invite.email.toLowerCase() !== input.user.email.toLowerCase() || !stillEntitled(store, invite.invited_by)) {
      return fail("invalid_link");
    }
    if (findUserByEmail(sql, invite.email)) return fail("email_taken");
    const user = { ...input.user, email: invite.email, role: invite.role };
    insertUser(sql, user, now);
    markEmailVerified(sql, user.id, now);
    setLocale(sql, user.id, invite.locale);
    spendInvite(sql, invite.id, user.id, now);
    const actor = { type: "user" as const, id: user.id, label: user.email };
    recordEvent(sql, { type: "invite.accepted", actor, subject: { id: invite.id, label: invite.email }, meta: input.meta }, now);
    recordEvent(
      sql,
      {
        type: "user.created",
        actor,
        subject: { id: user.id, label: user.email },
        meta: input.meta,
        detail: { role: user.role, via: "invite" },
      },
      now,
    );
    // A new account has no second factor yet: where the org requires one, the invitee goes straight into enrollment.
    const org = readOrg(sql);
    if (org?.require2fa || org?.requirePhishingResistant) {
      return ok({ status: "enrollment_required", ...createChallenge(sql, user.id, "enroll", now) });
    }
    startSession(store, findUser(sql, user.id) as UserRow, input.sessionTokenHash, input.meta, now, "invite");
    return ok({ status: "authenticated" });
  });
}
