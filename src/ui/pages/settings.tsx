// Settings → Security (admins): require 2FA, require phishing-resistant sign-in (step-up), code period, and who is
// not enrolled yet (a page at a time, searchable, as the Users page) or (while the org requires passkeys) has no passkey.
import { Alert, Csrf } from "../components";
import { Layout, type PageCtx } from "../layout";
import { type ListPaging, ListPager, ListSearch } from "../paging";
import { type StepUpAsk, StepUpFields } from "../step-up";

/** The anchor of the not-enrolled list: its links land on it rather than on the settings form above. */
export const NOT_ENROLLED_ANCHOR = "not-enrolled";

export interface ComplianceView {
  enrolled: number;
  total: number;
  /** One page of the users without 2FA (GET /api/org/compliance); the counts above are the whole org's. */
  notEnrolled: { id: string; email: string; name: string; active: boolean }[];
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
  /** The not-enrolled list's search and links (none: its first page, whole); `listError`: a cursor refused. */
  paging?: ListPaging | undefined;
  listError?: string | undefined;
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
        <NotEnrolled ctx={p.ctx} compliance={p.compliance} paging={p.paging} error={p.listError} />
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

/**
 * Who is not yet enrolled, a page at a time. The heading counts them all (every user without 2FA, as the figure's
 * total and enrolled count the whole org); the first page says how many more there are, and the search and the
 * page links show only when the list does not fit one page.
 */
function NotEnrolled(p: { ctx: PageCtx; compliance: ComplianceView; paging: ListPaging | undefined; error: string | undefined }) {
  const s = p.ctx.t.settings;
  const count = p.compliance.total - p.compliance.enrolled;
  if (count <= 0) return <p>{s.allEnrolled}</p>;
  const paging = p.paging ?? { q: "", nextHref: null, firstHref: null };
  const shown = p.compliance.notEnrolled;
  const paged = paging.nextHref !== null || paging.firstHref !== null || paging.q !== "";
  const path = `/settings#${NOT_ENROLLED_ANCHOR}`;
  // Only the first page of the whole list knows how many come after it: a later page or a search does not.
  const rest = paging.firstHref === null && paging.q === "" ? count - shown.length : 0;
  return (
    <>
      <h3 id={NOT_ENROLLED_ANCHOR}>
        {s.notEnrolledList} ({count})
      </h3>
      {p.error ? <Alert kind="error">{p.error}</Alert> : null}
      {paged ? <ListSearch ctx={p.ctx} id="not-enrolled-q" action={path} clearHref={path} q={paging.q} /> : null}
      {p.error ? null : shown.length > 0 ? (
        <ul aria-labelledby={NOT_ENROLLED_ANCHOR}>
          {shown.map((u) => (
            <li>
              {u.name} ({u.email})
              {u.active ? null : (
                <>
                  {" "}
                  <span class="badge locked">{p.ctx.t.people.deactivated}</span>
                </>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p>{paging.q ? (paging.nextHref ? s.noMatchHere(paging.q) : s.noMatch(paging.q)) : s.noneFurther}</p>
      )}
      <ListPager ctx={p.ctx} paging={paging} more={rest > 0 ? s.andMore(rest) : undefined} />
    </>
  );
}
