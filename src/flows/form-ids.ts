// Single-use page forms (org/form-ids.ts), for the pages whose answer shows a secret once: the form's id is read
// before anything else is checked, so a reload says what happened instead of spending a code again.
import type { Env } from "../env";
import type { Route } from "../http/credentials";
import { orgStub } from "../org/stub";
import { unwrap } from "./outcomes";

/** Passes while the form may still make its secret; else 409 (already sent) or 400 (too old), with the reason. */
export async function checkFormId(env: Env, route: Route, formId: string): Promise<void> {
  unwrap(await orgStub(env, route.slug, route.jurisdiction).checkFormId(formId));
}
