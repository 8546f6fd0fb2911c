// The life of an account after creation: deactivate and reactivate, remove, and ending sessions (one's own from
// the Account page, or all of someone's by an admin). Each is one transaction; the person concerned is mailed.
import { deleteUserPasskeys } from "../passkeys";
import { nowMs } from "../../clock";
import { recordEvent } from "../audit";
import { revokeUserChallenges } from "../challenges";
import { revokeUserLinks } from "../links";
import { notifyUser } from "../notify";
import { type Caller, fail, ok, type RequestMeta, type Result, type UserInfo } from "../results";
import { isSession, listUserSessions, revokeSessionByPublicId, revokeUserSessions, sessionPolicy, sessionRow } from "../sessions";
import type { Store } from "../store";
import { countActiveAdmins, deleteUserAndCredentials, findUser, publicUser, setDeactivated, setName, type UserRow } from "../users";
import { all } from "../store";
import { refuseClosedSession, refuseFactorChange, refuseUnlessSteppedUp } from "./access";
import type { PeopleChange, PeopleFailure, RevokeSessionsInput, SessionEntry } from "../people-rpc";
import { revokeInvitesOf } from "./invites";

const subjectOf = (u: UserRow) => ({ id: u.id, label: u.email });

/**
 * The rules shared by deactivation and removal: never oneself (another admin must do it), an admin only by a
 * person who stepped up or by support (never by an API key: a key could otherwise shut every admin out), and an
 * org keeps an active admin, except that support may remove the last one.
 */
function refusal(sql: SqlStorage, caller: Caller, user: UserRow, lastAdminAllowed: boolean) {
  if (caller.kind !== "operator" && caller.userId === user.id) return fail("own_account" as const);
  const refused = refuseFactorChange(sql, caller, user);
  if (refused) return refused;
  const lastActiveAdmin = user.role === "admin" && user.deactivated_at === null && countActiveAdmins(sql) <= 1;
  if (lastActiveAdmin && !(lastAdminAllowed && caller.kind === "operator")) return fail("last_admin" as const);
  return null;
}

/**
 * Ends every way into the account at once: sessions, the keys it made, sign-in challenges and mail links; and
 * what it granted others that is not yet taken (its pending invites).
 */
function revokeAccess(store: Store, user: UserRow, input: PeopleChange, reason: string, now: number): void {
  const { sql } = store;
  revokeUserSessions(sql, user.id);
  revokeUserChallenges(sql, user.id, now);
  revokeUserLinks(sql, user.id, now);
  const keys = all<{ id: string; name: string }>(sql, "SELECT id, name FROM api_keys WHERE created_by = ?", user.id);
  sql.exec("DELETE FROM api_keys WHERE created_by = ?", user.id);
  revokeInvitesOf(sql, user.id, input, reason, now);
  for (const key of keys) {
    recordEvent(
      sql,
      { type: "api_key.revoked", actor: input.actor, subject: { id: key.id, label: key.name }, meta: input.meta, detail: { reason } },
      now,
    );
  }
}

/** Deactivates (access ends at once, killed keys stay dead) or reactivates an account; a no-op when unchanged. */
export function setActive(store: Store, input: PeopleChange & { active: boolean }): Result<UserInfo, PeopleFailure> {
  const now = nowMs();
  const { sql } = store;
  return store.tx(() => {
    const user = findUser(sql, input.userId);
    if (!user) return fail("not_found");
    if ((user.deactivated_at === null) === input.active) return ok(publicUser(user));
    // Reactivating an admin hands back an admin's sign-in: the same rules as taking it away.
    const refused = refusal(sql, input.caller, user, false);
    if (refused) return refused;
    setDeactivated(sql, user.id, input.active ? null : now);
    if (!input.active) revokeAccess(store, user, input, "deactivated", now);
    const type = input.active ? "user.reactivated" : "user.deactivated";
    recordEvent(sql, { type, actor: input.actor, subject: subjectOf(user), meta: input.meta }, now);
    if (!input.active) notifyUser(sql, user, { type: "account.deactivated", by: input.actor }, now);
    return ok(publicUser(user));
  });
}

/** Renames a user (the name shown to admins and in mail); no access changes. */
export function rename(store: Store, input: Omit<PeopleChange, "caller"> & { name: string }): Result<UserInfo, "not_found"> {
  const now = nowMs();
  const { sql } = store;
  return store.tx(() => {
    const user = findUser(sql, input.userId);
    if (!user) return fail("not_found");
    if (user.name === input.name) return ok(publicUser(user));
    setName(sql, user.id, input.name);
    const detail = { from: user.name, to: input.name };
    recordEvent(sql, { type: "user.renamed", actor: input.actor, subject: subjectOf(user), meta: input.meta, detail }, now);
    return ok({ ...publicUser(user), name: input.name });
  });
}

