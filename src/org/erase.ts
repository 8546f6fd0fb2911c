// Erasing an org's object for an org deletion (started by the operator in the slug's directory object, see
// ../directory/deletion.ts). Before the erase, the keyed names of every user's email and passkey claims go to the slug's
// object, which frees them afterwards; the erase is then one deleteAll, and the empty schema is laid again so
// the object answers exactly as for an org that never existed (no org, no users, no sessions, no keys, no links).
// A marker written first keeps a half-done erase shut across a restart: the constructor finishes it before
// serving anything (OrgDurableObject), so a crash never leaves the org half-answering.
import { credentialClaimName, emailClaimName, slugClaim } from "../directory/names";
import type { Env } from "../env";
import { applyMigrations } from "../storage/migrate";
import { ORG_MIGRATIONS } from "./migrations";
import { readOrg } from "./settings";

/** Storage key of the marker: the erase has begun and must finish before the object serves again. */
export const ERASING_KEY = "erasing";

/** Whether a previous instance began an erase that did not finish. */
export async function eraseInterrupted(storage: DurableObjectStorage): Promise<boolean> {
  return (await storage.get<boolean>(ERASING_KEY)) === true;
}

/**
 * Erases the object if the slug's directory object confirms this org is being deleted; returns whether it did.
 * Run under blockConcurrencyWhile: no request is served between the list of claims and the erase, so no user
 * can be added in between and then be forgotten.
 */
export async function eraseOrg(storage: DurableObjectStorage, env: Env): Promise<boolean> {
  const org = readOrg(storage.sql);
  // Nothing to erase: never created, or erased already (deleteAll took the org row and the marker together).
  if (!org) return true;
  await storage.put(ERASING_KEY, true);
  const users = storage.sql.exec<{ id: string; email: string }>("SELECT id, email FROM users").toArray();
  // Passkeys claim their credential ids in the directory too (passwordless sign-in): freed the same way.
  const passkeys = storage.sql.exec<{ user_id: string; credential_id: string }>("SELECT user_id, credential_id FROM passkeys").toArray();
  const claims = await Promise.all([
    ...users.map(async (u) => ({ name: await emailClaimName(env, u.email), userId: u.id })),
    ...passkeys.map(async (p) => ({ name: await credentialClaimName(env, p.credential_id), userId: p.user_id })),
  ]);
  const confirmed = await slugClaim(env, org.slug).recordClaimsToFree(org.slug, org.jurisdiction, claims);
  if (!confirmed) {
    // Not being deleted (a stray call): the org stays as it was.
    await storage.delete(ERASING_KEY);
    return false;
  }
  // The housekeeping and mail alarm goes too: nothing is left to keep or send (queued mail is erased with it).
  await storage.deleteAlarm();
  await storage.deleteAll();
  applyMigrations(storage, ORG_MIGRATIONS);
  return true;
}
