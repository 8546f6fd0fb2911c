// Changing one's password, shared by the API and the pages: both KDF runs happen here at the edge.
import type { Env } from "../env";
import { config } from "../config";
import { hashPassword, verifyPassword } from "../crypto/password";
import { ApiError } from "../errors";
import type { Route } from "../http/credentials";
import type { RequestMeta } from "../org/results";
import { orgStub } from "../org/stub";
import { unwrapFromSession } from "./outcomes";

/** A session closed by a first factor set up elsewhere (sessions.ts): it must prove that factor, so sign in again. */
const CLOSED_SESSION = "This session was opened before your second factor was set up: sign in again with it to change your password.";

const SAME_PASSWORD = "Field 'newPassword' must differ from the current password.";

export async function changePassword(
  env: Env,
  route: Route,
  input: { userId: string; currentPassword: string; newPassword: string; keepSession: string },
  meta: RequestMeta,
): Promise<void> {
  // Nothing would change: said before either KDF runs, and it counts as no wrong password (both were given here).
  if (input.newPassword === input.currentPassword) throw new ApiError("invalid_request", SAME_PASSWORD);
  const stub = orgStub(env, route.slug, route.jurisdiction);
  const stored = (await stub.passwordHashOf(input.userId)) ?? "";
  const currentOk = await verifyPassword(env.PASSWORD_PEPPER, input.currentPassword, stored);
  const newHash = await hashPassword(env.PASSWORD_PEPPER, input.newPassword, config(env).passwordIterations, input.userId);
  const result = await stub.changePassword({
    userId: input.userId,
    checkedHash: stored,
    currentOk,
    newHash,
    keepSession: input.keepSession,
    meta,
  });
  unwrapFromSession(result, CLOSED_SESSION);
}
