// Users (admins): who is in the org, their 2FA and lock status, Add user, and Reset 2FA / Unlock behind a
// confirmation page that asks for step-up in place when the target is an admin.
import { Alert, Csrf, Field } from "../components";
import { Layout, type PageCtx } from "../layout";
import { type ListPaging, ListPager, ListSearch } from "../paging";
import { type StepUpAsk, StepUpFields } from "../step-up";
import type { UserListEntry } from "../../org/rpc";
import { when } from "../when";
import { UserActions, UserStateBadge } from "./user-actions";
import type { Child } from "hono/jsx";

export interface AddUserForm {
  values: { email?: string; name?: string; role?: string };
  errors: { email?: string; name?: string; password?: string; form?: string };
  /** Adding an admin from a stale session: the code is asked in place (the password field is the new user's). */
  stepUp?: StepUpAsk | undefined;
}

export function UsersPage({
  ctx,
  users,
  selfId,
  form,
  notice,
  invites,
  paging,
  activeAdmins,
}: {
  ctx: PageCtx;
  users: UserListEntry[];
  selfId: string;
  form: AddUserForm;
  notice?: string | undefined;
  /** The invite form and pending invites (ui/pages/invites.tsx). */
  invites?: Child;
  /**
   * Big orgs: the search in force, the links to the next page (null on the last one) and back to the first (null
   * on the first), and how many users the org has in all (the heading's count: never the page's).
   */
  paging?: (ListPaging & { total: number }) | undefined;
  /** Active admins in the org (the viewer among them when an admin): the last one is not offered stepping down. */
  activeAdmins?: number | undefined;
}) {
  const { t } = ctx;
  const u = t.users;
  return (
    <Layout ctx={ctx} title={u.title}>
      <h1>{u.title}</h1>
      {notice ? <Alert kind="ok">{notice}</Alert> : null}
      <section class="card table-wrap" aria-labelledby="users-title">
        <h2 id="users-title">{paging ? `${u.title} (${paging.total})` : u.title}</h2>
        {paging ? <ListSearch ctx={ctx} id="users-q" action="/users" clearHref="/users" q={paging.q} /> : null}
        {users.length === 0 && paging?.q ? (
          <p>{paging.nextHref ? u.noMatchHere(paging.q) : u.noMatch(paging.q)}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{u.email}</th>
                <th scope="col">{u.name}</th>
                <th scope="col">{u.role}</th>
                <th scope="col">{u.twoFactor}</th>
                <th scope="col">{u.actions}</th>
              </tr>
            </thead>
            <tbody>
              {users.map((user) => (
                <tr>
                  <td id={`user-${user.id}-email`}>
                    {user.email}
                    {user.id === selfId ? ` (${u.you})` : ""}
                    {user.emailVerified ? null : (
                      <>
                        {" "}
                        <span class="badge off">{t.people.unverified}</span>
                      </>
                    )}
                  </td>
                  <td>{user.name}</td>
                  <td>{t.account.roles[user.role]}</td>
                  <td>
                    <span class={`badge ${user.twoFactorEnabled ? "on" : "off"}`}>{user.twoFactorEnabled ? u.enabled : u.notEnrolled}</span>
                    {user.locked ? <span class="badge locked">{u.locked}</span> : null}
                    {!user.locked && user.lockedUntil ? (
                      <span class="badge locked">{u.paused(when(user.lockedUntil, ctx.lang))}</span>
                    ) : null}
                    <UserStateBadge ctx={ctx} user={user} />
                  </td>
                  <td>
                    {/* One link per line: run together they read as one ("Sign out everywhere Remove"). */}
                    <ul class="row-actions">
                      {/* Not on oneself: another admin or support resets or unlocks you (docs/api.md). */}
                      {user.id !== selfId && user.twoFactorEnabled ? (
                        <li>
                          <a href={`/users/${encodeURIComponent(user.id)}/reset-2fa`} aria-label={t.labelled(u.reset, user.email)}>
                            {u.reset}
                          </a>
                        </li>
                      ) : null}
                      {user.id !== selfId && (user.locked || user.lockedUntil) ? (
                        <li>
                          <a href={`/users/${encodeURIComponent(user.id)}/unlock`} aria-label={t.labelled(u.unlock, user.email)}>
                            {u.unlock}
                          </a>
                        </li>
                      ) : null}
                      <UserActions ctx={ctx} user={user} selfId={selfId} otherAdmins={activeAdmins === undefined || activeAdmins > 1} />
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {paging ? <ListPager ctx={ctx} paging={paging} /> : null}
      </section>
      {invites}
      <section class="card" aria-labelledby="add-title">
        <h2 id="add-title">{u.addTitle}</h2>
        {form.errors.form ? <Alert kind="error">{form.errors.form}</Alert> : null}
        <form method="post" action="/users" novalidate>
          <Csrf ctx={ctx} />
          <Field
            id="new-email"
            name="email"
            type="email"
            label={u.email}
            value={form.values.email}
            error={form.errors.email}
            required
            autocomplete="off"
          />
          <Field id="new-name" name="name" label={u.name} value={form.values.name} error={form.errors.name} autocomplete="off" />
          <Field
            id="new-password"
            name="password"
            type="password"
            label={u.password}
            hint={u.passwordHint}
            error={form.errors.password}
            required
            autocomplete="new-password"
          />
          <div class="field">
            <label for="new-role">{u.role}</label>
            <select id="new-role" name="role">
              <option value="technician" selected={form.values.role !== "admin"}>
                {t.account.roles.technician}
              </option>
              <option value="admin" selected={form.values.role === "admin"}>
                {t.account.roles.admin}
              </option>
            </select>
          </div>
          {form.stepUp?.withCode ? <StepUpFields ctx={ctx} ask={form.stepUp} id="add" /> : null}
          <button type="submit">{u.add}</button>
        </form>
      </section>
    </Layout>
  );
}

/** What unlocking lifts: the lasting lock, the 15-minute pause (until when), or nothing now. */
function unlockWords(ctx: PageCtx, user: Pick<UserListEntry, "locked" | "lockedUntil">, who: string): string {
  const u = ctx.t.users;
  if (user.locked) return u.unlockConfirm(who);
  return user.lockedUntil ? u.unlockPausedConfirm(who, when(user.lockedUntil, ctx.lang)) : u.unlockNothing(who);
}

/** Reset 2FA or Unlock, confirmed on a page of its own; step-up is asked here when the target is an admin. */
export function UserActionConfirmPage({
  ctx,
  user,
  action,
  stepUp,
}: {
  ctx: PageCtx;
  user: Pick<UserListEntry, "id" | "email" | "name" | "locked" | "lockedUntil">;
  action: "reset-2fa" | "unlock";
  stepUp?: StepUpAsk | undefined;
}) {
  const u = ctx.t.users;
  const who = `${user.name} (${user.email})`;
  const [title, consequence, button] =
    action === "reset-2fa" ? [u.resetTitle, u.resetConfirm(who), u.reset] : [u.unlockTitle, unlockWords(ctx, user, who), u.unlock];
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <form method="post" action={`/users/${encodeURIComponent(user.id)}/${action}`} class="card" novalidate>
        <Csrf ctx={ctx} />
        <p id="action-consequence">{consequence}</p>
        {stepUp ? <StepUpFields ctx={ctx} ask={stepUp} id="confirm" /> : null}
        <div class="actions">
          <button type="submit" class="danger" aria-describedby="action-consequence">
            {button}
          </button>
          <a href="/users" class="button secondary">
            {u.cancel}
          </a>
        </div>
      </form>
    </Layout>
  );
}
