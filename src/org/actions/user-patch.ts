// PATCH /api/org/users/{id} (docs/api.md): a role, a name and active, changed together or not at all. Each part
// is the action it always was (its own rules, audit entry and mail); this runs them in one outer transaction and
// undoes the parts already made when a later one is refused, so a 409 never leaves half a change behind.
import { fail, ok, type Result, type UserInfo } from "../results";
import type { Store } from "../store";
import { findUser } from "../users";
import { changeRole } from "./admin";
import { rename, setActive } from "./people";
import type { PatchUserInput, PeopleFailure } from "../people-rpc";

/** Carries a refusal out of the transaction, which rolls back on the throw. */
class Refused {
  constructor(readonly result: { ok: false; reason: PeopleFailure; retryAfterSeconds?: number }) {}
}

function must<T>(result: Result<T, PeopleFailure>): T {
  if (!result.ok) throw new Refused(result);
  return result.value;
}

export function patchUser(
  store: Store,
  input: PatchUserInput,
): Result<{ user: UserInfo & { active: boolean }; rotated: boolean }, PeopleFailure> {
  const { userId, caller, actor, meta } = input;
  try {
    return store.tx(() => {
      let rotated = false;
      if (input.role !== undefined) {
        const rotate = input.rotate ? { rotate: input.rotate } : {};
        rotated = must(changeRole(store, { userId, role: input.role, caller, actor, meta, ...rotate })).rotated;
      }
      if (input.name !== undefined) must(rename(store, { userId, name: input.name, actor, meta }));
      if (input.active !== undefined) must(setActive(store, { userId, active: input.active, caller, actor, meta }));
      const user = findUser(store.sql, userId);
      if (!user) return fail("not_found");
      const info = { id: user.id, email: user.email, name: user.name, role: user.role, active: user.deactivated_at === null };
      return ok({ user: info, rotated });
    });
  } catch (e) {
    if (e instanceof Refused) return e.result;
    throw e;
  }
}
