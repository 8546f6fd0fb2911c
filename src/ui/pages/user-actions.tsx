// The Users page's per-user actions that change an account's life (Deactivate/Reactivate, Remove, Sign out
// everywhere), each behind a confirmation page that works without JS and asks for step-up in place when the
// target is an admin.
import { Csrf } from "../components";
import { Layout, type PageCtx } from "../layout";
import { type StepUpAsk, StepUpFields } from "../step-up";
import type { UserListEntry } from "../../org/rpc";

export type PeopleAction = "deactivate" | "reactivate" | "remove" | "sign-out";

export const PEOPLE_ACTIONS: readonly PeopleAction[] = ["deactivate", "reactivate", "remove", "sign-out"];

/** The actions offered for a user: never on oneself (another admin must do it), except signing out everywhere. */
export function actionsFor(user: UserListEntry, selfId: string): PeopleAction[] {
  if (user.id === selfId) return [];
  return [user.active ? "deactivate" : "reactivate", ...(user.active ? (["sign-out"] as const) : []), "remove"];
}

function words(ctx: PageCtx, action: PeopleAction) {
  const p = ctx.t.people;
  switch (action) {
    case "deactivate":
      return { label: p.deactivate, title: p.deactivateTitle, confirm: p.deactivateConfirm, danger: true };
    case "reactivate":
      return { label: p.reactivate, title: p.reactivateTitle, confirm: p.reactivateConfirm, danger: false };
    case "remove":
      return { label: p.remove, title: p.removeTitle, confirm: p.removeConfirm, danger: true };
    case "sign-out":
      return { label: p.signOut, title: p.signOutTitle, confirm: p.signOutConfirm, danger: true };
  }
}

/** The "Deactivated" state beside a user's 2FA badge. */
export function UserStateBadge({ ctx, user }: { ctx: PageCtx; user: UserListEntry }) {
  return user.active ? null : (
    <>
      {" "}
      <span class="badge locked">{ctx.t.people.deactivated}</span>
    </>
  );
}

/**
 * Links to each action's confirmation page; screen readers hear the user's email as the link's description (the
 * email cell's id, set in users.tsx), which keeps the email out of the actions cell's own name.
 */
export function UserActions({ ctx, user, selfId }: { ctx: PageCtx; user: UserListEntry; selfId: string }) {
  return (
    <>
      {actionsFor(user, selfId).map((action) => {
        const { label } = words(ctx, action);
        return (
          <>
            {" "}
            <a href={`/users/${encodeURIComponent(user.id)}/${action}`} aria-describedby={`user-${user.id}-email`}>
              {label}
            </a>
          </>
        );
      })}
    </>
  );
}

export function PeopleActionConfirmPage({
  ctx,
  user,
  action,
  stepUp,
}: {
  ctx: PageCtx;
  user: { id: string; email: string; name: string };
  action: PeopleAction;
  stepUp?: StepUpAsk | undefined;
}) {
  const w = words(ctx, action);
  return (
    <Layout ctx={ctx} title={w.title}>
      <h1>{w.title}</h1>
      <form method="post" action={`/users/${encodeURIComponent(user.id)}/${action}`} class="card" novalidate>
        <Csrf ctx={ctx} />
        <p id="action-consequence">{w.confirm(`${user.name} (${user.email})`)}</p>
        {stepUp ? <StepUpFields ctx={ctx} ask={stepUp} id="confirm" /> : null}
        <div class="actions">
          <button type="submit" class={w.danger ? "danger" : undefined} aria-describedby="action-consequence">
            {w.label}
          </button>
          <a href="/users" class="button secondary">
            {ctx.t.users.cancel}
          </a>
        </div>
      </form>
    </Layout>
  );
}
