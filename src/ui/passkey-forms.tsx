// The passkey forms: each is `hidden` until /static/passkeys.js finds WebAuthn and reveals it; the script fetches
// the options (data-options), runs the ceremony and posts the answer in the hidden `response` field.
import type { Child } from "hono/jsx";
import { Csrf } from "./components";
import type { PageCtx } from "./layout";

export function PasskeyForm(p: {
  ctx: PageCtx;
  kind: "register" | "authenticate";
  action: string;
  options: string;
  label: string;
  id: string;
  /** "card" where the form stands alone on the page. */
  class?: string;
  children?: Child;
}) {
  const t = p.ctx.t.passkeys;
  return (
    <form
      method="post"
      action={p.action}
      id={p.id}
      class={p.class}
      data-passkey={p.kind}
      data-options={p.options}
      data-cancelled={t.cancelled}
      data-failed={t.failed}
      data-passkey-only
      hidden
    >
      <Csrf ctx={p.ctx} />
      <input type="hidden" name="response" value="" />
      {p.children}
      <p class="alert error" role="alert" data-passkey-error hidden />
      <div class="actions">
        <button type="submit" class="secondary">
          {p.label}
        </button>
      </div>
    </form>
  );
}

/**
 * On an IP address WebAuthn has no relying party: say so instead of offering a button that fails. A standing note
 * of the page, not news: no live region (role=status stays for the outcome of what the visitor just did).
 */
export function PasskeysUnavailable({ ctx }: { ctx: PageCtx }) {
  return <p class="alert warn">{ctx.t.passkeys.unavailable}</p>;
}
