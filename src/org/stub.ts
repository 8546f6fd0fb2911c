// Routing to an org's object: one object per org slug, created in the org's jurisdiction when it has one.
// Local workerd does not implement jurisdictions, so development and tests set JURISDICTION_MODE=emulated:
// the object is then named "<jurisdiction>:<slug>" (a slug has no ':'), which keeps the routing testable.
import type { Env } from "../env";

export const JURISDICTIONS = ["eu", "fedramp"] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];

export function orgStub(env: Pick<Env, "ORG" | "JURISDICTION_MODE">, slug: string, jurisdiction: string | null | undefined) {
  if (!jurisdiction) return env.ORG.getByName(slug);
  if (env.JURISDICTION_MODE === "emulated") return env.ORG.getByName(`${jurisdiction}:${slug}`);
  const ns = env.ORG.jurisdiction(jurisdiction as DurableObjectJurisdiction);
  return ns.get(ns.idFromName(slug));
}
