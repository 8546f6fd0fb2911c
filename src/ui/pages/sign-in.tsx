// Signed-out pages: password, second step, recovery code, forced enrollment, and simple error pages.
import { CHALLENGE_MAX_ATTEMPTS } from "../../constants";
import { Alert, CodeField, Csrf, Field, QrSetup, RecoveryCodes, type SetupPageProps } from "../components";
import { Layout, type PageCtx } from "../layout";
import { PasskeyForm, PasskeysUnavailable } from "../passkey-forms";

export interface SignInForm {
  email?: string;
  org?: string;
  error?: string | undefined;
  /** Why the visitor is here again (their session ended). */
  warning?: string | undefined;
  /** Passkeys work at this address (not an IP address). */
  passkeys?: boolean | undefined;
  /** The application an OpenID sign-in will continue to: its registered name, and the org that registered it. */
  app?: { name: string; org: string | null } | undefined;
}

export function SignInPage({ ctx, form }: { ctx: PageCtx; form: SignInForm }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.signIn.title}>
      <div class="narrow">
        <h1>{t.signIn.title}</h1>
        <p class="lead">
          {!form.app
            ? t.signIn.lead
            : form.app.org
              ? t.signIn.continueToOrgApp(form.app.name, form.app.org)
              : t.signIn.continueTo(form.app.name)}
        </p>
        {form.warning ? <Alert kind="warn">{form.warning}</Alert> : null}
        {form.error ? (
          <Alert kind="error">
            <span id="signin-error">{form.error}</span>
          </Alert>
        ) : null}
        <form method="post" action="/login" class="card">
          <Csrf ctx={ctx} />
          <Field
            id="email"
            name="email"
            type="email"
            label={t.signIn.email}
            value={form.email}
            autocomplete="username"
            required
            autofocus={!form.email}
          />
          {/* After a refusal the email is kept: the password is what to type again. */}
          <Field
            id="password"
            name="password"
            type="password"
            label={t.signIn.password}
            autocomplete="current-password"
            required
            autofocus={Boolean(form.email)}
          />
          {/* No autofill token names an org's code ("organization" is a company name): nothing to fill in here. */}
          <Field id="org" name="org" label={t.signIn.org} value={form.org} hint={t.signIn.orgHint} autocomplete="off" />
          <button type="submit">{t.signIn.submit}</button>
        </form>
        {form.passkeys === false ? (
          <PasskeysUnavailable ctx={ctx} />
        ) : (
          <PasskeyForm
            ctx={ctx}
            kind="authenticate"
            id="passkey-signin"
            class="card"
            action="/login/passkey"
            options="/login/passkey/options"
            label={t.passkeys.signIn}
          >
            <p class="hint">{t.passkeys.signInLead}</p>
          </PasskeyForm>
        )}
      </div>
    </Layout>
  );
}

/** `passkey`: the login step's methods include "webauthn" (the user has a passkey) and this address allows it. */
export function SecondStepPage({
  ctx,
  error,
  passkey,
  code = true,
}: {
  ctx: PageCtx;
  error?: string | undefined;
  passkey?: boolean | undefined;
  /** The user has an authenticator app: a passkey-only user is not offered a code field it cannot use. */
  code?: boolean | undefined;
}) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.secondStep.title}>
      <div class="narrow">
        <h1>{t.secondStep.title}</h1>
        <p class="lead">{code ? t.secondStep.lead : t.secondStep.leadPasskey}</p>
        {passkey ? (
          <div class="card">
            <PasskeyForm
              ctx={ctx}
              kind="authenticate"
              id="passkey-step"
              action="/login/2fa/passkey"
              options="/login/2fa/passkey/options"
              label={t.passkeys.use}
            >
              <p class="hint">{code ? t.passkeys.useLead : t.passkeys.useLeadOnly}</p>
            </PasskeyForm>
          </div>
        ) : null}
        {code ? (
          <form method="post" action="/login/2fa" class="card" novalidate>
            <Csrf ctx={ctx} />
            <CodeField id="code" label={t.secondStep.code} error={error} hint={t.secondStep.codeHint(CHALLENGE_MAX_ATTEMPTS)} autofocus />
            <div class="actions">
              <button type="submit">{t.secondStep.submit}</button>
              <a href="/login/recovery">{t.secondStep.useRecovery}</a>
            </div>
          </form>
        ) : (
          <div class="card">
            {error ? <Alert kind="error">{error}</Alert> : null}
            {passkey ? null : <p class="alert warn">{t.passkeys.unavailable}</p>}
            <p>
              <a href="/login/recovery">{t.secondStep.useRecovery}</a>
            </p>
          </div>
        )}
        <p>
          <a href="/">{t.secondStep.startOver}</a>
        </p>
      </div>
    </Layout>
  );
}

