// Creating an API key, for the JSON API and the pages: the secret is made at the edge, only its keyed hash
// reaches the org's object, and the key itself is returned this once. Callers have checked step-up: a key is a
// lasting credential, so a stale or stolen session alone must not mint one (docs/api.md), and keys never make keys.
import type { Env } from "../env";
import { newId } from "../crypto/tokens";
import { issueCredential, type Route } from "../http/credentials";
import type { AuditActor, RequestMeta, Role } from "../org/results";
import { orgStub } from "../org/stub";
import { unwrap } from "./outcomes";

export async function createApiKey(
  env: Env,
  route: Route,
  input: {
    name: string;
    role: Role;
    createdBy: string;
    expiresInDays: number;
    formId?: string | undefined;
    /** The maker's session token hash: the org's object checks it still stands as the edge saw it. */
    sessionTokenHash: string;
  },
  actor: AuditActor,
  meta: RequestMeta,
) {
  const credential = await issueCredential(env.HASH_KEY, "gk", route);
  const key = unwrap(
    await orgStub(env, route.slug, route.jurisdiction).createApiKey({
      id: newId("key"),
      keyHash: credential.hash,
      name: input.name,
      role: input.role,
      createdBy: input.createdBy,
      expiresInDays: input.expiresInDays,
      ...(input.formId !== undefined ? { formId: input.formId } : {}),
      sessionTokenHash: input.sessionTokenHash,
      actor,
      meta,
    }),
  );
  const { id, name, role, createdAt, expiresAt, createdBy } = key;
  return { id, name, role, createdAt, expiresAt, createdBy, key: credential.token };
}
