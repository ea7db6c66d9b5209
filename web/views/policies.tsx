import { named, sv } from '../../domain/catalog';
import {
  caseStepEntries,
  policyTextLanguage,
  type DeadlineRule,
  type PolicyDocument,
  type ReminderRule,
  type Span,
  type StepPolicy,
  type TextLanguage,
} from '../../domain/policy';
import { formatDateTime } from '../format';
import { Layout, type PageContext } from './layout';

/** A policy version as policy.list answers it. */
export interface PolicyVersionView {
  caseType: string;
  version: string;
  active: boolean;
  activatedAt: string;
  cases: Record<string, number>;
}

const t = sv.admin.policies;
const p = sv.admin.policy;

// The seed activates its versions at the epoch (so any version published later wins), at install and at any later deploy: not a date anyone chose.
const seededBefore = Date.UTC(1971, 0, 1);

/** Since when a version applies: its date, or for a seeded version "från början" rather than 1970. */
export function ActivatedAt(props: { at: string; long?: boolean }) {
  if (new Date(props.at).getTime() < seededBefore) return <>{props.long ? sv.admin.fromStartLong : sv.admin.fromStart}</>;
  return <time datetime={props.at}>{formatDateTime(props.at)}</time>;
}

/** Policyer: the versions of each case type's deadline policy, which is active, how many cases run on each. */
export function PoliciesPage(props: { ctx: PageContext; items: PolicyVersionView[] }) {
  const { ctx } = props;
  const byType = new Map<string, PolicyVersionView[]>();
  for (const item of props.items) byType.set(item.caseType, [...(byType.get(item.caseType) ?? []), item]);
  return (
    <Layout ctx={{ ...ctx, current: 'policies' }} title={t.title}>
      <h1>{t.title}</h1>
      <p>{t.intro}</p>
      <p>{sv.admin.policyVersions}</p>
      {[...byType].map(([caseType, versions]) => (
        <table>
          <caption>{t.caption(named(sv.caseTypes, caseType))}</caption>
          <thead>
            <tr>
              <th scope="col">{t.colVersion}</th>
              <th scope="col">{t.colActive}</th>
              <th scope="col">{t.colFrom}</th>
              <th scope="col">{t.colCases}</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr>
                <td>
                  <a href={`${ctx.base}/administration/policyer/${encodeURIComponent(v.caseType)}/${encodeURIComponent(v.version)}`}>
                    {t.versionLink(named(sv.caseTypes, v.caseType), v.version)}
                  </a>
                </td>
                <td>{v.active ? t.active : t.notActive}</td>
                <td>
                  <ActivatedAt at={v.activatedAt} />
                </td>
                <td>
                  {Object.keys(v.cases).length === 0
                    ? t.noCases
                    : Object.entries(v.cases)
                        .map(([status, n]) => t.casesLine(named(sv.caseStatuses, status), n))
                        .join(', ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </Layout>
  );
}

/** Step keys in the order a case of the type meets them; any the order does not know come last, as they are. */
export const inStepOrder = caseStepEntries;

/** A unit by its catalog name and code; one the catalog does not name (added by an admin) by its code. */
export const unitLabel = (code: string) => (sv.units[code] ? `${sv.units[code]} (${code})` : code);

export const spanText = (s: Span) => p.span(s.amount, s.unit);

function deadlineText(d: DeadlineRule): string {
  return d.kind === 'span' ? p.within(spanText(d.span)) : p.sameWorkingDay(d.cutoffLocalTime, d.dueLocalTime);
}

function reminderText(r: ReminderRule): string {
  if ('atFraction' in r) return p.reminderAtFraction(Math.round(r.atFraction * 100));
  if ('afterStart' in r) return p.reminderAfterStart(spanText(r.afterStart));
  if ('beforeDue' in r) return p.reminderBeforeDue(spanText(r.beforeDue));
  return p.reminderAtTime(r.atLocalTimeOnDueDay);
}

function clockText(step: StepPolicy): string {
  const clock = step.clock ?? { from: 'opening' as const };
  return p.clockFrom(clock.from === 'statedDate' ? named(p.statedDates, clock.date) : named(sv.clocks, clock.from));
}

function Ladder(props: { rules: StepPolicy['escalation']; repeat?: Span }) {
  return (
    <>
      <ol>
        {props.rules.map((r) => {
          const target = named(p.targets, r.target);
          return <li>{r.after.amount === 0 ? p.escalateAtDue(target) : p.escalateAfter(spanText(r.after), target)}</li>;
        })}
      </ol>
      {props.repeat && <p>{p.repeat(spanText(props.repeat))}</p>}
    </>
  );
}

function Step(props: { stepKey: string; step: StepPolicy; lang: TextLanguage }) {
  const { stepKey, step } = props;
  // The page is Swedish; only a version whose texts are English marks them so.
  const textLang = props.lang === 'en' ? 'en' : undefined;
  const id = `steg-${stepKey}`;
  return (
    <section aria-labelledby={id}>
      <h3 id={id}>{named(sv.steps, stepKey)}</h3>
      <dl class="facts">
        <dt>{p.unit}</dt>
        <dd>{unitLabel(step.unitCode)}</dd>
        <dt>{p.deadline}</dt>
        <dd>{deadlineText(step.deadline)}</dd>
        <dt>{p.clock}</dt>
        <dd>{clockText(step)}</dd>
        <dt>{p.reminders}</dt>
        <dd>
          {step.reminders.length === 0 ? (
            p.noReminders
          ) : (
            <ul>
              {step.reminders.map((r) => (
                <li>{reminderText(r)}</li>
              ))}
            </ul>
          )}
        </dd>
        <dt>{p.escalation}</dt>
        <dd>
          <Ladder rules={step.escalation} repeat={step.repeatEscalationEvery} />
        </dd>
        {step.notifyOnOpen && step.notifyOnOpen.length > 0 && (
          <>
            <dt>{p.notifyOnOpen}</dt>
            <dd>{step.notifyOnOpen.map((x) => named(p.targets, x)).join(', ')}</dd>
          </>
        )}
        <dt>{p.outcomes}</dt>
        <dd>{step.outcomes.map((o) => named(sv.outcomes, o)).join(', ')}</dd>
        {step.consent && (
          <>
            <dt>{p.consent}</dt>
            <dd>
              <p>{p.consentLine(named(sv.agencies, step.consent.agency), step.consent.purpose)}</p>
              <p>{p.consentWait(deadlineText(step.consent.waitDeadline))}</p>
              {step.consent.waitUnitCode && <p>{p.waitUnit(unitLabel(step.consent.waitUnitCode))}</p>}
              {/* The wait's own ladder, or the default one a version that names none runs on (activities/tasks.ts). */}
              {step.consent.waitEscalation ? (
                <>
                  <p>{p.waitEscalation}</p>
                  <Ladder rules={step.consent.waitEscalation} />
                </>
              ) : (
                <p>{p.waitEscalationDefault}</p>
              )}
              {step.consent.outcomesWhileWaiting && step.consent.outcomesWhileWaiting.length > 0 && (
                <p>{p.outcomesWhileWaiting(step.consent.outcomesWhileWaiting.map((o) => named(sv.outcomes, o)).join(', '))}</p>
              )}
            </dd>
          </>
        )}
        {/* The policy's own words, as published: English ones marked so a screen reader reads them as such. */}
        {step.legalBasis && (
          <>
            <dt>{p.legalBasis}</dt>
            <dd lang={textLang}>{step.legalBasis}</dd>
          </>
        )}
        {step.rationale && (
          <>
            <dt>{p.rationale}</dt>
            <dd lang={textLang}>{step.rationale}</dd>
          </>
        )}
      </dl>
    </section>
  );
}

/** One policy version in words: every step with its deadline, clock, reminders and escalation ladder. */
export function PolicyPage(props: { ctx: PageContext; policy: { caseType: string; version: string; activatedAt: string; document: PolicyDocument }; active: boolean; notice?: string }) {
  const { ctx, policy } = props;
  const doc = policy.document;
  const caseType = named(sv.caseTypes, policy.caseType);
  const title = p.title(caseType, policy.version);
  return (
    <Layout ctx={{ ...ctx, current: 'policies' }} title={title}>
      <p>
        <a href={`${ctx.base}/administration/policyer`}>{p.back}</a>
      </p>
      <h1>{title}</h1>
      {props.notice && (
        <p class="notice" role="status">
          {props.notice}
        </p>
      )}
      <p>{sv.admin.policyVersions}</p>
      <p>
        <a class="button" href={`${ctx.base}/administration/policyer/${encodeURIComponent(policy.caseType)}/${encodeURIComponent(policy.version)}/ny-version`}>
          {sv.admin.publish.newVersion}
        </a>
      </p>
      <h2>{p.facts}</h2>
      <dl class="facts">
        <dt>{p.active}</dt>
        <dd>{props.active ? p.yes : p.no}</dd>
        <dt>{p.activatedAt}</dt>
        <dd>
          <ActivatedAt at={policy.activatedAt} long />
        </dd>
        <dt>{p.timeZone}</dt>
        <dd>{p.timeZoneLine(doc.timeZone ?? 'Europe/Stockholm', doc.holidayCalendar ?? 'SE')}</dd>
        <dt>{p.textLanguage}</dt>
        <dd>{p.textLanguages[policyTextLanguage(doc)]}</dd>
        {doc.consentRules && (
          <>
            <dt>{p.consentRules}</dt>
            <dd>
              <p>{named(p.guardianRule, doc.consentRules.guardianRule)}</p>
              {doc.consentRules.validFor && <p>{p.validFor(spanText(doc.consentRules.validFor))}</p>}
              {doc.consentRules.reconfirmBefore && <p>{p.reconfirmBefore(spanText(doc.consentRules.reconfirmBefore))}</p>}
            </dd>
          </>
        )}
        {doc.reopenWithin && (
          <>
            <dt>{p.reopen}</dt>
            <dd>{p.reopenWithin(spanText(doc.reopenWithin))}</dd>
          </>
        )}
      </dl>
      {doc.intervals && Object.keys(doc.intervals).length > 0 && (
        <>
          <h2>{p.intervals}</h2>
          <dl class="facts">
            {inStepOrder(doc.caseType, Object.entries(doc.intervals)).map(([step, span]) => (
              <>
                <dt>{named(sv.steps, step)}</dt>
                <dd>{spanText(span)}</dd>
              </>
            ))}
          </dl>
        </>
      )}
      <h2>{p.steps}</h2>
      {inStepOrder(doc.caseType, Object.entries(doc.steps)).map(([key, step]) => (
        <Step stepKey={key} step={step} lang={policyTextLanguage(doc)} />
      ))}
    </Layout>
  );
}
