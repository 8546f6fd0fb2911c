// Settings → Security (admins): require 2FA, require phishing-resistant sign-in (step-up), code period, and who is
// not enrolled yet or (while the org requires passkeys) has no passkey.
import { Alert, Csrf } from "../components";
import { Layout, type PageCtx } from "../layout";
import { type StepUpAsk, StepUpFields } from "../step-up";

export interface ComplianceView {
  enrolled: number;
  total: number;
  notEnrolled: { id: string; email: string; name: string }[];
  /** `required`: the org's saved setting (not the form's), which alone makes the list of who lacks a passkey matter. */
  phishingResistant?: { required: boolean; withoutPasskey: { id: string; email: string; name: string }[]; withoutPasskeyCount: number };
}

export function SettingsPage(p: {
  ctx: PageCtx;
  require2fa: boolean;
  totpPeriod: number;
  requirePhishingResistant?: boolean;
  compliance: ComplianceView;
  /** Changing "Require phishing-resistant sign-in" needs a recent second factor: asked in place. */
  stepUp?: StepUpAsk | undefined;
  notice?: string | undefined;
  error?: string | undefined;
}) {
  const { t } = p.ctx;
  const s = t.settings;
  return (
    <Layout ctx={p.ctx} title={`${s.title} → ${s.security}`}>
      <h1>
        {s.title} → {s.security}
      </h1>
      {p.notice ? <Alert kind="ok">{p.notice}</Alert> : null}
      {p.error ? <Alert kind="error">{p.error}</Alert> : null}
      <form method="post" action="/settings" class="card" aria-labelledby="security-title">
        <h2 id="security-title">{s.security}</h2>
        <Csrf ctx={p.ctx} />
        <div class="field check">
          <input type="checkbox" id="require2fa" name="require2fa" value="on" checked={p.require2fa} aria-describedby="require2fa-hint" />
          <div>
            <label for="require2fa">{s.require}</label>
            <p class="hint" id="require2fa-hint">
              {s.requireHint}
            </p>
          </div>
        </div>
        <div class="field check">
          <input
            type="checkbox"
            id="requirePhishingResistant"
            name="requirePhishingResistant"
            value="on"
            checked={p.requirePhishingResistant === true}
            aria-describedby="phishing-hint"
          />
          <div>
            <label for="requirePhishingResistant">{s.requirePhishingResistant}</label>
            <p class="hint" id="phishing-hint">
              {s.requirePhishingResistantHint}
            </p>
          </div>
        </div>
        {p.stepUp ? <StepUpFields ctx={p.ctx} ask={p.stepUp} id="settings" /> : null}
        <fieldset aria-describedby="period-hint">
          <legend>{s.period}</legend>
          <div class="radios">
            {[30, 60].map((n) => (
              <label>
                <input type="radio" name="totpPeriod" value={String(n)} checked={p.totpPeriod === n} />
                {s.seconds(n)}
              </label>
            ))}
          </div>
          <p class="hint" id="period-hint">
            {s.periodHint}
          </p>
        </fieldset>
        <button type="submit">{s.save}</button>
      </form>
      <section class="card" aria-labelledby="compliance-title">
        <h2 id="compliance-title">{s.compliance}</h2>
        <p>
          <strong id="compliance-figure">{s.enrolled(p.compliance.enrolled, p.compliance.total)}</strong>
        </p>
        {p.compliance.notEnrolled.length === 0 ? (
          <p>{s.allEnrolled}</p>
        ) : (
          <>
            <h3>{s.notEnrolledList}</h3>
            <ul>
              {p.compliance.notEnrolled.map((u) => (
                <li>
                  {u.name} ({u.email})
                </li>
              ))}
            </ul>
          </>
        )}
        {/* Only while passkeys are required: otherwise nobody is short of one, and the list would read as a failing. */}
        {p.compliance.phishingResistant?.required ? (
          <>
            <h3 id="without-passkey-title">{s.withoutPasskey(p.compliance.phishingResistant.withoutPasskeyCount)}</h3>
            {p.compliance.phishingResistant.withoutPasskey.length === 0 ? (
              <p>{s.allHavePasskeys}</p>
            ) : (
              <ul aria-labelledby="without-passkey-title">
                {p.compliance.phishingResistant.withoutPasskey.map((u) => (
                  <li>
                    {u.name} ({u.email})
                  </li>
                ))}
              </ul>
            )}
          </>
        ) : null}
      </section>
    </Layout>
  );
}
