// The org's users as the JSON API lists them, one shape for an admin (GET /api/org/users) and for support
// (GET /api/platform/orgs/{slug}/users), so the two answers cannot drift apart (docs/api.md "Big orgs").
import { USER_PAGE_DEFAULT } from "../constants";
import type { Env } from "../env";
import type { Route } from "../http/credentials";
import { orgStub } from "../org/stub";

export interface UserListQuery {
  cursor?: string | undefined;
  limit?: number | undefined;
  q?: string | undefined;
}

/** A page of the org's users, oldest first, searched by email or name; `nextCursor` is null on the last page. */
export async function listUsers(env: Env, route: Route, query: UserListQuery) {
  const { users, nextCursor } = await orgStub(env, route.slug, route.jurisdiction).userPage({
    cursor: query.cursor,
    limit: query.limit ?? USER_PAGE_DEFAULT,
    q: query.q || undefined,
  });
  return {
    nextCursor,
    users: users.map(({ id, email, name, role, twoFactorEnabled, lastLoginAt, locked, lockedUntil, active, emailVerified }) => ({
      id,
      email,
      name,
      role,
      twoFactorEnabled,
      lastLoginAt,
      locked,
      lockedUntil,
      active,
      emailVerified,
    })),
  };
}
