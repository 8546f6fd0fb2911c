// The page shell: skip link, top bar (brand, nav, language switch, Sign out), main landmark.
import type { Child } from "hono/jsx";
import type { Catalog } from "./i18n/en";
import type { Lang } from "./lang";

export interface Viewer {
  email: string;
  isAdmin: boolean;
  /** The viewer's second factors, for the step-up prompt: an authenticator app, a passkey usable at this address. */
  factors?: { app: boolean; passkey: boolean };
}

/** What every page needs: words, language, the form token, who is signed in, where we are. */
export interface PageCtx {
  t: Catalog;
  lang: Lang;
  csrf: string;
  viewer: Viewer | null;
  /** A GET path that shows this page again (for the language switch). */
  path: string;
}

// Bump with every change to APP_CSS or APP_JS: browsers keep the files for a day (assets.ts cache-control).
export const ASSET_VERSION = "9";

function Nav({ ctx, current }: { ctx: PageCtx; current: string }) {
  const { t, viewer } = ctx;
  if (!viewer) return null;
  const links: [string, string][] = [["/account", t.nav.account]];
  if (viewer.isAdmin) {
    links.push(
      ["/users", t.nav.users],
      ["/settings", t.nav.settings],
      ["/api-keys", t.nav.apiKeys],
      ["/applications", t.nav.applications],
      ["/audit", t.nav.audit],
    );
  }
  return (
    <nav aria-label={t.nav.label}>
      <ul>
        {links.map(([href, label]) => (
          <li>
            <a href={href} aria-current={href === current ? "page" : undefined}>
              {label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function Layout({ ctx, title, children, showNav = true }: { ctx: PageCtx; title: string; children: Child; showNav?: boolean }) {
  const { t, viewer } = ctx;
  const other = t.switchLangCode;
  const sep = ctx.path.includes("?") ? "&" : "?";
  return (
    <html lang={ctx.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${t.product}`}</title>
        <link rel="stylesheet" href={`/static/app.css?v=${ASSET_VERSION}`} />
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
        <script src={`/static/app.js?v=${ASSET_VERSION}`} defer />
        <script src={`/static/passkeys.js?v=${ASSET_VERSION}`} defer />
      </head>
      <body>
        <a class="skip" href="#main">
          {t.skip}
        </a>
        <header class="top">
          <a class="brand" href="/">
            {t.product}
          </a>
          {showNav ? <Nav ctx={ctx} current={ctx.path.split("?")[0] ?? ""} /> : null}
          <div class="tools">
            {/* Hidden where leaving the page would lose something shown once (recovery codes, an app's setup). */}
            {showNav ? (
              <a href={`${ctx.path}${sep}lang=${other}`} lang={other} hreflang={other}>
                {t.switchLang}
              </a>
            ) : null}
            {viewer && showNav ? (
              <>
                <span class="who">{t.signedInAs(viewer.email)}</span>
                <form method="post" action="/logout">
                  <input type="hidden" name="_csrf" value={ctx.csrf} />
                  <button type="submit" class="secondary">
                    {t.signOut}
                  </button>
                </form>
              </>
            ) : null}
          </div>
        </header>
        <main id="main" class="wrap">
          {children}
        </main>
      </body>
    </html>
  );
}
