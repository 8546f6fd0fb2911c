// API keys: creating one (its hash made at the edge, an expiry always set) and revoking one, each audited.
// Who may create one (a person who stepped up, never a key) is decided at the edge; that the maker is still an active
// admin is checked again here, in the transaction that stores the key.
import { nowMs } from "../../clock";
import { type ApiKeyInfo, deleteApiKey, findApiKeyById, insertApiKey, listApiKeys } from "../api-keys";
import { recordEvent } from "../audit";
import { type FormIdRefusal, useFormId } from "../form-ids";
import { fail, ok, type Result } from "../results";
import type { CreateApiKeyInput, RevokeApiKeyInput } from "../rpc";
import type { Store } from "../store";
import { refuseMaker } from "./access";

export function createApiKey(
  store: Store,
  input: CreateApiKeyInput,
): Result<ApiKeyInfo, "not_found" | "forbidden" | "step_up_required" | FormIdRefusal> {
  const now = nowMs();
  const { sql } = store;
  return store.tx(() => {
    // A key acts for the person who made it: no person, no key. A request that passed the edge's check while its
    // maker was being deactivated or demoted (which kill their keys) must not leave a key behind that wakes up when
    // they are restored, nor one from a session closed while it was on its way.
    const refused = refuseMaker(sql, input.createdBy, input.sessionTokenHash);
    if (refused) return refused;
    // A page form makes one key: the same post sent again (a reload of the page that showed it) makes none.
    if (input.formId !== undefined) {
      const used = useFormId(sql, input.formId, now);
      if (!used.ok) return used;
    }
    const expiresAt = now + input.expiresInDays * 86_400_000;
    insertApiKey(
      sql,
      { id: input.id, keyHash: input.keyHash, name: input.name, role: input.role, createdBy: input.createdBy, expiresAt },
      now,
    );
    recordEvent(
      sql,
      {
        type: "api_key.created",
        actor: input.actor,
        subject: { id: input.id, label: input.name },
        meta: input.meta,
        detail: { role: input.role, expiresInDays: input.expiresInDays },
      },
      now,
    );
    return ok(findApiKeyById(sql, input.id) as ApiKeyInfo);
  });
}

export function revokeApiKey(store: Store, input: RevokeApiKeyInput): Result<null, "not_found"> {
  const now = nowMs();
  const { sql } = store;
  return store.tx(() => {
    const key = findApiKeyById(sql, input.id);
    if (!key || !deleteApiKey(sql, input.id)) return fail("not_found");
    recordEvent(sql, { type: "api_key.revoked", actor: input.actor, subject: { id: key.id, label: key.name }, meta: input.meta }, now);
    return ok(null);
  });
}

export { listApiKeys };
