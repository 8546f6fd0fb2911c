// Every emailed link that acts on a user's account, ended together when the account is deactivated or removed.
import { revokeUserEmailLinks } from "./email-links";
import { revokeUserPairings } from "./pairing";

/**
 * Ends the user's pending mail links, inside the caller's transaction: pairing links, email verification and
 * change-of-address links. Each new kind of mail link adds its own revoke call here.
 */
export function revokeUserLinks(sql: SqlStorage, userId: string, now: number): void {
  revokeUserPairings(sql, userId, now);
  revokeUserEmailLinks(sql, userId, now);
}
