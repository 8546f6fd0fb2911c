// Pages for an account's life: the Users page's Make admin/Make technician, Deactivate/Reactivate, Remove and Sign
// out everywhere (each a confirmation page, then the action), and the Account page's sessions. The same flows as
// the JSON API.
import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { patchUser } from "../../flows/admin";
import { endOwnSessions, removeUser, revokeSessionsOf, setUserActive } from "../../flows/people";
import { callerOf } from "../../flows/step-up";
import { auditActor } from "../../http/actor";
import { setSessionCookie } from "../../http/cookies";
import * as f from "../../http/fields";
import { requestMeta } from "../../http/meta";
import { ApiError } from "../../errors";
import type { Catalog } from "../../ui/i18n/en";
import { MessagePage } from "../../ui/pages/sign-in";
import { type PeopleAction, PeopleActionConfirmPage, PEOPLE_ACTIONS, roleOf } from "../../ui/pages/user-actions";
import type { StepUpAsk } from "../../ui/step-up";
import {
  csrf,
  formAction,
  formField,
  formOf,
  needAdmin,
  needSession,
  page,
  pageCtx,
  pageError,
  render,
  sessionOf,
  stepUpAskAfter,
  stepUpProofOf,
  orgOf,
  staleAsk,
} from "./kit";

type C = Parameters<typeof pageCtx>[0];

const DONE: Record<PeopleAction, string> = {
  "make-admin": "role-changed",
  "make-technician": "role-changed",
  deactivate: "deactivated",
  reactivate: "reactivated",
  remove: "removed",
  "sign-out": "signed-out",
};

/** The Users page's notices after these actions (?m=...). */
export function peopleNotices(t: Catalog): Record<string, string> {
  return {
    deactivated: t.people.deactivateDone,
    reactivated: t.people.reactivateDone,
    removed: t.people.removeDone,
    "signed-out": t.people.signOutDone,
    "role-changed": t.people.roleChanged,
  };
}

async function target(c: C) {
  const actor = sessionOf(c);
  return (await orgOf(c, actor).usersById([c.req.param("id") ?? ""]))[0];
}

/**
 * Whether to ask a stale session for step-up before the click: a role change is always to or from admin, removing
 * anyone needs it, and deactivating or reactivating an admin (org/actions/access.ts, people.ts decide); signing out
 * does not. Only the prompt's timing: the org's object refuses without step-up whatever this says.
 */
function needsStepUp(action: PeopleAction, role: string): boolean {
  return roleOf(action) !== null || action === "remove" || (action !== "sign-out" && role === "admin");
}

async function confirmPage(c: C, action: PeopleAction, stepUp: StepUpAsk | undefined, status: 200 | 403 = 200) {
  const ctx = await pageCtx(c, `/users/${encodeURIComponent(c.req.param("id") ?? "")}/${action}`);
  const user = await target(c);
  if (!user) return render(c, MessagePage({ ctx, title: ctx.t.errorTitle, message: ctx.t.errors.not_found }), 404);
  const actor = sessionOf(c);
  const self = user.id === actor.identity.user.id;
  // The role is already that one (another admin was quicker): nothing to ask, the list shows the truth.
  if (roleOf(action) === user.role) return c.redirect("/users", 303);
  // Stepping down is the one change the API allows on oneself (while another active admin remains).
  if (self && action !== "sign-out" && action !== "make-technician") {
    return render(c, MessagePage({ ctx, title: ctx.t.errorTitle, message: ctx.t.reasons.own_account }), 409);
  }
  const ask = stepUp ?? (needsStepUp(action, user.role) ? staleAsk(c, actor) : undefined);
  return render(c, PeopleActionConfirmPage({ ctx, user, action, self, stepUp: ask }), status);
}

/** Runs the action through the API's flow; answers where to go next. */
async function act(c: C, action: PeopleAction, userId: string, proof: ReturnType<typeof stepUpProofOf>): Promise<string> {
  const actor = sessionOf(c);
  const meta = requestMeta(c);
  const base = { userId, actor: auditActor(actor), meta };
  const done = `/users?m=${DONE[action]}`;
  const role = roleOf(action);
  if (role) {
    // PATCH /api/org/users/{id}'s flow: its step-up, last-admin and session rules, in one transaction.
    const changed = await patchUser(c.env, actor, { userId, role, proof }, auditActor(actor), meta);
    if (!changed.sessionToken) return done;
    // One's own role: this browser goes on with the session that replaced its own, on a page it may still see.
    setSessionCookie(c, changed.sessionToken);
    return "/account?m=role-changed";
  }
  if (action === "sign-out") {
    await revokeSessionsOf(c.env, actor.route, { ...base, callerSession: actor.tokenHash });
    return done;
  }
  const caller = await callerOf(c.env, actor, proof, meta);
  if (action === "remove") await removeUser(c.env, actor.route, { ...base, caller });
  else await setUserActive(c.env, actor.route, { ...base, caller, active: action === "reactivate" });
  return done;
}

const actionPages = new Hono<AppEnv>();
for (const action of PEOPLE_ACTIONS) {
  actionPages
    .get(`/users/:id/${action}`, page, needAdmin, (c) => confirmPage(c, action, undefined))
    .post(`/users/:id/${action}`, page, needAdmin, csrf, async (c) => {
      const proof = stepUpProofOf(await formOf(c));
      return formAction(
        c,
        "/users",
        async () => c.redirect(await act(c, action, formField(f.id, c.req.param("id")), proof), 303),
        (ctx, message, err) => {
          const stepUp = stepUpAskAfter(c, ctx.t, err, proof);
          return stepUp ? confirmPage(c, action, stepUp, 403) : MessagePage({ ctx, title: ctx.t.errorTitle, message });
        },
      );
    });
}

export const peoplePages = new Hono<AppEnv>()
  .onError(pageError)
  .route("/", actionPages)
  .post("/account/sessions/revoke-others", page, needSession, csrf, async (c) => {
    const actor = sessionOf(c);
    const input = { userId: actor.identity.user.id, currentTokenHash: actor.tokenHash, meta: requestMeta(c) };
    return endingSessions(c, () => endOwnSessions(c.env, actor.route, input), "others-ended");
  })
  .post("/account/sessions/:id/revoke", page, needSession, csrf, async (c) => {
    const actor = sessionOf(c);
    const sessionId = formField(f.id, c.req.param("id"));
    const input = { userId: actor.identity.user.id, currentTokenHash: actor.tokenHash, sessionId, meta: requestMeta(c) };
    return endingSessions(c, () => endOwnSessions(c.env, actor.route, input), "session-ended");
  });

/**
 * Back to the Account page with what happened: a session closed by a second factor set up elsewhere may end only
 * itself, and is told to sign in again (in the page's language) rather than asked for a step-up it cannot give.
 */
async function endingSessions(c: C, end: () => Promise<void>, done: string) {
  try {
    await end();
  } catch (err) {
    if (!(err instanceof ApiError) || err.code !== "step_up_required") throw err;
    return c.redirect("/account?m=sessions-sign-in-again", 303);
  }
  return c.redirect(`/account?m=${done}`, 303);
}
