import type { CaseBody } from '../../api/views/case';
import { formatDateTime } from '../format';
import { named, sv } from '../../domain/catalog';
import { OverdueMark } from './inbox';
import { Csrf, Layout, type PageContext } from './layout';
import { sourceAgencies } from './intake';
import { FieldError, type FormErrors } from './task';

interface Event {
  at: string;
  text: string;
  /** The task the event belongs to, linked from it. */
  taskId?: string;
  overdueSeconds?: number;
}

/** The case as one timeline, oldest first: what happened, to which task, when. Only what the case view answered. */
export function timelineOf(c: CaseBody): Event[] {
  const e = sv.caseView.events;
  const events: Event[] = [{ at: c.createdAt, text: e.created }];
  for (const t of c.tasks) {
    const step = named(sv.steps, t.stepKey);
    if (t.detail === 'summary') {
      // Another unit's task: its step, status and due date are all this caller may know.
      events.push({ at: t.dueAt, text: e.otherUnitTask(step, named(sv.taskStatuses, t.status)) });
      continue;
    }
    events.push({ at: t.startedAt, text: e.taskStarted(step, named(sv.units, t.unit)), taskId: t.taskId, overdueSeconds: t.overdue ? t.overdueSeconds : undefined });
    if (t.completedAt && t.outcome) events.push({ at: t.completedAt, text: e.taskCompleted(step, named(sv.outcomes, t.outcome), t.completedBy ?? '–'), taskId: t.taskId });
    for (const x of t.extensions) events.push({ at: x.createdAt, text: `${e.extended(step, x.extendedBy)}: ${x.justification}`, taskId: t.taskId });
    for (const x of t.escalations) {
      events.push({ at: x.raisedAt, text: e.escalated(step, x.level), taskId: t.taskId });
      if (x.acknowledgedAt) events.push({ at: x.acknowledgedAt, text: e.acknowledged(x.acknowledgedBy ?? '–'), taskId: t.taskId });
    }
    for (const n of t.notifications) events.push({ at: n.createdAt, text: `${e.notified(named(sv.notificationKinds, n.kind))} (${named(sv.notificationStatuses, n.status)})`, taskId: t.taskId });
  }
  for (const c2 of c.consents) {
    events.push({ at: c2.givenAt, text: (c2.status === 'refused' ? e.consentRefused : e.consent)(named(sv.agencies, c2.receivingAgency)) });
    if (c2.withdrawnAt) events.push({ at: c2.withdrawnAt, text: e.consentWithdrawn(named(sv.agencies, c2.receivingAgency)) });
  }
  if (c.closedAt) events.push({ at: c.closedAt, text: e.closed });
  return events.sort((a, b) => a.at.localeCompare(b.at));
}

