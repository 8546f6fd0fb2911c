// Org lifecycle and administration: creating the org and its users, settings, compliance, roles, unlocking.
import { nowMs } from "../../clock";
import { TOTP_PERIODS_SECONDS, USER_PAGE_DEFAULT } from "../../constants";
import { deleteApiKey, keysAboveRole } from "../api-keys";
import { recordEvent } from "../audit";
import { revokeUserChallenges } from "../challenges";
import { notifyAdmins } from "../notify";
import { clearLock } from "../lockout";
import { fail, ok, type Result, type UserInfo } from "../results";
import type { ChangeRoleInput, Compliance, CreateUserInput, FactorChangeInput, InitializeOrgInput, UpdateSettingsInput } from "../rpc";
import { carrySignIn, createSession, revokeUserSessions, sessionPolicy, sessionRow } from "../sessions";
import { insertOrg, type OrgSettings, readOrg, writeSettings } from "../settings";
import { all, type Store } from "../store";
import {
  countActiveAdmins,
  countUsers,
  findUser,
  findUserByEmail,
  insertUser,
  pageUsers,
  publicUser,
  setRole,
  type UserPageQuery,
  type UserRow,
} from "../users";
import { queueVerificationLink } from "./email";
import { refuseAdminChange, refuseSettingsChange, refuseUnlessSteppedUp } from "./access";
import type { AccessFailure } from "../results";
import { revokeInvitesOf } from "./invites";

export function initializeOrg(store: Store, input: InitializeOrgInput): Result<null, "org_exists"> {
  const now = nowMs();
  const { sql } = store;
  return store.tx(() => {
    if (readOrg(sql)) return fail("org_exists");
    insertOrg(sql, input.slug, input.name, input.jurisdiction, now);
    insertUser(sql, input.admin, now);
    recordEvent(sql, { type: "org.created", actor: input.actor, subject: { id: input.slug, label: input.name }, meta: input.meta }, now);
    recordEvent(
      sql,
      {
        type: "user.created",
        actor: input.actor,
        subject: { id: input.admin.id, label: input.admin.email },
        meta: input.meta,
        detail: { role: "admin" },
      },
      now,
    );
    return ok(null);
  });
}

export function createUser(store: Store, input: CreateUserInput): Result<UserInfo, "email_taken" | "not_found" | AccessFailure> {
  const now = nowMs();
  const { sql } = store;
  return store.tx(() => {
    if (!readOrg(sql)) return fail("not_found");
    const refused = input.user.role === "admin" ? refuseAdminChange(sql, input.caller) : null;
    if (refused) return refused;
    if (findUserByEmail(sql, input.user.email)) return fail("email_taken");
    insertUser(sql, input.user, now);
    recordEvent(
      sql,
      {
        type: "user.created",
        actor: input.actor,
        subject: { id: input.user.id, label: input.user.email },
        meta: input.meta,
        detail: { role: input.user.role },
      },
      now,
    );
    // Typed by an admin, the address is unverified until its owner follows the link mailed to it.
    if (input.verification) queueVerificationLink(store, findUser(sql, input.user.id) as UserRow, input.verification, input.meta, now);
    return ok({ id: input.user.id, email: input.user.email, name: input.user.name, role: input.user.role });
  });
}

/**
 * Changes a role; the org always keeps an admin. Every session of the user dies (new privileges, new session
 * token: docs/api.md); when the caller changed their own role, their browser gets a fresh session in its place.
 * A demoted user's admin API keys die with the role.
 */
export function changeRole(
  store: Store,
  input: ChangeRoleInput,
): Result<{ user: UserInfo; rotated: boolean }, "not_found" | "last_admin" | AccessFailure> {
  const now = nowMs();
  const { sql } = store;
  return store.tx(() => {
    const user = findUser(sql, input.userId);
    if (!user) return fail("not_found");
    if (user.role === input.role) return ok({ user: publicUser(user), rotated: false });
    const refused = refuseAdminChange(sql, input.caller);
    if (refused) return refused;
    if (user.role === "admin" && user.deactivated_at === null && countActiveAdmins(sql) <= 1) return fail("last_admin");
    setRole(sql, user.id, input.role);
    const self = input.rotate && input.caller.kind === "session" && input.caller.userId === user.id ? input.rotate : null;
    // The replacement keeps the old session's step-up time: a new token is no new proof of a factor. A session
    // ended meanwhile (sign out everywhere) gets no replacement: the role still changes, nobody stays signed in.
    const before = self ? sessionRow(sql, self.from) : undefined;
    const own = before?.user_id === user.id ? self : null;
    const verifiedAt = before?.verified_at ?? 0;
    revokeUserSessions(sql, user.id);
    revokeUserChallenges(sql, user.id, now);
    const rotated = !!own;
    if (own) {
      createSession(sql, own.tokenHash, user.id, now, sessionPolicy(store.env), input.meta, verifiedAt);
      carrySignIn(sql, before, own.tokenHash);
    }
    for (const key of keysAboveRole(sql, user.id, input.role)) {
      deleteApiKey(sql, key.id);
      const detail = { reason: "role_changed" };
      recordEvent(
        sql,
        { type: "api_key.revoked", actor: input.actor, subject: { id: key.id, label: key.name }, meta: input.meta, detail },
        now,
      );
    }
    if (input.role !== "admin") revokeInvitesOf(sql, user.id, input, "role_changed", now);
    recordEvent(
      sql,
      {
        type: "user.role_changed",
        actor: input.actor,
        subject: { id: user.id, label: user.email },
        meta: input.meta,
        detail: { from: user.role, to: input.role },
      },
      now,
    );
    return ok({ user: { ...publicUser(user), role: input.role }, rotated });
  });
}

