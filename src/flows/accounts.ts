// Creating orgs and users: reserve the unique names in the directory, write the org's object, then confirm.
// If the org's object refuses, the reservations are released. If the call to it fails in an unknown way, they
// are left pending on purpose: the directory settles a pending claim by asking the org (see directory/).
import { ApiError } from "../errors";
import type { Env } from "../env";
import { config } from "../config";
import { hashPassword } from "../crypto/password";
import { newId } from "../crypto/tokens";
import type { Route } from "../http/credentials";
import type { AuditActor, Caller, RequestMeta, Role, UserInfo } from "../org/results";
import { orgStub } from "../org/stub";
import { emailClaim, emailKey, slugClaim } from "../directory/names";
import { newEmailLink } from "./email";
import { unwrap } from "./outcomes";

export interface NewUserInput {
  email: string;
  password: string;
  name?: string | undefined;
  role: Role;
}

async function prepareUser(env: Env, input: NewUserInput) {
  const id = newId("usr");
  return {
    id,
    email: input.email.trim(),
    name: input.name?.trim() || input.email.trim().split("@")[0] || "",
    role: input.role,
    passwordHash: await hashPassword(env.PASSWORD_PEPPER, input.password, config(env).passwordIterations, id),
  };
}

export async function createOrg(
  env: Env,
  input: { slug: string; name: string; jurisdiction: string | null; admin: Omit<NewUserInput, "role"> },
  actor: AuditActor,
  meta: RequestMeta,
): Promise<{ org: { slug: string; name: string; jurisdiction?: string }; admin: UserInfo }> {
  const admin = await prepareUser(env, { ...input.admin, role: "admin" });
  const route = { orgSlug: input.slug, jurisdiction: input.jurisdiction };
  const slugDir = slugClaim(env, input.slug);
  // The slug is claimed under the first admin's (fresh, unique) id: two racing creations of one slug then hold
  // different claims, so the loser can never release the winner's, and a pending claim is settled by asking the
  // org whether that admin exists.
  if (!(await slugDir.reserve({ ...route, userId: admin.id }))) throw new ApiError("conflict", "An org with this slug already exists.");
  const emailDir = await emailClaim(env, admin.email);
  if (!(await emailDir.reserve({ ...route, userId: admin.id }))) {
    await slugDir.release(admin.id);
    throw new ApiError("conflict", "This email is already in use.");
  }
  const stub = orgStub(env, input.slug, input.jurisdiction);
  const result = await stub.initialize({ slug: input.slug, name: input.name, jurisdiction: input.jurisdiction, admin, actor, meta });
  if (!result.ok) {
    await Promise.all([emailDir.release(admin.id), slugDir.release(admin.id)]);
    unwrap(result);
  }
  await Promise.all([emailDir.confirm(admin.id), slugDir.confirm(admin.id)]);
  return {
    org: { slug: input.slug, name: input.name, ...(input.jurisdiction ? { jurisdiction: input.jurisdiction } : {}) },
    admin: { id: admin.id, email: admin.email, name: admin.name, role: "admin" },
  };
}

export async function createUser(
  env: Env,
  route: Route,
  input: NewUserInput,
  caller: Caller,
  actor: AuditActor,
  meta: RequestMeta,
  origin: string,
): Promise<UserInfo> {
  const user = await prepareUser(env, input);
  // An address typed by an admin is unverified: a link mailed to it in the creating transaction verifies it.
  const verification = await newEmailLink(env, route, user.id, origin);
  const emailDir = await emailClaim(env, user.email);
  // With the address's key, a claim left behind by a change of address that did not finish is healed here.
  const claim = { orgSlug: route.slug, jurisdiction: route.jurisdiction, userId: user.id, emailKey: await emailKey(env, user.email) };
  if (!(await emailDir.reserve(claim))) {
    throw new ApiError("conflict", "This email is already in use.");
  }
  const result = await orgStub(env, route.slug, route.jurisdiction).createUser({ user, caller, actor, meta, verification });
  if (!result.ok) {
    await emailDir.release(user.id);
    return unwrap(result);
  }
  await emailDir.confirm(user.id);
  return result.value;
}
