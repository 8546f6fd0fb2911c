// The emailed pairing link's pages (/pair/<token>): the start button, the QR setup, the recovery codes, and a
// dead link. Nobody is signed in here (viewer is always null), so the top bar shows no account and no nav.
import { Alert, Csrf, Field, QrSetup, RecoveryCodes, type SetupPageProps } from "../components";
import { Layout, type PageCtx } from "../layout";

/** Where a link's forms post: the token is the only credential, so it stays in the path (never in a cookie). */
export function pairAction(token: string, step = ""): string {
  return `/pair/${encodeURIComponent(token)}${step}`;
}

/**
 * What GET shows: words, the password field and a button, nothing more. Mail scanners open links, so only the
 * POST behind the button may start anything; the password proves the account is the reader's (a mailbox alone
 * does not), and a wrong one is shown at its field.
 */
export function PairStartPage({
  ctx,
  token,
  error,
  passwordError,
}: {
  ctx: PageCtx;
  token: string;
  error?: string | undefined;
  passwordError?: string | undefined;
}) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.pair.title}>
      <div class="narrow">
        <h1>{t.pair.title}</h1>
        <p class="lead">{t.pair.lead}</p>
        <p>{t.pair.ready}</p>
        {error ? <Alert kind="error">{error}</Alert> : null}
        {/* novalidate: the server's words (in the page's language) replace the browser's own bubbles. */}
        <form method="post" action={pairAction(token)} class="card" novalidate>
          <Csrf ctx={ctx} />
          <Field
            id="password"
            name="password"
            type="password"
            label={t.pair.password}
            hint={t.pair.passwordHint}
            autocomplete="current-password"
            required
            autofocus
            error={passwordError}
          />
          <button type="submit">{t.pair.start}</button>
        </form>
      </div>
    </Layout>
  );
}

/** The same QR block as Account → Enable 2FA and forced enrollment; Verify posts to the link's confirm step. */
export function PairSetupPage(p: SetupPageProps & { token: string }) {
  const { t } = p.ctx;
  return (
    <Layout ctx={p.ctx} title={t.pair.title}>
      <h1>{t.pair.title}</h1>
      <p class="lead">{t.pair.lead}</p>
      <div class="card">
        <QrSetup ctx={p.ctx} info={p.info} email={p.email} action={pairAction(p.token, "/confirm")} error={p.error} />
      </div>
    </Layout>
  );
}

/** The one-time recovery codes; Continue leads to the sign-in page, since the link signed no one in. */
export function PairCodesPage({ ctx, codes }: { ctx: PageCtx; codes: readonly string[] }) {
  return (
    <Layout ctx={ctx} title={ctx.t.codes.title} showNav={false}>
      <Alert kind="ok">{ctx.t.pair.done}</Alert>
      <RecoveryCodes ctx={ctx} codes={codes} continueHref="/" />
    </Layout>
  );
}

/** A used, replaced, expired or made-up link (answered with 404). */
export function PairInvalidPage({ ctx }: { ctx: PageCtx }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.pair.invalidTitle}>
      <div class="narrow">
        <h1>{t.pair.invalidTitle}</h1>
        <Alert kind="error">{t.pair.invalid}</Alert>
        <p>
          <a href="/">{t.signIn.title}</a>
        </p>
      </div>
    </Layout>
  );
}
