// Identifiers and bearer secrets of the OpenID provider that route themselves, like the session and API-key
// credentials (http/credentials.ts): an org client's id, a code and a refresh token name the org whose object
// holds them, so every lookup is one trip. A platform client's id names its own directory object.
// Tampering with the routing part only sends the request to an object where no row has that hash.
import { keyedHash, randomToken } from "../crypto/tokens";
import type { Route } from "../http/credentials";
import { JURISDICTIONS } from "../org/stub";
import { AUTH_CODE_BYTES, REFRESH_TOKEN_BYTES } from "./constants";

/** oc: an org's client id, oa: an authorization code, or: a refresh token. */
type Kind = "oc" | "oa" | "or";

const ROUTED = /^(oc|oa|or)\.([a-z0-9-]{3,40})\.([a-z]+|-)\.([A-Za-z0-9_-]{20,100})$/;
const PLATFORM_CLIENT = /^pc\.[A-Za-z0-9_-]{20,40}$/;

function routed(kind: Kind, route: Route, bytes: number): string {
  return `${kind}.${route.slug}.${route.jurisdiction ?? "-"}.${randomToken(bytes)}`;
}

export function parseRouted(kind: Kind, value: string | undefined | null): Route | null {
  const m = value ? ROUTED.exec(value) : null;
  if (!m || m[1] !== kind) return null;
  const jurisdiction = m[3] === "-" ? null : (m[3] as string);
  if (jurisdiction && !(JURISDICTIONS as readonly string[]).includes(jurisdiction)) return null;
  return { slug: m[2] as string, jurisdiction };
}

export const newOrgClientId = (route: Route) => routed("oc", route, 16);
export const newPlatformClientId = () => `pc.${randomToken(16)}`;
export const isPlatformClientId = (id: string) => PLATFORM_CLIENT.test(id);

/** A fresh secret and its keyed hash (only the hash is stored). */
export async function newSecret(hashKey: string, kind: "oa" | "or", route: Route) {
  const token = routed(kind, route, kind === "oa" ? AUTH_CODE_BYTES : REFRESH_TOKEN_BYTES);
  return { token, hash: await keyedHash(hashKey, token) };
}
