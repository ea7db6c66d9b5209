import { sv } from '../../domain/catalog';
import { Layout, type PageContext } from './layout';

export function LoginPage(props: { ctx: PageContext; returnTo?: string; notice?: 'failed' | 'loggedOut' }) {
  const { ctx } = props;
  const href = `${ctx.base}/logga-in${props.returnTo ? `?returnTo=${encodeURIComponent(props.returnTo)}` : ''}`;
  return (
    <Layout ctx={ctx} title={sv.login.title}>
      <h1>{sv.login.title}</h1>
      {props.notice && (
        <p class={props.notice === 'failed' ? 'notice error' : 'notice'} role="status">
          {props.notice === 'failed' ? sv.login.failed : sv.login.loggedOut}
        </p>
      )}
      <p>{sv.login.intro}</p>
      {/* A link, not a form: the provider is another origin, which the CSP's form-action does not allow. */}
      <p>
        <a class="button" href={href}>
          {sv.login.button}
        </a>
      </p>
    </Layout>
  );
}

export function StatementPage(props: { ctx: PageContext }) {
  const s = sv.statement;
  return (
    <Layout ctx={{ ...props.ctx, current: 'accessibility' }} title={s.title}>
      <h1>{s.title}</h1>
      {s.paragraphs.map((p) => (
        <p>{p}</p>
      ))}
      <h2>{s.knownIssuesTitle}</h2>
      <ul>
        {s.knownIssues.map((p) => (
          <li>{p}</li>
        ))}
      </ul>
      <h2>{s.contactTitle}</h2>
      <p>{s.contact}</p>
      <h2>{s.dateTitle}</h2>
      <p>{s.date}</p>
    </Layout>
  );
}

export function ErrorPage(props: { ctx: PageContext; title: string; text: string }) {
  return (
    <Layout ctx={props.ctx} title={props.title}>
      <h1>{props.title}</h1>
      <p>{props.text}</p>
      {props.ctx.principal && (
        <p>
          <a href={`${props.ctx.base}/`}>{sv.errors.back}</a>
        </p>
      )}
    </Layout>
  );
}
