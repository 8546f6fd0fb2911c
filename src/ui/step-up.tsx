// The step-up prompt, asked in place inside the form of a sensitive action (as GitHub's sudo mode does): a
// current code from the authenticator app, or the password for someone without a second factor.
import { CodeField, Field } from "./components";
import type { PageCtx } from "./layout";

export interface StepUpAsk {
  /** The viewer has an authenticator app: ask for its code; otherwise ask for the password. */
  withCode: boolean;
  error?: string | undefined;
}

export function StepUpFields({ ctx, ask, id }: { ctx: PageCtx; ask: StepUpAsk; id: string }) {
  const s = ctx.t.stepUp;
  return (
    <fieldset class="step-up">
      <legend>{s.title}</legend>
      <p class="hint">{ask.withCode ? s.leadCode : s.leadPassword}</p>
      {ask.withCode ? (
        <CodeField id={`${id}-code`} label={s.code} error={ask.error} />
      ) : (
        <Field
          id={`${id}-password`}
          name="password"
          type="password"
          label={s.password}
          autocomplete="current-password"
          required
          error={ask.error}
        />
      )}
    </fieldset>
  );
}
