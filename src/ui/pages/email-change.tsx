// Email address on the Account page (change it, with step-up in place; the unverified marker), and the page an
// emailed link opens (/email-link/<token>): GET only shows a button, because mail scanners open links.
import { Alert, Csrf, Field } from "../components";
import { Layout, type PageCtx } from "../layout";
import { type StepUpAsk, StepUpFields } from "../step-up";

export interface EmailChangeForm {
  value?: string | undefined;
  error?: string | undefined;
  /** The session is stale: the code (or password) is asked in place. */
  stepUp?: StepUpAsk | undefined;
  /** The address a link was just sent to. */
  sentTo?: string | undefined;
}

export function EmailChangeSection({
  ctx,
  email,
  verified,
  form,
}: {
  ctx: PageCtx;
  email: string;
  verified: boolean;
  form: EmailChangeForm;
}) {
  const p = ctx.t.people;
  return (
    <section class="card" aria-labelledby="email-title">
      <h2 id="email-title">{p.changeTitle}</h2>
      <p>
        {email} {verified ? null : <span class="badge off">{p.unverified}</span>}
      </p>
      {form.sentTo ? <Alert kind="ok">{p.changeSent(form.sentTo)}</Alert> : null}
      <p class="hint">{p.changeLead}</p>
      <form method="post" action="/account/email" novalidate>
        <Csrf ctx={ctx} />
        <Field
          id="new-email"
          name="email"
          type="email"
          label={p.newEmail}
          value={form.value}
          error={form.error}
          required
          autocomplete="email"
        />
        {form.stepUp ? <StepUpFields ctx={ctx} ask={form.stepUp} id="email" /> : null}
        <button type="submit">{p.change}</button>
      </form>
    </section>
  );
}

export function EmailLinkPage({ ctx, token, error }: { ctx: PageCtx; token: string; error?: string | undefined }) {
  const p = ctx.t.people;
  return (
    <Layout ctx={ctx} title={p.confirmEmailTitle}>
      <h1>{p.confirmEmailTitle}</h1>
      <form method="post" action={`/email-link/${encodeURIComponent(token)}`} class="card" novalidate>
        <Csrf ctx={ctx} />
        {error ? <Alert kind="error">{error}</Alert> : null}
        <p>{p.confirmEmailLead}</p>
        <button type="submit">{p.confirmEmail}</button>
      </form>
    </Layout>
  );
}

export function EmailLinkDonePage({ ctx, purpose, email }: { ctx: PageCtx; purpose: "verify" | "change"; email: string }) {
  const p = ctx.t.people;
  return (
    <Layout ctx={ctx} title={p.confirmEmailTitle}>
      <h1>{p.confirmEmailTitle}</h1>
      <div class="card">
        <Alert kind="ok">{purpose === "verify" ? p.verifiedDone(email) : p.changedDone(email)}</Alert>
        <a href="/" class="button">
          {p.continue}
        </a>
      </div>
    </Layout>
  );
}
