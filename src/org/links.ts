// Every emailed link that acts on a user's account, ended together when the account is deactivated or removed.
import { revokeUserPairings } from "./pairing";

/**
 * Ends the user's pending mail links, inside the caller's transaction. Pairing links live here today; each new
 * kind of mail link (invites, email verification, email change) adds its own revoke call to this function.
 */
export function revokeUserLinks(sql: SqlStorage, userId: string, now: number): void {
  revokeUserPairings(sql, userId, now);
}
