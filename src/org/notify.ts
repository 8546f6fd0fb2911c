// Security notices, queued in the caller's transaction: the change and its email commit together or not at all.
import type { Sealed } from "../crypto/secret-box";
import { buildMessage, type MailEvent, type Recipient } from "../mail/messages";
import { enqueueMail } from "./outbox";
import { readOrg } from "./settings";
import { listAdmins, type UserRow } from "./users";

/** Queues the email for one event to one user, in the user's language. */
export function notifyUser(sql: SqlStorage, user: UserRow, event: MailEvent, now: number, link?: Sealed): void {
  const org = readOrg(sql)?.name ?? "";
  enqueueMail(sql, user.id, buildMessage(user, event, org), now, link);
}

/**
 * Queues the email for one event to an address that is not (or not yet) the user's own: an invitee's, a new
 * address being confirmed. `ownerId` is the user (or invite) the mail and its sealed link belong to.
 */
export function notifyAddress(sql: SqlStorage, ownerId: string, to: Recipient, event: MailEvent, now: number, link?: Sealed): void {
  const org = readOrg(sql)?.name ?? "";
  enqueueMail(sql, ownerId, buildMessage(to, event, org), now, link);
}

/** Queues the email to every admin of the org (enforcement switched). */
export function notifyAdmins(sql: SqlStorage, event: MailEvent, now: number): void {
  for (const admin of listAdmins(sql)) notifyUser(sql, admin, event, now);
}
