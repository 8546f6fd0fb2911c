// Pages for an account's life: the Users page's Deactivate/Reactivate, Remove and Sign out everywhere (each a
// confirmation page, then the action), and the Account page's sessions. The same flows as the JSON API.
import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { endOwnSessions, removeUser, revokeSessionsOf, setUserActive } from "../../flows/people";
import { callerOf } from "../../flows/step-up";
import { auditActor } from "../../http/actor";
import * as f from "../../http/fields";
import { requestMeta } from "../../http/meta";
import type { Catalog } from "../../ui/i18n/en";
import { MessagePage } from "../../ui/pages/sign-in";
import { type PeopleAction, PeopleActionConfirmPage, PEOPLE_ACTIONS } from "../../ui/pages/user-actions";
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
  };
}

async function target(c: C) {
  const actor = sessionOf(c);
  return (await orgOf(c, actor).usersById([c.req.param("id") ?? ""]))[0];
}

/** Deactivating, reactivating or removing an admin needs step-up (org/actions/people.ts); signing out does not. */
function needsStepUp(action: PeopleAction, role: string): boolean {
  return action !== "sign-out" && role === "admin";
}

async function confirmPage(c: C, action: PeopleAction, stepUp: StepUpAsk | undefined, status: 200 | 403 = 200) {
  const ctx = await pageCtx(c, `/users/${encodeURIComponent(c.req.param("id") ?? "")}/${action}`);
  const user = await target(c);
  if (!user) return render(c, MessagePage({ ctx, title: ctx.t.errorTitle, message: ctx.t.errors.not_found }), 404);
  const actor = sessionOf(c);
  if (action !== "sign-out" && user.id === actor.identity.user.id) {
    return render(c, MessagePage({ ctx, title: ctx.t.errorTitle, message: ctx.t.reasons.own_account }), 409);
  }
  const ask = stepUp ?? (needsStepUp(action, user.role) ? staleAsk(c, actor) : undefined);
  return render(c, PeopleActionConfirmPage({ ctx, user, action, stepUp: ask }), status);
}

async function act(c: C, action: PeopleAction, userId: string, proof: ReturnType<typeof stepUpProofOf>) {
  const actor = sessionOf(c);
  const meta = requestMeta(c);
  const base = { userId, actor: auditActor(actor), meta };
  if (action === "sign-out") return revokeSessionsOf(c.env, actor.route, base);
  const caller = await callerOf(c.env, actor, proof, meta);
  if (action === "remove") return removeUser(c.env, actor.route, { ...base, caller });
  await setUserActive(c.env, actor.route, { ...base, caller, active: action === "reactivate" });
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
        async () => {
          await act(c, action, formField(f.id, c.req.param("id")), proof);
          return c.redirect(`/users?m=${DONE[action]}`, 303);
        },
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
    await endOwnSessions(c.env, actor.route, input);
    return c.redirect("/account?m=others-ended", 303);
  })
  .post("/account/sessions/:id/revoke", page, needSession, csrf, async (c) => {
    const actor = sessionOf(c);
    const sessionId = formField(f.id, c.req.param("id"));
    await endOwnSessions(c.env, actor.route, {
      userId: actor.identity.user.id,
      currentTokenHash: actor.tokenHash,
      sessionId,
      meta: requestMeta(c),
    });
    return c.redirect("/account?m=session-ended", 303);
  });
