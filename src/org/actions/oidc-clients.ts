// The org's own OpenID clients (only this org's users may use them): registered by an admin (the route checked
// step-up; the object checks the admin and the session again), listed, revoked. Revoking a client ends every grant it holds at once.
import { nowMs } from "../../clock";
import { recordEvent } from "../audit";
import { type FormIdRefusal, useFormId } from "../form-ids";
import type { NewOidcClient, OidcClient, OidcClientInfo } from "../oidc-rpc";
import { findClient, insertClient, listClients, markClientRevoked, type OidcClientRow, revokeClientGrants } from "../oidc-store";
import { type AuditActor, fail, ok, type RequestMeta, type Result } from "../results";
import { readOrg } from "../settings";
import type { Store } from "../store";
import { refuseMaker } from "./access";

function toClient(row: OidcClientRow, orgSlug: string): OidcClient {
  return {
    id: row.id,
    name: row.name,
    type: row.type === "public" ? "public" : "confidential",
    secretHash: row.secret_hash,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    postLogoutRedirectUris: JSON.parse(row.post_logout_uris) as string[],
    orgSlug,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

export function info({ secretHash: _, ...rest }: OidcClient): OidcClientInfo {
  return rest;
}

export function registerClient(
  store: Store,
  input: NewOidcClient,
): Result<OidcClientInfo, FormIdRefusal | "not_found" | "forbidden" | "step_up_required"> {
  const now = nowMs();
  return store.tx(() => {
    // A client is a lasting way in: its maker is asked again here, as an API key's is (access.ts refuseMaker).
    const refused = refuseMaker(store.sql, input.createdBy, input.sessionTokenHash);
    if (refused) return refused;
    // A page form registers one client: the same post sent again (a reload of the page that showed the secret)
    // registers none.
    if (input.formId !== undefined) {
      const used = useFormId(store.sql, input.formId, now);
      if (!used.ok) return used;
    }
    const row = {
      id: input.id,
      name: input.name,
      type: input.type,
      secret_hash: input.secretHash,
      redirect_uris: JSON.stringify(input.redirectUris),
      post_logout_uris: JSON.stringify(input.postLogoutRedirectUris),
      created_by: input.createdBy,
      created_at: now,
    };
    insertClient(store.sql, row);
    const detail = { type: input.type };
    recordEvent(
      store.sql,
      { type: "oidc.client_created", actor: input.actor, subject: { id: input.id, label: input.name }, meta: input.meta, detail },
      now,
    );
    return ok(info(toClient({ ...row, revoked_at: null }, readOrg(store.sql)?.slug ?? "")));
  });
}

export function listOrgClients(store: Store): OidcClientInfo[] {
  const slug = readOrg(store.sql)?.slug ?? "";
  return listClients(store.sql).map((row) => info(toClient(row, slug)));
}

/** A live client of this org, or null (revoked or unknown). */
export function liveClient(store: Store, id: string): OidcClient | null {
  const row = findClient(store.sql, id);
  const org = readOrg(store.sql);
  if (!row || row.revoked_at !== null || !org) return null;
  return toClient(row, org.slug);
}

export function revokeClient(store: Store, input: { id: string; actor: AuditActor; meta: RequestMeta }): Result<null, "not_found"> {
  const now = nowMs();
  return store.tx(() => {
    const row = findClient(store.sql, input.id);
    if (!row || !markClientRevoked(store.sql, input.id, now)) return fail("not_found");
    const grants = revokeClientGrants(store.sql, input.id, now);
    recordEvent(
      store.sql,
      { type: "oidc.client_revoked", actor: input.actor, subject: { id: row.id, label: row.name }, meta: input.meta, detail: { grants } },
      now,
    );
    return ok(null);
  });
}
