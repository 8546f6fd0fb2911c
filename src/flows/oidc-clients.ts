// An admin's own OpenID clients ("Applications"), once for the JSON API and the page: registering and revoking
// are both step-up from a session (a client is a lasting way in; revoking one signs every user out of an app),
// and registering is never done with an API key.
import type { Env } from "../env";
import { ApiError } from "../errors";
import { auditActor, type SignedIn } from "../http/actor";
import { type ClientRegistration, registerOrgClient } from "../oidc/clients";
import type { RequestMeta } from "../org/results";
import { orgStub } from "../org/stub";
import { checkFormId } from "./form-ids";
import { unwrap } from "./outcomes";
import { requireStepUp, type StepUpProof } from "./step-up";

/**
 * Registers an org client; the answer holds the secret, this once. The Applications page gives its form's
 * single-use id, read before the step-up (a reload's spent code is not counted) and spent with the client.
 */
export async function registerApplication(
  env: Env,
  actor: SignedIn,
  reg: ClientRegistration,
  proof: StepUpProof,
  meta: RequestMeta,
  formId?: string,
) {
  if (actor.kind !== "session")
    throw new ApiError("forbidden", "Applications are registered from a signed-in session, not with an API key.");
  if (formId !== undefined) await checkFormId(env, actor.route, formId);
  await requireStepUp(env, actor, proof, meta);
  return registerOrgClient(env, actor.route, reg, actor.identity.user.id, actor.tokenHash, auditActor(actor), meta, formId);
}

/**
 * Revokes an org client and every grant it holds. A session steps up; an API key (which never steps up) may
 * still revoke: taking access away is the key's incident-response use, and it adds no way in.
 */
export async function revokeApplication(env: Env, actor: SignedIn, clientId: string, proof: StepUpProof, meta: RequestMeta) {
  if (actor.kind === "session") await requireStepUp(env, actor, proof, meta);
  const stub = orgStub(env, actor.route.slug, actor.route.jurisdiction);
  unwrap(await stub.revokeOidcClient({ id: clientId, actor: auditActor(actor), meta }));
}
