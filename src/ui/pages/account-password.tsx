// Account → Password: change one's own password (current + new); errors sit next to the field they are about.
import { Alert, Csrf, Field } from "../components";
import type { PageCtx } from "../layout";

export interface PasswordForm {
  errors: { current?: string; new?: string; form?: string };
}

export function PasswordSection({ ctx, email, form }: { ctx: PageCtx; email: string; form: PasswordForm | undefined }) {
  const a = ctx.t.account;
  const errors = form?.errors ?? {};
  return (
    <section class="card" aria-labelledby="password-title">
      <h2 id="password-title">{a.passwordTitle}</h2>
      {/* novalidate: the server's words (in the page's language) replace the browser's own bubbles. */}
      <form method="post" action="/account/password" novalidate>
        <Csrf ctx={ctx} />
        {/* Lets a password manager file the new password under the right account; never read by the server. */}
        <input type="email" name="username" autocomplete="username" value={email} hidden readonly />
        {errors.form ? <Alert kind="error">{errors.form}</Alert> : null}
        <Field
          id="current-password"
          name="currentPassword"
          type="password"
          label={a.currentPassword}
          autocomplete="current-password"
          required
          error={errors.current}
        />
        <Field
          id="new-password"
          name="newPassword"
          type="password"
          label={a.newPassword}
          autocomplete="new-password"
          required
          hint={a.newPasswordHint}
          error={errors.new}
        />
        <button type="submit">{a.changePassword}</button>
      </form>
    </section>
  );
}
