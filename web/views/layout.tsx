import type { ComponentChildren } from 'preact';
import type { Principal } from '../../domain/auth';
import { hasRole } from '../../domain/auth';
import { sv } from '../../domain/catalog';

export interface PageContext {
  /** Where the app is mounted, e.g. `/app`. */
  base: string;
  principal?: Principal;
  csrfToken?: string;
  /** The nav entry of this page, marked aria-current. */
  current?: NavKey;
}

export type NavKey = 'inbox' | 'search' | 'intake' | 'overview' | 'audit' | 'registry' | 'policies' | 'routing' | 'watchdog' | 'accessibility';

/** The screens a role reaches from the top navigation (only built ones are listed). */
export function navFor(p: Principal): Array<{ key: NavKey; path: string }> {
  const items: Array<{ key: NavKey; path: string }> = [];
  if (hasRole(p, 'coordinator', 'staff', 'supervisor')) items.push({ key: 'inbox', path: '/inkorg' });
  if (hasRole(p, 'coordinator')) items.push({ key: 'search', path: '/sok' }, { key: 'intake', path: '/ny-anmalan' });
  if (hasRole(p, 'supervisor')) items.push({ key: 'overview', path: '/oversikt' });
  if (hasRole(p, 'auditor')) items.push({ key: 'audit', path: '/granskning' });
  if (hasRole(p, 'admin')) items.push({ key: 'registry', path: '/administration/registret' }, { key: 'policies', path: '/administration/policyer' }, { key: 'routing', path: '/administration/routning' });
  // Last, so no role's start page moves (admins see the watchdog's runs there, not its findings).
  if (hasRole(p, 'coordinator', 'supervisor', 'admin')) items.push({ key: 'watchdog', path: '/bevakning' });
  return items;
}

/** The start page of a signed-in user: the first screen the navigation offers, else the statement. */
export function homeFor(p: Principal): string {
  return navFor(p)[0]?.path ?? '/tillganglighet';
}

export function Layout(props: { ctx: PageContext; title: string; children: ComponentChildren }) {
  const { ctx } = props;
  return (
    <html lang="sv">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {/* htmx without eval, inline scripts or the inline style it would inject (the CSP allows none of them). */}
        <meta name="htmx-config" content='{"allowEval":false,"allowScriptTags":false,"includeIndicatorStyles":false,"historyCacheSize":0}' />
        <title>{`${props.title} – ${sv.appName}`}</title>
        <link rel="icon" href={`${ctx.base}/static/favicon.svg`} type="image/svg+xml" />
        <link rel="stylesheet" href={`${ctx.base}/static/app.css`} />
        <script src={`${ctx.base}/static/htmx.min.js`} defer></script>
      </head>
      <body>
        <a class="skip-link" href="#innehall">
          {sv.skipToContent}
        </a>
        <header class="site-header">
          <a class="brand" href={`${ctx.base}/`}>
            {sv.appName}
          </a>
          {ctx.principal && (
            <nav aria-label={sv.nav.label}>
              <ul>
                {navFor(ctx.principal).map((item) => (
                  <li>
                    <a href={`${ctx.base}${item.path}`} aria-current={ctx.current === item.key ? 'page' : undefined}>
                      {sv.nav[item.key]}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          )}
          {ctx.principal && (
            <form class="logout" method="post" action={`${ctx.base}/logga-ut`}>
              <span>{sv.signedInAs(ctx.principal.sub)}</span>
              <input type="hidden" name="_csrf" value={ctx.csrfToken} />
              <button type="submit">{sv.logout}</button>
            </form>
          )}
        </header>
        <main id="innehall" tabIndex={-1}>
          {props.children}
        </main>
        <footer class="site-footer">
          <p>{sv.footer.about}</p>
          <p>
            <a href={`${ctx.base}/tillganglighet`} aria-current={ctx.current === 'accessibility' ? 'page' : undefined}>
              {sv.footer.statement}
            </a>
          </p>
        </footer>
      </body>
    </html>
  );
}

/** A hidden form token; every form that posts carries one. */
export function Csrf(props: { ctx: PageContext }) {
  return <input type="hidden" name="_csrf" value={props.ctx.csrfToken} />;
}
