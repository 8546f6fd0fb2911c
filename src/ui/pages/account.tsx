// Account: profile facts, the two-factor section (enable, recovery codes, disable) and the password form.
import { Alert, CodeField, Csrf, FormId, QrSetup, type SetupPageProps } from "../components";
import { Layout, type PageCtx } from "../layout";
import { type StepUpAsk, StepUpFields } from "../step-up";
import { type PasswordForm, PasswordSection } from "./account-password";
import { SessionsSection } from "./account-sessions";
import type { Identity, SessionEntry } from "../../org/rpc";
import { type EmailChangeForm, EmailChangeSection } from "./email-change";
import { type PasskeysForm, PasskeysSection } from "./account-passkeys";

export interface AccountState {
  notice?: string | undefined;
  /** A notice that asks for attention (a recovery code was just used). */
  warning?: string | undefined;
  regenerateError?: string | undefined;
  disableError?: string | undefined;
  enableError?: string | undefined;
  /** The session is stale: Enable asks for the password in place (step-up). */
  enableStepUp?: StepUpAsk | undefined;
  password?: PasswordForm | undefined;
  /** The change-of-address form (ui/pages/email-change.tsx). */
  email?: EmailChangeForm | undefined;
  recoveryTotal: number;
  /** The Regenerate form's single-use id: a reload of the page that shows the new codes makes no other set. */
  regenerateFormId: string;
  /** The user's sessions (Account → Sessions). */
  sessions?: SessionEntry[] | undefined;
  /** Account → Passkeys (ui/pages/account-passkeys.tsx). */
  passkeys?: PasskeysForm | undefined;
}

export function AccountPage({ ctx, identity, state }: { ctx: PageCtx; identity: Identity; state: AccountState }) {
  const { t } = ctx;
  const a = t.account;
  const tf = identity.twoFactor;
  // The org's rule keeps a second factor, not the app: with a passkey, the app may go (2FA stays on).
  const enforced = (identity.org.require2fa && tf.passkeys === 0) || identity.org.requirePhishingResistant;
  return (
    <Layout ctx={ctx} title={a.title}>
      <h1>{a.title}</h1>
      {state.notice ? <Alert kind="ok">{state.notice}</Alert> : null}
      {state.warning ? <Alert kind="warn">{state.warning}</Alert> : null}
      <section class="card" aria-labelledby="profile-title">
        <h2 id="profile-title">{a.profile}</h2>
        <dl class="facts">
          <dt>{a.name}</dt>
          <dd>{identity.user.name}</dd>
          <dt>{a.email}</dt>
          <dd>{identity.user.email}</dd>
          <dt>{a.role}</dt>
          <dd>{a.roles[identity.user.role]}</dd>
          <dt>{a.org}</dt>
          <dd>
            {identity.org.name} (<code>{identity.org.slug}</code>)
          </dd>
        </dl>
      </section>
      <section class="card" aria-labelledby="tfa-title">
        <h2 id="tfa-title">{a.twoFactor}</h2>
        {/* A session from before the org required 2FA keeps working; its person is told before the next sign-in asks. */}
        {!tf.enabled && identity.org.require2fa ? <Alert kind="warn">{a.requiredByOrg}</Alert> : null}
        <p>
          {a.status} <span class={`badge ${tf.enabled ? "on" : "off"}`}>{tf.enabled ? a.statusOn : a.statusOff}</span>
          {tf.enabled && tf.period ? ` ${a.periodInfo(tf.period)}` : null}
        </p>
        {tf.period !== null ? null : (
          <form method="post" action="/account/2fa/setup">
            <Csrf ctx={ctx} />
            {tf.enabled ? <h3>{a.addApp}</h3> : null}
            <p class={tf.enabled ? "hint" : "lead"}>{tf.enabled ? a.addAppLead : a.offLead}</p>
            {state.enableError ? <Alert kind="error">{state.enableError}</Alert> : null}
            {state.enableStepUp ? <StepUpFields ctx={ctx} ask={state.enableStepUp} id="enable" /> : null}
            <button type="submit">{tf.enabled ? a.addAppButton : a.enable}</button>
          </form>
        )}
        {tf.enabled ? (
          <>
            <h3 id="regen-title">{a.regenerateTitle}</h3>
            <p>{a.remaining(tf.recoveryCodesRemaining, state.recoveryTotal)}</p>
            <p class="hint">{a.regenerateLead}</p>
            {/* Named by their headings: both forms ask for the current code, and a name tells the two fields apart. */}
            <form method="post" action="/account/2fa/recovery-codes" class="inline-form" aria-labelledby="regen-title" novalidate>
              <Csrf ctx={ctx} />
              <FormId id={state.regenerateFormId} />
              {tf.period !== null ? (
                <CodeField id="regen-code" label={a.currentCode} error={state.regenerateError} autofocus={Boolean(state.regenerateError)} />
              ) : (
                // No app: the passkey confirms it (the same prompt as step-up, always asked here).
                <StepUpFields ctx={ctx} ask={{ withCode: true, error: state.regenerateError }} id="regen" />
              )}
              <button type="submit" class="secondary">
                {a.regenerate}
              </button>
            </form>
          </>
        ) : null}
        {tf.period !== null ? (
          <>
            {/* With a passkey left, this removes the app only: two-factor stays on, and the words say so. */}
            <h3 id="disable-title">{tf.passkeys > 0 ? a.removeAppTitle : a.disableTitle}</h3>
            {tf.passkeys > 0 ? <p class="hint">{a.removeAppLead}</p> : null}
            {enforced ? (
              <p class="hint" id="disable-reason">
                {identity.org.requirePhishingResistant && tf.passkeys > 0 ? a.enforcedAppRemoval : a.enforced}
              </p>
            ) : null}
            <form method="post" action="/account/2fa/disable" class="inline-form" aria-labelledby="disable-title" novalidate>
              <Csrf ctx={ctx} />
              {enforced ? null : (
                <CodeField id="disable-code" label={a.currentCode} error={state.disableError} autofocus={Boolean(state.disableError)} />
              )}
              <button type="submit" class="danger" disabled={enforced} aria-describedby={enforced ? "disable-reason" : undefined}>
                {tf.passkeys > 0 ? a.removeApp : a.disable}
              </button>
            </form>
          </>
        ) : null}
      </section>
      {state.passkeys ? <PasskeysSection ctx={ctx} form={state.passkeys} /> : null}
      <PasswordSection ctx={ctx} email={identity.user.email} form={state.password} />
      {state.sessions ? <SessionsSection ctx={ctx} sessions={state.sessions} /> : null}
      <EmailChangeSection ctx={ctx} email={identity.user.email} verified={identity.emailVerified} form={state.email ?? {}} />
    </Layout>
  );
}

/**
 * No menu, language switch or Sign out while the app is set up, as on the recovery codes page: leaving by them (a
 * switch of language, say) dropped the setup, and "Enable 2FA" again made a new secret the app just scanned never
 * matched. Cancel leads back. (Showing the same secret again to the same session would show it to any copy of the
 * session's cookie, unseen by its owner.)
 */
export function EnablePage(p: SetupPageProps) {
  const { t } = p.ctx;
  return (
    <Layout ctx={p.ctx} title={t.account.setupTitle} showNav={false}>
      <h1>{t.account.setupTitle}</h1>
      <div class="card">
        <QrSetup ctx={p.ctx} info={p.info} email={p.email} action="/account/2fa/confirm" error={p.error} cancelHref="/account" />
      </div>
    </Layout>
  );
}
