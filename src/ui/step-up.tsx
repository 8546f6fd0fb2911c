// The step-up prompt, asked in place inside the form of a sensitive action (as GitHub's sudo mode does): a
// current code from the authenticator app, "Use a passkey", or the password for someone without a second factor.
// The passkey button is hidden until /static/passkeys.js finds WebAuthn; it puts the answer in `webauthn` and sends
// the form, so a user whose only factor is a passkey can confirm without signing in again.
import { Alert, CodeField, Field } from "./components";
import type { PageCtx } from "./layout";

export interface StepUpAsk {
  /** The viewer has a second factor (an authenticator app or a passkey): never ask for the password. */
  withCode: boolean;
  error?: string | undefined;
}

export function StepUpFields({ ctx, ask, id }: { ctx: PageCtx; ask: StepUpAsk; id: string }) {
  const s = ctx.t.stepUp;
  const factors = ctx.viewer?.factors ?? { app: ask.withCode, passkey: false };
  const app = ask.withCode && factors.app;
  const passkey = ask.withCode && factors.passkey;
  const lead = !ask.withCode ? s.leadPassword : app ? s.leadCode : s.leadPasskey;
  return (
    <fieldset class="step-up" data-step-up>
      <legend>{s.title}</legend>
      <p class="hint">{lead}</p>
      {!ask.withCode ? (
        <Field
          id={`${id}-password`}
          name="password"
          type="password"
          label={s.password}
          autocomplete="current-password"
          required
          autofocus={ask.error !== undefined}
          error={ask.error}
        />
      ) : app ? (
        <CodeField id={`${id}-code`} label={s.code} error={ask.error} autofocus={ask.error !== undefined} />
      ) : ask.error ? (
        <Alert kind="error">{ask.error}</Alert>
      ) : null}
      {passkey ? (
        <div data-passkey-only hidden>
          <input type="hidden" name="webauthn" value="" />
          <p class="alert error" role="alert" data-passkey-error hidden />
          <button
            type="button"
            class="secondary"
            id={`${id}-passkey`}
            data-step-up-passkey="/account/step-up/passkey"
            data-cancelled={ctx.t.passkeys.cancelled}
            data-failed={ctx.t.passkeys.failed}
          >
            {s.usePasskey}
          </button>
        </div>
      ) : null}
      {ask.withCode && !app ? (
        passkey ? (
          <noscript>
            <p class="hint">{s.passkeyNeedsScript}</p>
          </noscript>
        ) : (
          <p class="hint">{ctx.t.passkeys.signInAgain}</p>
        )
      ) : null}
    </fieldset>
  );
}
