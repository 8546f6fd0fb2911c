// A user's email address: the verification link mailed when an account is made with a password, and the change
// of address (a link to the new address; nothing changes until it is followed). The directory's claims are moved
// by the edge around these steps (flows/email.ts): the new address reserved before the row changes here, the old
// one released after, so a crash between leaves the user able to sign in with one of the two.
import { nowMs } from "../../clock";
import { keyedHash } from "../../crypto/tokens";
import { normalizeEmail } from "../../email-address";
import { recordEvent } from "../audit";
import { MAIL_LINK_RESEND_SECONDS } from "../../constants";
import { createEmailLink, lastEmailLinkAt, liveEmailLink, revokeUserEmailLinks, spendEmailLink } from "../email-links";
import { notifyAddress, notifyUser } from "../notify";
import type { EmailChangeInput, MailLink } from "../people-rpc";
import { fail, ok, type RequestMeta, type Result } from "../results";
import { refuseClosedSession } from "./access";
import type { Store } from "../store";
import { findUser, findUserByEmail, markEmailVerified, setEmail, type UserRow } from "../users";

const selfActor = (u: UserRow) => ({ type: "user" as const, id: u.id, label: u.email });

/** Inside the caller's transaction (account creation): mails the user a link that verifies their address. */
export function queueVerificationLink(store: Store, user: UserRow, link: MailLink, meta: RequestMeta, now: number): void {
  const expiresAt = createEmailLink(store.sql, { tokenHash: link.tokenHash, userId: user.id, purpose: "verify", email: user.email }, now);
  notifyUser(store.sql, user, { type: "email.verify", expiresAt }, now, link.sealedLink);
  recordEvent(
    store.sql,
    { type: "user.email_verification_sent", actor: { type: "system" }, subject: { id: user.id, label: user.email }, meta },
    now,
  );
}

/**
 * Kills the user's pending verification and change-of-address links (deactivation, removal): call inside the
 * caller's transaction. Returns how many died.
 */
export function revokeUserMailLinks(store: Store, userId: string): number {
  return revokeUserEmailLinks(store.sql, userId, nowMs());
}

/**
 * Starts a change of address (the edge checked step-up and that no one else claims the address): a link to the
 * new address, and a notice to the old one. The account keeps its address until the link is followed.
 */
export function requestEmailChange(
  store: Store,
  input: EmailChangeInput,
): Result<null, "not_found" | "email_taken" | "too_many_attempts" | "step_up_required"> {
  const now = nowMs();
  const { sql } = store;
  return store.tx(() => {
    const user = findUser(sql, input.userId);
    if (!user) return fail("not_found");
    const closed = refuseClosedSession(sql, input.sessionTokenHash, user.id);
    if (closed) return closed;
    const holder = findUserByEmail(sql, input.email);
    if (holder) return fail("email_taken");
    // Each request mails an address the account does not own yet: at most one a minute, so a session cannot flood one.
    const last = lastEmailLinkAt(sql, user.id, "change");
    const wait = last === null ? 0 : Math.ceil((last + MAIL_LINK_RESEND_SECONDS * 1000 - now) / 1000);
    if (wait > 0) return fail("too_many_attempts", wait);
    const link = {
      tokenHash: input.tokenHash,
      userId: user.id,
      purpose: "change" as const,
      email: input.email,
      sessionHash: input.sessionTokenHash,
    };
    const expiresAt = createEmailLink(sql, link, now);
    const to = { email: input.email, name: user.name, locale: user.locale };
    notifyAddress(sql, user.id, to, { type: "email.change_link", expiresAt }, now, input.sealedLink);
    notifyUser(sql, user, { type: "email.change_requested", newEmail: input.email }, now);
    recordEvent(
      sql,
      {
        type: "user.email_change_requested",
        actor: selfActor(user),
        subject: { id: user.id, label: user.email },
        meta: input.meta,
        detail: { to: input.email },
      },
      now,
    );
    return ok(null);
  });
}

/** What a live email link is for, so the edge can move directory claims before following it; null when dead. */
export function emailLinkOf(store: Store, tokenHash: string): { purpose: "verify" | "change"; userId: string; email: string } | null {
  const link = liveEmailLink(store.sql, tokenHash, nowMs());
  if (!link || !findUser(store.sql, link.user_id)) return null;
  return { purpose: link.purpose, userId: link.user_id, email: link.email };
}

/**
 * Follows a link. "verify": the account's address is verified, if it is still the one the link went to.
 * "change": the account takes the new address (verified: the link reached it) and the old address is told; the
 * user's other email links die (they were for the old address). Spent either way; any dead link is invalid_link.
 */
export function followEmailLink(
  store: Store,
  input: { tokenHash: string; meta: RequestMeta },
): Result<{ purpose: "verify" | "change"; userId: string; email: string; previous: string }, "invalid_link" | "email_taken"> {
  const now = nowMs();
  const { sql } = store;
  return store.tx(() => {
    const link = liveEmailLink(sql, input.tokenHash, now);
    const user = link ? findUser(sql, link.user_id) : undefined;
    if (!link || !user) return fail("invalid_link");
    const subject = { id: user.id, label: user.email };
    if (link.purpose === "verify") {
      if (normalizeEmail(user.email) !== normalizeEmail(link.email)) return fail("invalid_link");
      markEmailVerified(sql, user.id, now);
      spendEmailLink(sql, link.token_hash, now);
      recordEvent(sql, { type: "user.email_verified", actor: selfActor(user), subject, meta: input.meta }, now);
      return ok({ purpose: "verify" as const, userId: user.id, email: user.email, previous: user.email });
    }
    const holder = findUserByEmail(sql, link.email);
    if (holder && holder.id !== user.id) return fail("email_taken");
    setEmail(sql, user.id, link.email, now);
    spendEmailLink(sql, link.token_hash, now);
    revokeUserEmailLinks(sql, user.id, now);
    recordEvent(
      sql,
      { type: "user.email_changed", actor: selfActor(user), subject, meta: input.meta, detail: { from: user.email, to: link.email } },
      now,
    );
    // The old address is told: if someone else changed it, its owner learns where the account went.
    notifyAddress(
      sql,
      user.id,
      { email: user.email, name: user.name, locale: user.locale },
      { type: "email.changed", newEmail: link.email },
      now,
    );
    return ok({ purpose: "change" as const, userId: user.id, email: link.email, previous: user.email });
  });
}

/**
 * Whether the user exists and holds the address whose directory key (keyed hash) is given: how the directory
 * settles a claim made for a change of address, and frees the old one after it.
 */
export async function holdsEmailKey(store: Store, userId: string, key: string): Promise<boolean> {
  const user = findUser(store.sql, userId);
  if (!user) return false;
  return (await keyedHash(store.env.HASH_KEY, `email:${normalizeEmail(user.email)}`)) === key;
}
