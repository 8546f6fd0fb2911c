// Org deletion helpers for tests: the operator's calls, and the slug object's alarm that frees the claims.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { callJson } from "./api";
import { TEST_SECRETS } from "./secrets";

const bearer = TEST_SECRETS.PLATFORM_TOKEN;

export function deleteOrg(slug: string) {
  return callJson<Record<string, unknown>>(`/api/platform/orgs/${slug}`, { method: "DELETE", bearer });
}

export function orgStatus(slug: string) {
  return callJson<Record<string, unknown>>(`/api/platform/orgs/${slug}`, { bearer });
}

export function slugObject(slug: string) {
  return env.DIRECTORY.getByName(`slug:${slug}`);
}

/** Runs the slug object's alarm: erases the org if not yet done, frees one batch of claims, or finishes. */
export function runDeletionAlarm(slug: string) {
  return runDurableObjectAlarm(slugObject(slug));
}

/** The org object's tables that still hold rows, and its alarm: ([] and null once erased). */
export function orgStorage(slug: string) {
  return runInDurableObject(env.ORG.getByName(slug), async (_o, state) => ({
    tables: state.storage.sql
      .exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%'",
      )
      .toArray()
      .map((t) => t.name)
      .filter((t) => state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`).one().n > 0),
    alarm: await state.storage.getAlarm(),
  }));
}
