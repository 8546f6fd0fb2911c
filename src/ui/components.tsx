// Form pieces shared by the pages: labelled fields with errors tied by aria-describedby, alerts, the QR setup
// block and the one-time recovery codes block.
import type { Child } from "hono/jsx";
import type { EnrollmentInfo } from "../totp";
import type { Catalog } from "./i18n/en";
import type { PageCtx } from "./layout";

export function Csrf({ ctx }: { ctx: PageCtx }) {
  return <input type="hidden" name="_csrf" value={ctx.csrf} />;
}

/** A form's single-use id (org/form-ids.ts): the same post sent again makes nothing more. */
export function FormId({ id }: { id: string }) {
  return <input type="hidden" name="formId" value={id} />;
}

export function Alert({ kind, children }: { kind: "error" | "ok" | "warn"; children: Child }) {
  return (
    <div class={`alert ${kind}`} role={kind === "error" ? "alert" : "status"}>
      {children}
    </div>
  );
}

export interface FieldProps {
  id: string;
  name: string;
  label: string;
  type?: "text" | "email" | "password";
  value?: string | undefined;
  hint?: string | undefined;
  error?: string | undefined;
  required?: boolean;
  autocomplete?: string;
  inputmode?: "numeric" | "text" | "email";
  autofocus?: boolean;
  pattern?: string;
  maxlength?: number;
}

export function Field(p: FieldProps) {
  const described = [p.hint ? `${p.id}-hint` : "", p.error ? `${p.id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div class="field">
      <label for={p.id}>{p.label}</label>
      <input
        id={p.id}
        name={p.name}
        type={p.type ?? "text"}
        value={p.value ?? ""}
        required={p.required ?? false}
        autocomplete={p.autocomplete}
        inputmode={p.inputmode}
        // A field sent back with an error takes the focus, so the page opens on it (not at its top, screens above).
        autofocus={p.autofocus ?? Boolean(p.error)}
        pattern={p.pattern}
        maxlength={p.maxlength}
        spellcheck={false}
        aria-invalid={p.error ? "true" : undefined}
        aria-describedby={described || undefined}
      />
      {p.hint ? (
        <p class="hint" id={`${p.id}-hint`}>
          {p.hint}
        </p>
      ) : null}
      {p.error ? (
        <p class="field-error" id={`${p.id}-error`}>
          {p.error}
        </p>
      ) : null}
    </div>
  );
}

/**
 * The 6-digit code field: numeric keyboard on phones, filled by the OS from an authenticator or SMS. `autofocus`
 * where the code is what the page is for, and after a wrong one, so the next code is typed at once.
 */
export function CodeField({
  id,
  label,
  error,
  hint,
  autofocus = false,
}: {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  autofocus?: boolean;
}) {
  return (
    <Field
      id={id}
      name="code"
      label={label}
      inputmode="numeric"
      autocomplete="one-time-code"
      pattern="[0-9 \-]*"
      maxlength={8}
      required
      autofocus={autofocus}
      error={error}
      hint={hint}
    />
  );
}

export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;base64,${btoa(svg)}`;
}

/** What every page that shows a setup QR receives (Account → Enable 2FA, forced enrollment, pairing link). */
export interface SetupPageProps {
  ctx: PageCtx;
  info: Pick<EnrollmentInfo, "secret" | "otpauthUri" | "qrSvg">;
  email: string;
  error?: string | undefined;
}

/** The period the key URI carries (the org's setting when the secret was made); RFC 6238's 30 s when absent. */
function periodOf(otpauthUri: string): number {
  return Number(/[?&]period=(\d+)/.exec(otpauthUri)?.[1] ?? 30);
}

/** QR code, the key to type by hand (with the settings an app asks for then), and the code that confirms enrollment. */
export function QrSetup(p: SetupPageProps & { action: string; cancelHref?: string }) {
  const { t } = p.ctx;
  return (
    <form method="post" action={p.action} novalidate>
      <Csrf ctx={p.ctx} />
      <input type="hidden" name="otpauth" value={p.info.otpauthUri} />
      <p>{t.enroll.scan}</p>
      <div class="qr">
        <img src={svgDataUrl(p.info.qrSvg)} alt={t.enroll.qrAlt(p.email)} width="220" height="220" id="qr" />
        <div>
          <p>{t.enroll.manual}</p>
          <p>
            <code class="key" id="totp-key">
              {p.info.secret.replace(/(.{4})/g, "$1 ").trim()}
            </code>
          </p>
          <p class="hint">{t.enroll.manualSettings(periodOf(p.info.otpauthUri))}</p>
        </div>
      </div>
      <CodeField id="code" label={t.enroll.code} error={p.error} hint={t.enroll.codeHint} autofocus />
      <div class="actions">
        <button type="submit">{t.enroll.submit}</button>
        {p.cancelHref ? (
          <a href={p.cancelHref} class="button secondary">
            {t.enroll.cancel}
          </a>
        ) : null}
      </div>
    </form>
  );
}

/** Copies the text of the element `target` (app.js); shown only where the script runs. */
export function CopyButton({ t, target, label }: { t: Catalog; target: string; label?: string }) {
  return (
    <button type="button" class="secondary" data-action="copy" data-target={target} data-done={t.codes.copied} data-js-only hidden>
      {label ?? t.codes.copy}
    </button>
  );
}

export function codesFile(t: Catalog, codes: readonly string[]): string {
  return `data:text/plain;charset=utf-8,${encodeURIComponent(`${t.codes.fileHeader}\n\n${codes.join("\n")}\n`)}`;
}

/** The recovery codes, shown this once, with Download (works without JS), Copy and Print. */
export function RecoveryCodes({ ctx, codes, continueHref }: { ctx: PageCtx; codes: readonly string[]; continueHref: string }) {
  const { t } = ctx;
  return (
    <section class="card" aria-labelledby="codes-title">
      <h1 id="codes-title">{t.codes.title}</h1>
      <p class="lead">{t.codes.lead}</p>
      <ul class="codes" id="recovery-codes" aria-label={t.codes.title}>
        {codes.map((code) => (
          <li>{code}</li>
        ))}
      </ul>
      <div class="actions">
        <a class="button secondary" href={codesFile(t, codes)} download="gatehouse-recovery-codes.txt">
          {t.codes.download}
        </a>
        <CopyButton t={t} target="recovery-codes" />
        <button type="button" class="secondary" data-action="print" data-js-only hidden>
          {t.codes.print}
        </button>
      </div>
      <Alert kind="warn">
        <span id="codes-warning">{t.codes.warning}</span>
      </Alert>
      <a class="button" href={continueHref} aria-describedby="codes-warning">
        {t.codes.continue}
      </a>
    </section>
  );
}
