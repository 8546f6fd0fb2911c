// Bearer secrets that route themselves: a session token, API key or pairing link names its org (and jurisdiction), so the
// Worker finds the org's object without a lookup, and the object finds the row by the secret's keyed hash.
// Format: <kind>.<org slug>.<jurisdiction or "-">.<random>. Tampering with the routing part only sends the
// request to an org where no row has that hash.
import { API_KEY_BYTES, INVITE_TOKEN_BYTES, MAIL_LINK_TOKEN_BYTES, PAIRING_TOKEN_BYTES, SESSION_TOKEN_BYTES } from "../constants";
import { keyedHash, randomToken } from "../crypto/tokens";
import { JURISDICTIONS } from "../org/stub";

/**
 * gs: session, gk: API key, gp: pairing link (starts 2FA enrollment only, never a session), gi: invite link
 * (creates its one account), gm: email link (verifies an address or confirms a change of address).
 */
export type CredentialKind = "gs" | "gk" | "gp" | "gi" | "gm";

export interface Route {
  slug: string;
  jurisdiction: string | null;
}

const PATTERN = /^(gs|gk|gp|gi|gm)\.([a-z0-9-]{3,40})\.([a-z]+|-)\.([A-Za-z0-9_-]{20,100})$/;

export async function issueCredential(hashKey: string, kind: CredentialKind, route: Route) {
  const bytes = { gs: SESSION_TOKEN_BYTES, gp: PAIRING_TOKEN_BYTES, gk: API_KEY_BYTES, gi: INVITE_TOKEN_BYTES, gm: MAIL_LINK_TOKEN_BYTES }[
    kind
  ];
  const token = `${kind}.${route.slug}.${route.jurisdiction ?? "-"}.${randomToken(bytes)}`;
  return { token, hash: await keyedHash(hashKey, token) };
}

export function parseCredential(kind: CredentialKind, token: string | undefined | null): Route | null {
  const m = token ? PATTERN.exec(token) : null;
  if (!m || m[1] !== kind) return null;
  const jurisdiction = m[3] === "-" ? null : (m[3] as string);
  if (jurisdiction && !(JURISDICTIONS as readonly string[]).includes(jurisdiction)) return null;
  return { slug: m[2] as string, jurisdiction };
}

export function hashCredential(hashKey: string, token: string): Promise<string> {
  return keyedHash(hashKey, token);
}
