// Reading an org's audit log straight from its object's storage, oldest first.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";

export type AuditRow = {
  id: number;
  type: string;
  class: "security" | "noise";
  /** An aggregated noise row stands for 1 + repeats events. */
  repeats: number;
  subject_id: string | null;
  detail: string | null;
};

/** The audit rows as stored: aggregated failures are one row each. */
export function auditRows(slug: string): Promise<AuditRow[]> {
  return runInDurableObject(env.ORG.getByName(slug), (_o, state) =>
    state.storage.sql
      .exec<AuditRow>("SELECT id, type, class, repeats, subject_id, detail FROM audit ORDER BY id")
      .toArray()
      .map((r) => ({ ...r })),
  );
}

/** Every event's type, once per occurrence (a row of aggregated failures counts 1 + repeats). */
export async function auditTypes(slug: string): Promise<string[]> {
  return (await auditRows(slug)).flatMap((r) => Array<string>(1 + r.repeats).fill(r.type));
}
