// Account → Passkeys: the list (name, added, last used) with rename and remove (step-up), and "Add a passkey".
import { Alert, Csrf, Field } from "../components";
import type { PageCtx } from "../layout";
import { PasskeyForm, PasskeysUnavailable } from "../passkey-forms";
import { type StepUpAsk, StepUpFields } from "../step-up";
import { utcHeading, when } from "../when";
import type { PasskeyInfo } from "../../org/rpc";

export interface PasskeysForm {
  available: boolean;
  passkeys: PasskeyInfo[];
  /** The session is stale: adding and removing ask for the step-up proof in place. */
  stepUp?: StepUpAsk | undefined;
  /** The passkey whose removal the step-up refused: only its box shows the step-up's error. */
  stepUpFor?: string | undefined;
  error?: string | undefined;
  /** A refused rename: what was typed and why, shown in that passkey's field. */
  rename?: { id: string; value: string; error: string } | undefined;
}

export function PasskeysSection({ ctx, form }: { ctx: PageCtx; form: PasskeysForm }) {
  const t = ctx.t.passkeys;
  const ask = (id: string, passkeyId?: string) =>
    form.stepUp ? (
      <StepUpFields ctx={ctx} ask={{ ...form.stepUp, error: passkeyId === form.stepUpFor ? form.stepUp.error : undefined }} id={id} />
    ) : null;
  const refused = (id: string) => (form.rename?.id === id ? form.rename : undefined);
  return (
    <section class="card table-wrap" tabindex={0} aria-labelledby="passkeys-title">
      <h2 id="passkeys-title">{t.title}</h2>
      <p class="hint">{t.lead}</p>
      {form.error ? <Alert kind="error">{form.error}</Alert> : null}
      {form.passkeys.length === 0 ? (
        <p>{t.none}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t.name}</th>
              <th scope="col">{utcHeading(t.created)}</th>
              <th scope="col">{utcHeading(t.lastUsed)}</th>
              <th scope="col">{ctx.t.users.actions}</th>
            </tr>
          </thead>
          <tbody>
            {form.passkeys.map((k, i) => (
              <tr>
                <td>{k.name}</td>
                <td>{when(k.createdAt, ctx.lang, t.never)}</td>
                <td>{when(k.lastUsedAt, ctx.lang, t.never)}</td>
                <td>
                  <form method="post" action={`/account/passkeys/${encodeURIComponent(k.id)}/rename`} class="inline-form">
                    <Csrf ctx={ctx} />
                    <Field
                      id={`passkey-name-${i}`}
                      name="name"
                      label={t.renameLabel(k.name)}
                      value={refused(k.id)?.value ?? k.name}
                      error={refused(k.id)?.error}
                      autofocus={refused(k.id) !== undefined}
                      required
                      maxlength={100}
                    />
                    <button type="submit" class="secondary">
                      {t.rename}
                    </button>
                  </form>
                  <form method="post" action={`/account/passkeys/${encodeURIComponent(k.id)}/delete`} class="inline-form">
                    <Csrf ctx={ctx} />
                    {ask(`passkey-remove-${i}`, k.id)}
                    <button type="submit" class="danger" aria-label={t.removeLabel(k.name)}>
                      {t.remove}
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {form.available ? (
        <PasskeyForm
          ctx={ctx}
          kind="register"
          id="passkey-add"
          action="/account/passkeys"
          options="/account/passkeys/options"
          label={t.add}
        >
          <Field id="passkey-new-name" name="name" label={t.newName} hint={t.newNameHint} maxlength={100} />
          {ask("passkey-add")}
        </PasskeyForm>
      ) : (
        <PasskeysUnavailable ctx={ctx} />
      )}
    </section>
  );
}
