// Pairing links: issuing one (the email is queued in the same transaction) and finding the user behind one.
// Enrollment through a link is in ./two-factor.ts (via: { pairing }), beside the other ways in.
import { nowMs } from "../../clock";
import { PAIRING_RESEND_SECONDS } from "../../constants";
import { recordEvent } from "../audit";
import { notifyUser } from "../notify";
import { createPairing, lastPairingAt, pairingUser } from "../pairing";
import type { Store } from "../store";
import { hasSecondFactor } from "../factors";
import { findActiveUser } from "../users";
import type { IssuePairingLinkInput } from "../rpc";

/**
 * Emails the user a pairing link, unless the user is unknown, already enrolled, or had one a moment ago.
 * The outcome is for the audit log and tests only: callers answer the same either way (no enumeration).
 */
export function issuePairingLink(store: Store, input: IssuePairingLinkInput): "sent" | "skipped" {
  const now = nowMs();
  const { sql } = store;
  return store.tx(() => {
    const user = findActiveUser(sql, input.userId);
    if (!user || hasSecondFactor(sql, user.id)) return "skipped";
    const last = lastPairingAt(sql, user.id);
    if (last !== null && now - last < PAIRING_RESEND_SECONDS * 1000) return "skipped";
    const expiresAt = createPairing(sql, input.tokenHash, user.id, now);
    notifyUser(sql, user, { type: "pairing.link", expiresAt }, now, input.sealedLink);
    recordEvent(
      sql,
      { type: "2fa.pairing_link_sent", actor: input.actor, subject: { id: user.id, label: user.email }, meta: input.meta },
      now,
    );
    return "sent";
  });
}

/** The user a live link belongs to, or null: read before the edge seals a new secret for that user. */
export function pairingOwner(store: Store, tokenHash: string): string | null {
  return pairingUser(store.sql, tokenHash, nowMs()) ?? null;
}