/** Lifts the user's locks, the lasting one included (docs/api.md: an admin's unlock); same rule as a 2FA reset. */
export function unlockUser(store: Store, input: FactorChangeInput): Result<null, "not_found" | AccessFailure> {
  const now = nowMs();
  const { sql } = store;
  return store.tx(() => {
    const user = findUser(sql, input.userId);
    if (!user) return fail("not_found");
    const refused = refuseUnlessSteppedUp(sql, input.caller, user);
    if (refused) return refused;
    clearLock(sql, user.id);
    recordEvent(sql, { type: "account.unlocked", actor: input.actor, subject: { id: user.id, label: user.email }, meta: input.meta }, now);
    return ok(null);
  });
}

export function updateSettings(
  store: Store,
  input: UpdateSettingsInput,
): Result<OrgSettings, "not_found" | "invalid_period" | AccessFailure> {
  const now = nowMs();
  const { sql } = store;
  return store.tx(() => {
    const org = readOrg(sql);
    if (!org) return fail("not_found");
    // Decided against the stored settings, in the transaction that writes them: a stale request cannot turn off what
    // another admin turned on meanwhile.
    const refused = refuseSettingsChange(sql, input.caller, org, input);
    if (refused) return refused;
    const next: OrgSettings = {
      require2fa: input.require2fa ?? org.require2fa,
      totpPeriod: input.totpPeriod ?? org.totpPeriod,
      requirePhishingResistant: input.requirePhishingResistant ?? org.requirePhishingResistant,
    };
    if (!(TOTP_PERIODS_SECONDS as readonly number[]).includes(next.totpPeriod)) return fail("invalid_period");
    writeSettings(sql, next);
    const event = { actor: input.actor, subject: { id: org.slug, label: org.name }, meta: input.meta };
    if (next.require2fa !== org.require2fa) {
      // Existing sessions stay valid (seeds: enforcement does not log anyone out); the next sign-in enforces it.
      recordEvent(sql, { ...event, type: next.require2fa ? "org.require_2fa_enabled" : "org.require_2fa_disabled" }, now);
      notifyAdmins(sql, { type: "org.require_2fa_changed", enabled: next.require2fa, by: input.actor }, now);
    }
    if (next.requirePhishingResistant !== org.requirePhishingResistant) {
      // As for require2fa, existing sessions stay; every sign-in from now on ends with a passkey.
      const type = next.requirePhishingResistant ? "org.require_phishing_resistant_enabled" : "org.require_phishing_resistant_disabled";
      recordEvent(sql, { ...event, type }, now);
    }
    if (next.totpPeriod !== org.totpPeriod) {
      recordEvent(sql, { ...event, type: "org.totp_period_changed", detail: { from: org.totpPeriod, to: next.totpPeriod } }, now);
    }
    return ok(next);
  });
}

/** Counts of the whole org; the users without 2FA one page at a time (a big org has thousands). */
export function compliance(store: Store, page: Omit<UserPageQuery, "notEnrolled"> = { limit: USER_PAGE_DEFAULT }): Compliance {
  const { sql } = store;
  const { total, enrolled, withoutPasskey } = countUsers(sql);
  const list = pageUsers(sql, { ...page, notEnrolled: true });
  const org = readOrg(sql);
  return {
    required: org?.require2fa ?? false,
    enrolled,
    total,
    notEnrolled: list.users.map((u) => ({ id: u.id, email: u.email, name: u.name, lastLoginAt: u.lastLoginAt, active: u.active })),
    nextCursor: list.nextCursor,
    phishingResistant: {
      required: org?.requirePhishingResistant ?? false,
      withoutPasskey: usersWithoutPasskey(sql, WITHOUT_PASSKEY_LISTED),
      withoutPasskeyCount: withoutPasskey,
    },
  };
}

/** How many of the users without a passkey the compliance view names (the count covers them all). */
const WITHOUT_PASSKEY_LISTED = 100;

/**
 * The first active users with no passkey: who "Require phishing-resistant sign-in" will send to enroll one. The
 * partial index users_without_passkey (org step 13) holds only them, so a big org is not scanned; their count is
 * kept in user_counts.
 */
function usersWithoutPasskey(sql: SqlStorage, limit: number) {
  return all<{ id: string; email: string; name: string }>(
    sql,
    "SELECT id, email, name FROM users WHERE has_passkey = 0 AND deactivated_at IS NULL ORDER BY created_at, id LIMIT ?",
    limit,
  );
}
