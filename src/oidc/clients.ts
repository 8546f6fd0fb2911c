// OpenID clients at the edge: registration (secret made here, only its keyed hash stored), lookup in one trip
// (an org client's id names its org; a platform client's id names its directory object) and RFC 6749 2.3
// client authentication: client_secret_basic for confidential clients, none (PKCE alone) for public ones.
import { timingSafeEqual } from "../crypto/compare";
import { keyedHash, randomToken } from "../crypto/tokens";
import type { Env } from "../env";
import { ApiError } from "../errors";
import type { Route } from "../http/credentials";
import type { AuditActor, RequestMeta } from "../org/results";
import type { ClientType, OidcClient } from "../org/oidc-rpc";
import { orgStub } from "../org/stub";
import { unwrap } from "../flows/outcomes";
import { CLIENT_SECRET_BYTES } from "./constants";
import { isPlatformClientId, newOrgClientId, newPlatformClientId, parseRouted } from "./ids";

export interface ClientRegistration {
  name: string;
  type: ClientType;
  redirectUris: string[];
  postLogoutRedirectUris?: string[] | undefined;
}

function platformObject(env: Env, clientId: string) {
  return env.DIRECTORY.getByName(`oidc-client:${clientId}`);
}

async function secretFor(env: Env, type: ClientType) {
  if (type === "public") return { secret: undefined, hash: null };
  const secret = randomToken(CLIENT_SECRET_BYTES);
  return { secret, hash: await keyedHash(env.HASH_KEY, `client-secret:${secret}`) };
}

function answer(client: Omit<OidcClient, "secretHash" | "createdBy" | "createdAt">, secret: string | undefined) {
  return {
    clientId: client.id,
    ...(secret ? { clientSecret: secret } : {}),
    name: client.name,
    type: client.type,
    redirectUris: client.redirectUris,
    postLogoutRedirectUris: client.postLogoutRedirectUris,
    org: client.orgSlug,
  };
}

/** A platform client: any org's users may sign in to it. The secret is returned this once. */
export async function registerPlatformClient(env: Env, reg: ClientRegistration) {
  const { secret, hash } = await secretFor(env, reg.type);
  const id = newPlatformClientId();
  const client = {
    id,
    name: reg.name,
    type: reg.type,
    secretHash: hash,
    redirectUris: reg.redirectUris,
    postLogoutRedirectUris: reg.postLogoutRedirectUris ?? [],
    createdAt: Date.now(),
  };
  if (!(await platformObject(env, id).registerPlatformClient(client))) throw new ApiError("conflict", "Client id collision; try again.");
  return answer({ ...client, orgSlug: null }, secret);
}

/** An org's client: only that org's users may sign in to it. The secret is returned this once. */
export async function registerOrgClient(
  env: Env,
  route: Route,
  reg: ClientRegistration,
  createdBy: string,
  sessionTokenHash: string,
  actor: AuditActor,
  meta: RequestMeta,
  formId?: string,
) {
  const { secret, hash } = await secretFor(env, reg.type);
  const registered = await orgStub(env, route.slug, route.jurisdiction).registerOidcClient({
    id: newOrgClientId(route),
    name: reg.name,
    type: reg.type,
    secretHash: hash,
    redirectUris: reg.redirectUris,
    postLogoutRedirectUris: reg.postLogoutRedirectUris ?? [],
    createdBy,
    sessionTokenHash,
    ...(formId !== undefined ? { formId } : {}),
    actor,
    meta,
  });
  return answer(unwrap(registered), secret);
}

/** The live client with this id, or null: one trip, to its org's object or its own directory object. */
export async function findClient(env: Env, clientId: string | undefined | null): Promise<OidcClient | null> {
  if (!clientId) return null;
  if (isPlatformClientId(clientId)) return platformObject(env, clientId).platformClient();
  const route = parseRouted("oc", clientId);
  if (!route) return null;
  const client = await orgStub(env, route.slug, route.jurisdiction).oidcClient(clientId);
  // The id's routing part named this org; the row must agree (an id is only ever stored in its own org).
  return client && client.id === clientId && client.orgSlug === route.slug ? client : null;
}

export async function revokePlatformClient(env: Env, clientId: string): Promise<boolean> {
  return isPlatformClientId(clientId) ? platformObject(env, clientId).revokePlatformClient() : false;
}

/** Whether a person of this org may use the client: platform clients take anyone, org clients their own org. */
export function clientAdmits(client: OidcClient, orgSlug: string): boolean {
  return client.orgSlug === null || client.orgSlug === orgSlug;
}

export class ClientAuthError extends Error {
  constructor(readonly basic: boolean) {
    super("invalid_client");
  }
}

/**
 * RFC 6749 2.3.1 / OIDC Core 9: a confidential client sends its id and secret in Basic (client_secret_basic) or in
 * the form body (client_secret_post, the default of common libraries such as openid-client); a public one sends its
 * client_id alone (`none`). Anything else is invalid_client: two methods in one request (RFC 6749 2.3), a secret
 * from a public client, which has none to send, or a confidential client's id without its secret.
 */
export async function authenticateClient(
  env: Env,
  authorization: string | undefined,
  body: { clientId: string | undefined; secret: string | undefined },
): Promise<OidcClient> {
  const bodyClientId = body.clientId;
  if (body.secret !== undefined) {
    if (authorization !== undefined) throw new ClientAuthError(true);
    return confidentialClient(env, bodyClientId, body.secret, false);
  }
  if (authorization !== undefined) {
    const m = /^Basic +([A-Za-z0-9+/=]{1,1000})$/i.exec(authorization.trim());
    let id: string | undefined;
    let secret: string | undefined;
    try {
      const decoded = m ? atob(m[1] as string) : "";
      const colon = decoded.indexOf(":");
      if (colon > 0) {
        id = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, " "));
        secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, " "));
      }
    } catch {}
    if (!id || !secret || (bodyClientId !== undefined && bodyClientId !== id)) throw new ClientAuthError(true);
    return confidentialClient(env, id, secret, true);
  }
  const client = await findClient(env, bodyClientId);
  // A confidential client must prove its secret: its id alone is public.
  if (client?.type !== "public") throw new ClientAuthError(false);
  return client;
}

/** The confidential client whose secret this is (compared as keyed hashes, in constant time), or invalid_client. */
async function confidentialClient(env: Env, id: string | undefined, secret: string, basic: boolean): Promise<OidcClient> {
  const client = id ? await findClient(env, id) : null;
  const hash = await keyedHash(env.HASH_KEY, `client-secret:${secret}`);
  if (client?.type !== "confidential" || !client.secretHash || !timingSafeEqual(hash, client.secretHash)) {
    throw new ClientAuthError(basic);
  }
  return client;
}
