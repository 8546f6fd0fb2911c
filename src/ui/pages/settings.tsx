// Settings → Security (admins): require 2FA, code period, and who is not enrolled yet.
import { Alert, Csrf } from "../components";
import { Layout, type PageCtx } from "../layout";

export interface ComplianceView {
  enrolled: number;
  total: number;
  notEnrolled: { id: string; email: string; name: string }[];
}

export function SettingsPage(p: {
  ctx: PageCtx;
  require2fa: boolean;
  totpPeriod: number;
  compliance: ComplianceView;
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
      </section>
    </Layout>
  );
}
