// Changing one's password, shared by the API and the pages: both KDF runs happen here at the edge.
import type { Env } from "../env";
import { config } from "../config";
import { hashPassword, verifyPassword } from "../crypto/password";
import type { Route } from "../http/credentials";
import type { RequestMeta } from "../org/results";
import { orgStub } from "../org/stub";
import { unwrap } from "./outcomes";

export async function changePassword(
  env: Env,
  route: Route,
  input: { userId: string; currentPassword: string; newPassword: string; keepSession: string },
  meta: RequestMeta,
): Promise<void> {
  const stub = orgStub(env, route.slug, route.jurisdiction);
  const stored = (await stub.passwordHashOf(input.userId)) ?? "";
  const currentOk = await verifyPassword(env.PASSWORD_PEPPER, input.currentPassword, stored);
  const newHash = await hashPassword(env.PASSWORD_PEPPER, input.newPassword, config(env).passwordIterations, input.userId);
  unwrap(
    await stub.changePassword({ userId: input.userId, checkedHash: stored, currentOk, newHash, keepSession: input.keepSession, meta }),
  );
}
