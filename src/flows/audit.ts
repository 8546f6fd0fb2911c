// One page of the audit log, for the JSON API and the Audit page: the same cursor (`before`, the id of the previous
// page's last event) and the same rule for the next one, so a link on the page pages exactly as the API does.
import { AUDIT_PAGE_DEFAULT } from "../constants";
import type { Env } from "../env";
import type { Route } from "../http/credentials";
import type { AuditEvent } from "../org/rpc";
import { orgStub } from "../org/stub";

/** Newest first; `nextBefore` only when the page is full (there may be older events: pass it back as `before`). */
export async function readAuditPage(
  env: Env,
  route: Route,
  query: { limit?: number | undefined; before?: number | undefined },
): Promise<{ events: AuditEvent[]; nextBefore?: number }> {
  const limit = query.limit ?? AUDIT_PAGE_DEFAULT;
  const events = await orgStub(env, route.slug, route.jurisdiction).auditEvents(limit, query.before);
  const last = events.at(-1);
  return { events, ...(last && events.length === limit ? { nextBefore: last.id } : {}) };
}