/**
 * Removes the account: its row and everything keyed by it, in one transaction, so no session or key can
 * outlive it (a sign-in racing it either finishes first and its session is deleted here, or finds no user).
 * The audit log keeps who removed whom; the email's directory claim is released by the caller afterwards.
 */
/** Removes the user; answers the address removed and the passkeys' credential ids, whose directory entries the edge frees. */
export function removeUser(store: Store, input: PeopleChange): Result<{ email: string; credentialIds: string[] }, PeopleFailure> {
  const now = nowMs();
  const { sql } = store;
  return store.tx(() => {
    const user = findUser(sql, input.userId);
    if (!user) return fail("not_found");
    const refused = refusal(sql, input.caller, user, true) ?? refuseUnlessSteppedUp(sql, input.caller, user);
    if (refused) return refused;
    revokeAccess(store, user, input, "removed", now);
    notifyUser(sql, user, { type: "account.removed", by: input.actor }, now);
    const credentialIds = deleteUserPasskeys(sql, user.id);
    deleteUserAndCredentials(sql, user.id);
    recordEvent(
      sql,
      {
        type: "user.removed",
        actor: input.actor,
        subject: subjectOf(user),
        meta: input.meta,
        detail: { name: user.name, role: user.role },
      },
      now,
    );
    return ok({ email: user.email, credentialIds });
  });
}

/**
 * An admin ends every session of a user (a lost laptop); the user is told unless they did it themselves. On oneself,
 * from a session closed by one's own enrollment at sign-in, it is refused as endOwnSessions refuses it.
 */
export function revokeSessionsOf(store: Store, input: RevokeSessionsInput): Result<null, "not_found" | "step_up_required"> {
  const now = nowMs();
  const { sql } = store;
  return store.tx(() => {
    const user = findUser(sql, input.userId);
    if (!user) return fail("not_found");
    // The caller's own user is read from its session row, not from the audit label.
    const onOneself = input.callerSession !== undefined && sessionRow(sql, input.callerSession)?.user_id === user.id;
    const closed = onOneself ? refuseClosedSession(sql, input.callerSession as string, user.id) : null;
    if (closed) return closed;
    revokeUserSessions(sql, user.id);
    const detail = { reason: "admin", all: true };
    recordEvent(sql, { type: "session.revoked", actor: input.actor, subject: subjectOf(user), meta: input.meta, detail }, now);
    if (input.actor.id !== user.id) notifyUser(sql, user, { type: "sessions.revoked", by: input.actor }, now);
    return ok(null);
  });
}

/** The user's live sessions by public id (never the token or its hash), marking the caller's own. */
export function listSessions(store: Store, userId: string, currentTokenHash: string): SessionEntry[] {
  return listUserSessions(store.sql, userId, nowMs(), sessionPolicy(store.env)).map((s) => ({
    id: s.public_id,
    createdAt: new Date(s.created_at).toISOString(),
    lastSeenAt: new Date(s.last_seen_at).toISOString(),
    userAgent: s.user_agent,
    current: s.token_hash === currentTokenHash,
  }));
}

/**
 * The signed-in user ends one of their own sessions (by public id), or every other one (`sessionId` omitted,
 * the caller's kept). Another user's session id is "not_found", as an unknown one. A session closed by a first
 * factor set up elsewhere (sessions.ts staleOtherSessions) ends only itself: the password it was opened with must
 * not sign out the owner who now holds the factor.
 */
export function endOwnSessions(
  store: Store,
  input: { userId: string; currentTokenHash: string; sessionId?: string; meta: RequestMeta },
): Result<null, "not_found" | "step_up_required"> {
  const now = nowMs();
  const { sql } = store;
  return store.tx(() => {
    const user = findUser(sql, input.userId);
    if (!user) return fail("not_found");
    const closed = refuseClosedSession(sql, input.currentTokenHash, user.id);
    if (closed && !(input.sessionId !== undefined && isSession(sql, user.id, input.sessionId, input.currentTokenHash))) return closed;
    if (input.sessionId !== undefined) {
      if (!revokeSessionByPublicId(sql, user.id, input.sessionId)) return fail("not_found");
    } else {
      revokeUserSessions(sql, user.id, input.currentTokenHash);
    }
    const actor = { type: "user" as const, id: user.id, label: user.email };
    const detail = input.sessionId !== undefined ? { reason: "signed_out_elsewhere" } : { reason: "signed_out_everywhere_else" };
    recordEvent(sql, { type: "session.revoked", actor, subject: subjectOf(user), meta: input.meta, detail }, now);
    return ok(null);
  });
}