export function CasePage(props: { ctx: PageContext; caseBody: CaseBody; canManageConsent: boolean; notice?: string; consentErrors?: FormErrors }) {
  const { ctx, caseBody: c } = props;
  const v = sv.caseView;
  const k = sv.consent;
  const here = `${ctx.base}/arenden/${encodeURIComponent(c.caseId)}`;
  const ce = props.consentErrors;
  return (
    <Layout ctx={{ ...ctx, current: 'inbox' }} title={v.title(c.caseId)}>
      <h1>{v.title(c.caseId)}</h1>
      {props.notice && (
        <p class="notice" role="status">
          {props.notice}
        </p>
      )}
      <h2>{v.facts}</h2>
      <dl class="facts">
        <dt>{v.type}</dt>
        <dd>{named(sv.caseTypes, c.caseType)}</dd>
        <dt>{v.status}</dt>
        <dd>{named(sv.caseStatuses, c.status)}</dd>
        <dt>{v.created}</dt>
        <dd>
          <time datetime={c.createdAt}>{formatDateTime(c.createdAt)}</time>
        </dd>
      </dl>
      <h2>{v.timeline}</h2>
      <ol class="timeline">
        {timelineOf(c).map((ev) => (
          <li>
            <time datetime={ev.at}>{formatDateTime(ev.at)}</time>{' '}
            {ev.taskId ? <a href={`${ctx.base}/arenden/${encodeURIComponent(c.caseId)}/uppgifter/${encodeURIComponent(ev.taskId)}`}>{ev.text}</a> : ev.text}
            {ev.overdueSeconds !== undefined && (
              <>
                {' '}
                <OverdueMark seconds={ev.overdueSeconds} />
              </>
            )}
          </li>
        ))}
      </ol>
      <h2>{k.title}</h2>
      {c.consents.length === 0 ? (
        <p>{k.none}</p>
      ) : (
        <ul class="consents">
          {c.consents.map((x) => (
            <li>
              {k.line(x.personRole === 'guardian' ? k.guardian : k.subject, named(sv.agencies, x.receivingAgency), x.purpose, named(k.statuses, x.status))}{' '}
              {props.canManageConsent && x.status === 'given' && (
                <form class="inline" method="post" action={`${here}/samtycken/${encodeURIComponent(x.consentId)}/aterkalla`}>
                  <Csrf ctx={ctx} />
                  <button type="submit" aria-label={`${k.withdraw}: ${k.line(x.personRole === 'guardian' ? k.guardian : k.subject, named(sv.agencies, x.receivingAgency), x.purpose, named(k.statuses, x.status))}`}>
                    {k.withdraw}
                  </button>
                </form>
              )}
            </li>
          ))}
        </ul>
      )}
      {props.canManageConsent && c.status !== 'closed' && (
        <section aria-labelledby="samtycke-rubrik">
          <h3 id="samtycke-rubrik">{k.record}</h3>
          {ce && (
            <p class="notice error" role="alert">
              {ce.message}
            </p>
          )}
          <form method="post" action={`${here}/samtycken`}>
            <Csrf ctx={ctx} />
            <fieldset>
              <legend>{k.answer}</legend>
              <span class="radio">
                <input type="radio" id="svar-ja" name="answer" value="given" checked={(ce?.values?.answer ?? 'given') === 'given'} />
                <label for="svar-ja">{k.gives}</label>
              </span>
              <span class="radio">
                <input type="radio" id="svar-nej" name="answer" value="refused" checked={ce?.values?.answer === 'refused'} />
                <label for="svar-nej">{k.refuses}</label>
              </span>
            </fieldset>
            <fieldset>
              <legend>{k.personRole}</legend>
              <span class="radio">
                <input type="radio" id="roll-person" name="personRole" value="subject" checked={(ce?.values?.personRole ?? 'subject') === 'subject'} />
                <label for="roll-person">{k.subject}</label>
              </span>
              <span class="radio">
                <input type="radio" id="roll-vh" name="personRole" value="guardian" checked={ce?.values?.personRole === 'guardian'} />
                <label for="roll-vh">{k.guardian}</label>
              </span>
            </fieldset>
            <label for="samtycke-namn">{k.personName}</label>
            <input id="samtycke-namn" name="personName" type="text" autocomplete="off" value={ce?.values?.personName ?? ''} />
            <label for="samtycke-aktor">{k.receivingAgency}</label>
            <select id="samtycke-aktor" name="receivingAgency">
              {sourceAgencies.map((a) => (
                <option value={a} selected={ce?.values?.receivingAgency === a}>
                  {named(sv.agencies, a)}
                </option>
              ))}
            </select>
            <label for="samtycke-syfte">{k.purpose}</label>
            <FieldError id="samtycke-syfte-fel" text={ce?.fields?.purpose} />
            <input
              id="samtycke-syfte"
              name="purpose"
              type="text"
              required
              value={ce?.values?.purpose ?? ''}
              aria-invalid={ce?.fields?.purpose ? 'true' : undefined}
              aria-describedby={ce?.fields?.purpose ? 'samtycke-syfte-fel' : undefined}
            />
            <p>
              <button type="submit">{k.recordButton}</button>
            </p>
          </form>
        </section>
      )}
    </Layout>
  );
}