export function RecoveryStepPage({ ctx, error, code }: { ctx: PageCtx; error?: string | undefined; code?: string | undefined }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.recoveryStep.title}>
      <div class="narrow">
        <h1>{t.recoveryStep.title}</h1>
        <p class="lead">{t.recoveryStep.lead}</p>
        <form method="post" action="/login/recovery" class="card" novalidate>
          <Csrf ctx={ctx} />
          <Field
            id="code"
            name="code"
            label={t.recoveryStep.code}
            value={code}
            autocomplete="off"
            required
            autofocus
            error={error}
            maxlength={64}
          />
          <div class="actions">
            <button type="submit">{t.recoveryStep.submit}</button>
            <a href="/login/2fa">{t.recoveryStep.useApp}</a>
          </div>
        </form>
      </div>
    </Layout>
  );
}

/**
 * Enrolling at sign-in (the org requires 2FA, or the application asked for MFA: `app` names it): the authenticator
 * app, or a passkey instead where this address allows passkeys (a passkey counts as 2FA).
 */
export function ForcedEnrollPage(p: SetupPageProps & { app?: { name: string; org: string | null } | undefined; passkeys: boolean }) {
  const { t } = p.ctx;
  return (
    <Layout ctx={p.ctx} title={t.enroll.forcedTitle}>
      <h1>{t.enroll.forcedTitle}</h1>
      <Alert kind="warn">
        {!p.app ? t.enroll.forcedLead : p.app.org ? t.enroll.forcedLeadOrgApp(p.app.name, p.app.org) : t.enroll.forcedLeadApp(p.app.name)}
      </Alert>
      <div class="card">
        <QrSetup ctx={p.ctx} info={p.info} email={p.email} action="/login/enroll" error={p.error} cancelHref="/" />
      </div>
      {p.passkeys ? (
        <p>
          <a href="/login/enroll/passkey?choice=1">{t.enroll.usePasskey}</a>
        </p>
      ) : null}
    </Layout>
  );
}

export function CodesPage({ ctx, codes, continueHref }: { ctx: PageCtx; codes: readonly string[]; continueHref: string }) {
  return (
    <Layout ctx={ctx} title={ctx.t.codes.title} showNav={false}>
      <RecoveryCodes ctx={ctx} codes={codes} continueHref={continueHref} />
    </Layout>
  );
}

/** A page that says one thing; `back` names where to go next (the home page by default). */
export function MessagePage({
  ctx,
  title,
  message,
  back,
}: {
  ctx: PageCtx;
  title: string;
  message: string;
  back?: { href: string; label: string } | undefined;
}) {
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <Alert kind="error">{message}</Alert>
      <p>
        <a href={back?.href ?? "/"}>{back?.label ?? ctx.t.backHome}</a>
      </p>
    </Layout>
  );
}

/**
 * Enrolling a passkey at sign-in, where the org requires phishing-resistant sign-in and the member has none: the
 * only thing this sign-in can do (the forced enrollment of require2fa, with a passkey instead of an app). `chosen`:
 * the person chose a passkey on the authenticator-app enrollment page instead, and may go back to it. (Which org
 * rule applies is the org object's to enforce; `chosen` only picks the words and the way back.)
 */
export function ForcedPasskeyPage({
  ctx,
  error,
  available,
  chosen = false,
}: {
  ctx: PageCtx;
  error?: string | undefined;
  available: boolean;
  chosen?: boolean;
}) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.passkeys.forcedTitle}>
      <div class="narrow">
        <h1>{t.passkeys.forcedTitle}</h1>
        <p class="lead">{chosen ? t.passkeys.chosenLead : t.passkeys.forcedLead}</p>
        {error ? <Alert kind="error">{error}</Alert> : null}
        <div class="card">
          {available ? (
            <PasskeyForm
              ctx={ctx}
              kind="register"
              id="passkey-enroll"
              action="/login/enroll/passkey"
              options="/login/enroll/passkey/options"
              label={t.passkeys.add}
            >
              <Field id="passkey-new-name" name="name" label={t.passkeys.newName} hint={t.passkeys.newNameHint} maxlength={100} />
              {chosen ? <input type="hidden" name="choice" value="1" /> : null}
            </PasskeyForm>
          ) : (
            <PasskeysUnavailable ctx={ctx} />
          )}
          <noscript>
            <p class="hint">{t.passkeys.forcedNeedsScript}</p>
          </noscript>
        </div>
        {chosen ? (
          <p>
            <a href="/login/enroll">{t.passkeys.useApp}</a>
          </p>
        ) : null}
      </div>
    </Layout>
  );
}
