// Invites on the Users page (the invite form, pending invites with Resend and Revoke behind a confirmation page),
// and the invitee's page at /invite/<token> where they choose a name and password.
import { Alert, Csrf, Field } from "../components";
import { Layout, type PageCtx } from "../layout";
import { type StepUpAsk, StepUpFields } from "../step-up";
import type { InviteInfo, Role } from "../../org/rpc";

export interface InviteForm {
  values: { email?: string; name?: string; role?: string; locale?: string };
  errors: { email?: string; name?: string; form?: string };
  /** Inviting an admin from a stale session: step-up asked in place. */
  stepUp?: StepUpAsk | undefined;
}

const day = (iso: string, lang: string) => new Date(iso).toLocaleDateString(lang === "fr" ? "fr-FR" : "en-GB", { dateStyle: "medium" });

export function InvitesSection({ ctx, invites, form }: { ctx: PageCtx; invites: InviteInfo[]; form: InviteForm }) {
  const { t } = ctx;
  const p = t.people;
  return (
    <>
      <section class="card table-wrap" aria-labelledby="pending-title">
        <h2 id="pending-title">
          {p.pendingTitle} ({invites.length})
        </h2>
        {invites.length === 0 ? (
          <p class="hint">{p.noPending}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t.users.email}</th>
                <th scope="col">{t.users.role}</th>
                <th scope="col">{p.expires}</th>
                <th scope="col">{t.users.actions}</th>
              </tr>
            </thead>
            <tbody>
              {invites.map((i) => (
                <tr>
                  <td>{i.email}</td>
                  <td>{t.account.roles[i.role]}</td>
                  <td>{day(i.expiresAt, ctx.lang)}</td>
                  <td>
                    <a href={`/users/invites/${encodeURIComponent(i.id)}/resend`} aria-label={ctx.t.labelled(p.resend, i.email)}>
                      {p.resend}
                    </a>{" "}
                    <a href={`/users/invites/${encodeURIComponent(i.id)}/revoke`} aria-label={ctx.t.labelled(p.revoke, i.email)}>
                      {p.revoke}
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section class="card" aria-labelledby="invite-title">
        <h2 id="invite-title">{p.inviteTitle}</h2>
        <p class="hint">{p.inviteLead}</p>
        {form.errors.form ? <Alert kind="error">{form.errors.form}</Alert> : null}
        <form method="post" action="/users/invites" novalidate>
          <Csrf ctx={ctx} />
          <Field
            id="invite-email"
            name="email"
            type="email"
            label={p.inviteEmail}
            value={form.values.email}
            error={form.errors.email}
            required
            autocomplete="off"
          />
          <Field id="invite-name" name="name" label={p.inviteName} value={form.values.name} error={form.errors.name} autocomplete="off" />
          <div class="field">
            <label for="invite-role">{p.inviteRole}</label>
            <select id="invite-role" name="role">
              <option value="technician" selected={form.values.role !== "admin"}>
                {t.account.roles.technician}
              </option>
              <option value="admin" selected={form.values.role === "admin"}>
                {t.account.roles.admin}
              </option>
            </select>
          </div>
          <div class="field">
            <label for="invite-locale">{p.language}</label>
            <select id="invite-locale" name="locale">
              {(["en", "fr"] as const).map((l) => (
                <option value={l} selected={(form.values.locale ?? ctx.lang) === l} lang={l}>
                  {p.languages[l]}
                </option>
              ))}
            </select>
          </div>
          {form.stepUp ? <StepUpFields ctx={ctx} ask={form.stepUp} id="invite" /> : null}
          <button type="submit">{p.invite}</button>
        </form>
      </section>
    </>
  );
}

/** Resend or Revoke, confirmed on a page of its own; step-up is asked here for an admin invite's resend. */
export function InviteActionConfirmPage({
  ctx,
  invite,
  action,
  stepUp,
}: {
  ctx: PageCtx;
  invite: InviteInfo;
  action: "resend" | "revoke";
  stepUp?: StepUpAsk | undefined;
}) {
  const p = ctx.t.people;
  const [title, consequence, button] =
    action === "resend"
      ? [p.resendTitle, p.resendConfirm(invite.email), p.resend]
      : [p.revokeTitle, p.revokeConfirm(invite.email), p.revoke];
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <form method="post" action={`/users/invites/${encodeURIComponent(invite.id)}/${action}`} class="card" novalidate>
        <Csrf ctx={ctx} />
        <p id="action-consequence">{consequence}</p>
        {stepUp ? <StepUpFields ctx={ctx} ask={stepUp} id="confirm" /> : null}
        <div class="actions">
          <button type="submit" class={action === "revoke" ? "danger" : undefined} aria-describedby="action-consequence">
            {button}
          </button>
          <a href="/users" class="button secondary">
            {ctx.t.users.cancel}
          </a>
        </div>
      </form>
    </Layout>
  );
}

export interface AcceptForm {
  values: { name?: string };
  errors: { name?: string; password?: string; form?: string };
}

/** The invitee's page: the address is the invite's (shown, not editable); they choose a name and a password. */
export function InviteAcceptPage({
  ctx,
  token,
  invite,
  form,
}: {
  ctx: PageCtx;
  token: string;
  invite: { email: string; name: string | null; role: Role; org: string };
  form: AcceptForm;
}) {
  const { t } = ctx;
  const p = t.people;
  return (
    <Layout ctx={ctx} title={p.acceptTitle}>
      <h1>{p.acceptTitle}</h1>
      <form method="post" action={`/invite/${encodeURIComponent(token)}`} class="card" novalidate>
        <Csrf ctx={ctx} />
        <p>{p.acceptLead(invite.org, invite.role)}</p>
        {form.errors.form ? <Alert kind="error">{form.errors.form}</Alert> : null}
        <p>
          {p.inviteeEmail} <strong>{invite.email}</strong>
        </p>
        {/* Lets a password manager file the password under the right account; the server takes the address from the invite. */}
        <input type="email" name="username" autocomplete="username" value={invite.email} hidden readonly />
        <Field
          id="accept-name"
          name="name"
          label={p.yourName}
          value={form.values.name ?? invite.name ?? ""}
          error={form.errors.name}
          autocomplete="name"
        />
        <Field
          id="accept-password"
          name="password"
          type="password"
          label={p.newPassword}
          hint={t.account.newPasswordHint}
          error={form.errors.password}
          required
          autocomplete="new-password"
        />
        <button type="submit">{p.accept}</button>
      </form>
    </Layout>
  );
}

/** Any dead link (invite or email): one page, one answer. */
export function DeadLinkPage({ ctx }: { ctx: PageCtx }) {
  const p = ctx.t.people;
  return (
    <Layout ctx={ctx} title={p.deadLinkTitle}>
      <h1>{p.deadLinkTitle}</h1>
      <div class="card">
        <p>{p.deadLink}</p>
        <a href="/" class="button secondary">
          {p.continue}
        </a>
      </div>
    </Layout>
  );
}
