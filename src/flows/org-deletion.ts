// The operator deletes an org (docs/api.md, "DELETE /api/platform/orgs/{slug}"). The slug's directory object
// records the deletion first (from then on the slug names no org), the org's object erases itself at once, and
// the directory frees the email claims and then the slug from its alarm. The status lives in the slug's
// object, because the org's own storage, its audit log included, is gone after the erase.
import { ApiError } from "../errors";
import type { Env } from "../env";
import type { DeletionStatus } from "../directory/deletion";
import type { AuditActor, RequestMeta } from "../org/results";
import { orgStub } from "../org/stub";
import { slugClaim } from "../directory/names";
import { unwrap } from "./outcomes";

export type OrgStatus = { slug: string; state: "active"; name: string; jurisdiction: string | null } | ({ slug: string } & DeletionStatus);

/** The org under a slug as the operator sees it; null when the slug was never used. */
export async function orgStatus(env: Env, slug: string): Promise<OrgStatus | null> {
  const { claim, deletion } = await slugClaim(env, slug).orgStatus();
  if (claim) {
    const org = await orgStub(env, claim.orgSlug, claim.jurisdiction).getOrg();
    if (org) return { slug, state: "active", name: org.name, jurisdiction: claim.jurisdiction };
  }
  return deletion ? { slug, ...deletion } : null;
}

/**
 * Starts (or, when under way, continues) the deletion and erases the org's object before answering, so the org
 * has stopped answering by the time the operator reads 202. If the erase fails here, the directory's alarm
 * retries it; the answer is then a 500 and the operator may simply ask again.
 */
export async function deleteOrg(env: Env, slug: string, actor: AuditActor, meta: RequestMeta): Promise<OrgStatus> {
  const dir = slugClaim(env, slug);
  const started = unwrap(await dir.beginDeletion({ requestedBy: actor.label ?? actor.type, ip: meta.ip ?? null }));
  if (started.state === "deleting" && started.erasedAt === null) {
    if (!(await orgStub(env, started.orgSlug, started.jurisdiction).eraseForDeletion())) {
      throw new Error("the org's object refused to erase itself");
    }
    await dir.orgErased();
  }
  const status = await orgStatus(env, slug);
  if (!status) throw new ApiError("not_found", "No org has this slug.");
  return status;
}
