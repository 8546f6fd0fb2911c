// Creating an API key, for the JSON API and the pages: the secret is made at the edge,
// only its keyed hash reaches the org's object, and the key itself is returned this once.
import type { Env } from "../env";
import { newId } from "../crypto/tokens";
import { issueCredential, type Route } from "../http/credentials";
import type { AuditActor, RequestMeta, Role } from "../org/results";
import { orgStub } from "../org/stub";

export async function createApiKey(
  env: Env,
  route: Route,
  input: { name: string; role: Role; createdBy: string },
  actor: AuditActor,
  meta: RequestMeta,
) {
  const credential = await issueCredential(env.HASH_KEY, "gk", route);
  const key = await orgStub(env, route.slug, route.jurisdiction).createApiKey({
    id: newId("key"),
    keyHash: credential.hash,
    name: input.name,
    role: input.role,
    createdBy: input.createdBy,
    actor,
    meta,
  });
  return { id: key.id, name: key.name, role: key.role, createdAt: key.createdAt, key: credential.token };
}
