// The invites table: a pending invite is an email, a role and the keyed hash of its link's token. It claims
// nothing in the directory (a pending invite blocks nobody); accepting it creates the user and spends it in one
// transaction, so one invite makes at most one account.
import { INVITE_TTL_DAYS } from "../constants";
import type { Role } from "./results";
import { all, first } from "./store";

export interface InviteRow extends Record<string, SqlStorageValue> {
  id: string;
  token_hash: string;
  email: string;
  name: string | null;
  role: Role;
  /** Language of the invite's emails, "en" or "fr". */
  locale: string;
  /** The user who invited (an admin, or the admin an API key acts for); null for support. */
  invited_by: string | null;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  accepted_user_id: string | null;
  revoked_at: number | null;
}

export interface InviteInfo {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  createdAt: string;
  expiresAt: string;
}

export function inviteInfo(row: InviteRow): InviteInfo {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    createdAt: new Date(row.created_at).toISOString(),
    expiresAt: new Date(row.expires_at).toISOString(),
  };
}

export function inviteExpiry(now: number): number {
  return now + INVITE_TTL_DAYS * 86_400_000;
}

const PENDING = "accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?";

export function insertInvite(
  sql: SqlStorage,
  i: { id: string; tokenHash: string; email: string; name: string | null; role: Role; locale: string; invitedBy: string | null },
  now: number,
): InviteRow {
  sql.exec(
    `INSERT INTO invites (id, token_hash, email, name, role, locale, invited_by, created_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    i.id,
    i.tokenHash,
    i.email,
    i.name,
    i.role,
    i.locale,
    i.invitedBy,
    now,
    inviteExpiry(now),
  );
  return findInvite(sql, i.id) as InviteRow;
}

export function findInvite(sql: SqlStorage, id: string): InviteRow | undefined {
  return first<InviteRow>(sql, "SELECT * FROM invites WHERE id = ?", id);
}

/** A pending invite by id (not accepted, not revoked, not expired), or undefined. */
export function pendingInvite(sql: SqlStorage, id: string, now: number): InviteRow | undefined {
  return first<InviteRow>(sql, `SELECT * FROM invites WHERE id = ? AND ${PENDING}`, id, now);
}

/** The pending invite behind a link (by its token's keyed hash), or undefined. */
export function pendingInviteByToken(sql: SqlStorage, tokenHash: string, now: number): InviteRow | undefined {
  return first<InviteRow>(sql, `SELECT * FROM invites WHERE token_hash = ? AND ${PENDING}`, tokenHash, now);
}

export function pendingInviteForEmail(sql: SqlStorage, email: string, now: number): InviteRow | undefined {
  return first<InviteRow>(sql, `SELECT * FROM invites WHERE email = ? AND ${PENDING}`, email, now);
}

export function listPendingInvites(sql: SqlStorage, now: number): InviteRow[] {
  return all<InviteRow>(sql, `SELECT * FROM invites WHERE ${PENDING} ORDER BY created_at, id`, now);
}

/** A new link for the invite: the old token's hash is overwritten, so the old link dies; 7 days from now. */
export function replaceInviteToken(sql: SqlStorage, id: string, tokenHash: string, now: number): number {
  const expiresAt = inviteExpiry(now);
  sql.exec("UPDATE invites SET token_hash = ?, expires_at = ? WHERE id = ?", tokenHash, expiresAt, id);
  return expiresAt;
}

export function spendInvite(sql: SqlStorage, id: string, userId: string, now: number): void {
  sql.exec("UPDATE invites SET accepted_at = ?, accepted_user_id = ? WHERE id = ?", now, userId, id);
}

export function revokeInvite(sql: SqlStorage, id: string, now: number): void {
  sql.exec("UPDATE invites SET revoked_at = ? WHERE id = ?", now, id);
}

/** Revokes every pending invite this user made; answers them. */
export function revokeInvitesBy(sql: SqlStorage, userId: string, now: number): InviteRow[] {
  return all<InviteRow>(sql, `UPDATE invites SET revoked_at = ? WHERE invited_by = ? AND ${PENDING} RETURNING *`, now, userId, now);
}

/** Invites that can no longer be accepted are kept 30 days past their end (the audit log has the story). */
export function deleteOldInvites(sql: SqlStorage, now: number): void {
  sql.exec("DELETE FROM invites WHERE expires_at <= ?", now - 30 * 86_400_000);
}
