// Routing to an org's object: one object per org slug, created in the org's jurisdiction when it has one.
import type { Env } from "../env";

export const JURISDICTIONS = ["eu", "fedramp"] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];

export function orgStub(env: Pick<Env, "ORG">, slug: string, jurisdiction: string | null | undefined) {
  const ns = jurisdiction ? env.ORG.jurisdiction(jurisdiction as DurableObjectJurisdiction) : env.ORG;
  return ns.get(ns.idFromName(slug));
}
