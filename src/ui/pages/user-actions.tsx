// The Users page's per-user actions that change an account's life (Make admin/Make technician, Deactivate/
// Reactivate, Remove, Sign out everywhere), each behind a confirmation page that works without JS and asks for
// step-up in place when the change needs it.
import { Csrf } from "../components";
import { Layout, type PageCtx } from "../layout";
import { type StepUpAsk, StepUpFields } from "../step-up";
import type { Role, UserListEntry } from "../../org/rpc";

export type PeopleAction = "make-admin" | "make-technician" | "deactivate" | "reactivate" | "remove" | "sign-out";

export const PEOPLE_ACTIONS: readonly PeopleAction[] = ["make-admin", "make-technician", "deactivate", "reactivate", "remove", "sign-out"];

/** The role a role action gives (PATCH /api/org/users/{id} `role`), or null for the other actions. */
export function roleOf(action: PeopleAction): Role | null {
  return action === "make-admin" ? "admin" : action === "make-technician" ? "technician" : null;
}

/**
 * The actions offered for a user: the other role first, then the account's life. On oneself, only stepping down,
 * and only while another active admin remains (`otherAdmins`: the API refuses the last one); the rest another
 * admin must do.
 */
export function actionsFor(user: UserListEntry, selfId: string, otherAdmins = true): PeopleAction[] {
  const role: PeopleAction = user.role === "admin" ? "make-technician" : "make-admin";
  if (user.id === selfId) return user.role === "admin" && otherAdmins ? [role] : [];
  return [role, user.active ? "deactivate" : "reactivate", ...(user.active ? (["sign-out"] as const) : []), "remove"];
}

function words(ctx: PageCtx, action: PeopleAction, self: boolean) {
  const p = ctx.t.people;
  switch (action) {
    case "make-admin":
      return { label: p.makeAdmin, title: p.makeAdmin, confirm: p.makeAdminConfirm, danger: false };
    case "make-technician":
      return {
        label: p.makeTechnician,
        title: p.makeTechnician,
        confirm: self ? p.makeSelfTechnicianConfirm : p.makeTechnicianConfirm,
        danger: true,
      };
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
 * Links to each action's confirmation page, as items of the actions cell's list; screen readers hear the user's email as the link's description (the
 * email cell's id, set in users.tsx), which keeps the email out of the actions cell's own name.
 */
export function UserActions({
  ctx,
  user,
  selfId,
  otherAdmins,
}: {
  ctx: PageCtx;
  user: UserListEntry;
  selfId: string;
  otherAdmins: boolean;
}) {
  return (
    <>
      {actionsFor(user, selfId, otherAdmins).map((action) => {
        const { label } = words(ctx, action, user.id === selfId);
        return (
          <li>
            <a href={`/users/${encodeURIComponent(user.id)}/${action}`} aria-describedby={`user-${user.id}-email`}>
              {label}
            </a>
          </li>
        );
      })}
    </>
  );
}

export function PeopleActionConfirmPage({
  ctx,
  user,
  action,
  self,
  stepUp,
}: {
  ctx: PageCtx;
  user: { id: string; email: string; name: string };
  action: PeopleAction;
  /** The signed-in admin's own account (stepping down). */
  self: boolean;
  stepUp?: StepUpAsk | undefined;
}) {
  const w = words(ctx, action, self);
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
