// Reading an org's audit log straight from its object's storage, oldest first.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";

export function auditTypes(slug: string): Promise<string[]> {
  return runInDurableObject(env.ORG.getByName(slug), (_o, state) =>
    state.storage.sql
      .exec<{ type: string }>("SELECT type FROM audit ORDER BY id")
      .toArray()
      .map((r) => r.type),
  );
}
