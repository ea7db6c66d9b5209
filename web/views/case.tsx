import type { CaseBody } from '../../api/views/case';
import type { SubjectBody } from '../../api/views/subject';
import { formatDate, formatDateTime } from '../format';
import { closeReasonText, count, named, sv } from '../../domain/catalog';
import { closeReasons } from '../../domain/caseClosing';
import { OverdueMark } from './inbox';
import { Csrf, Layout, type PageContext } from './layout';
import { sourceAgencies } from './intake';
import { FieldError, type FormErrors } from './task';
import { Notes, ProtectedMarker, type NoteItem } from './notes';

/** The casework forms on the case page, each with what a failed post of it says. */
export type CaseForm = 'consent' | 'note' | 'close' | 'reopen' | 'acute' | 'subject';

/** What the caller may do on the case page, by role and by the tasks they hold in it. */
export interface CaseAbilities {
  manageConsent: boolean;
  /** Coordinators close and reopen; `reopenSteps` are the steps the case can start again from. */
  closeAndReopen: boolean;
  reopenSteps: string[];
  addNote: boolean;
  raiseAcuteThreat: boolean;
}

/** The person the case is about: shown only when subject.read answered (need to know). */
/** A coordinator's correction: only the fields filled in change (subject.correct). */
function SubjectCorrection(props: { ctx: PageContext; action: string; errors?: FormErrors }) {
  const k = sv.subject;
  const e = props.errors;
  const field = (name: string, label: string, type: 'text' | 'number' | 'textarea') => {
    const id = `rattelse-${name}`;
    const err = e?.fields?.[name];
    const attrs = { id, name, 'aria-invalid': err ? ('true' as const) : undefined, 'aria-describedby': err ? `${id}-fel` : undefined };
    return (
      <div class="field">
        <label for={id}>{label}</label>
        <FieldError id={`${id}-fel`} text={err} />
        {type === 'textarea' ? (
          <textarea {...attrs} rows={4} maxLength={20_000}>
            {e?.values?.[name] ?? ''}
          </textarea>
        ) : (
          <input {...attrs} type={type} autocomplete="off" value={e?.values?.[name] ?? ''} {...(type === 'number' ? { min: 0, max: 120 } : {})} />
        )}
      </div>
    );
  };
  return (
    <details open={e ? true : undefined}>
      <summary>{k.correct}</summary>
      <FormMessage errors={e} />
      <form method="post" action={props.action}>
        <Csrf ctx={props.ctx} />
        <p class="hint">{k.correctHint}</p>
        {field('displayName', k.newName, 'text')}
        {field('personalIdentityNumber', k.newPin, 'text')}
        {field('ageYears', k.newAge, 'number')}
        {field('contact', k.newContact, 'text')}
        {field('address', k.newAddress, 'text')}
        {field('narrative', k.newNarrative, 'textarea')}
        <button type="submit">{k.correctButton}</button>
      </form>
    </details>
  );
}

function SubjectDetails(props: { subject: SubjectBody; correction?: { ctx: PageContext; action: string; errors?: FormErrors } }) {
  const s = props.subject;
  const k = sv.subject;
  const value = (v: string | number | null) => (v === null || v === '' ? k.missing : String(v));
  return (
    <section aria-labelledby="person-rubrik">
      <h2 id="person-rubrik">{k.title}</h2>
      {s.pseudonymisedAt ? (
        <p>{k.pseudonymised}</p>
      ) : (
        <dl class="facts">
          <dt>{k.name}</dt>
          <dd>{value(s.displayName)}</dd>
          <dt>{k.personalIdentityNumber}</dt>
          <dd>{value(s.personalIdentityNumber)}</dd>
          <dt>{k.birthDate}</dt>
          <dd>{s.birthDate ? <time datetime={s.birthDate}>{s.birthDate}</time> : k.missing}</dd>
          <dt>{k.age}</dt>
          <dd>{s.ageYears === null ? k.missing : count(s.ageYears, k.years)}</dd>
          {s.guardians !== null && (
            <>
              <dt>{k.guardians}</dt>
              <dd>{s.guardians}</dd>
            </>
          )}
          <dt>{k.contact}</dt>
          <dd>{s.withheld.includes('contact') ? k.withheld : value(s.contact)}</dd>
          <dt>{k.address}</dt>
          <dd>{s.withheld.includes('address') ? k.withheld : value(s.address)}</dd>
          <dt>{k.narrative}</dt>
          <dd class="note-text">{value(s.narrative)}</dd>
          {s.correctedAt && (
            <>
              <dt>{k.corrected}</dt>
              <dd>
                <time datetime={s.correctedAt}>{formatDate(s.correctedAt)}</time>
              </dd>
            </>
          )}
        </dl>
      )}
      {props.correction && !s.pseudonymisedAt && <SubjectCorrection {...props.correction} />}
    </section>
  );
}

/** A form with one reason text area (and perhaps a select first), its errors next to the fields. */
function ReasonField(props: { id: string; label: string; hint?: string; errors?: FormErrors; maxLength?: number }) {
  const { id, errors } = props;
  const err = errors?.fields?.reason;
  const described = [props.hint ? `${id}-hint` : '', err ? `${id}-fel` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.hint && (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
      <FieldError id={`${id}-fel`} text={err} />
      <textarea id={id} name="reason" rows={3} required maxLength={props.maxLength ?? 2000} aria-invalid={err ? 'true' : undefined} aria-describedby={described}>
        {errors?.values?.reason ?? ''}
      </textarea>
    </div>
  );
}

function FormMessage(props: { errors?: FormErrors }) {
  return props.errors ? (
    <p class="notice error" role="alert">
      {props.errors.message}
    </p>
  ) : null;
}

interface Event {
  at: string;
  text: string;
  /** The task the event belongs to, linked from it. */
  taskId?: string;
  overdueSeconds?: number;
}

/** The case as one timeline, oldest first: what happened, to which task, when. Only what the case view answered. */
/** A closing or reopening (GET /cases/:caseId/events, coordinators only). */
export interface CaseEventItem {
  action: 'closed' | 'reopened';
  actor: string;
  reasonText: string | null;
  fromStep: string | null;
  note: string | null;
  at: string;
}

export function timelineOf(c: CaseBody, caseEvents?: CaseEventItem[]): Event[] {
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
  if (caseEvents) {
    // Who closed and reopened, with the reasons: every closing, not only the last.
    for (const x of caseEvents) {
      events.push({
        at: x.at,
        text: x.action === 'closed' ? e.closedBy(x.reasonText ?? e.closed, x.actor) : e.reopened(named(sv.steps, x.fromStep), x.actor, x.note ?? ''),
      });
    }
  } else if (c.closedAt) events.push({ at: c.closedAt, text: e.closed });
  return events.sort((a, b) => a.at.localeCompare(b.at));
}

export function CasePage(props: {
  ctx: PageContext;
  caseBody: CaseBody;
  can: CaseAbilities;
  /** Undefined when the caller has no need to know the person (subject.read said 404): nothing shows. */
  subject?: SubjectBody;
  notes?: NoteItem[];
  caseEvents?: CaseEventItem[];
  notice?: string;
  errors?: Partial<Record<CaseForm, FormErrors>>;
}) {
  const { ctx, caseBody: c, can } = props;
  const v = sv.caseView;
  const k = sv.consent;
  const here = `${ctx.base}/arenden/${encodeURIComponent(c.caseId)}`;
  const errors = props.errors ?? {};
  const ce = errors.consent;
  const canManageConsent = can.manageConsent;
  return (
    <Layout ctx={{ ...ctx, current: 'inbox' }} title={v.title(c.caseId)}>
      <h1>{v.title(c.caseId)}</h1>
      <ProtectedMarker marker={c.protectedIdentity} />
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
        {c.closeReason && (
          <>
            <dt>{sv.closeCase.closedBecause}</dt>
            <dd>{named(closeReasonText, c.closeReason)}</dd>
          </>
        )}
      </dl>
      {props.subject && <SubjectDetails subject={props.subject} correction={can.closeAndReopen ? { ctx, action: `${here}/person`, errors: errors.subject } : undefined} />}
      <h2>{v.timeline}</h2>
      <ol class="timeline">
        {timelineOf(c, props.caseEvents).map((ev) => (
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
              {canManageConsent && x.status === 'given' && (
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
      {canManageConsent && c.status !== 'closed' && (
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
      <Notes ctx={ctx} items={props.notes} action={can.addNote ? `${here}/anteckningar` : undefined} errors={errors.note} idPrefix="arende-anteckning" />

      {can.closeAndReopen && !c.pseudonymisedAt && (
        <section aria-labelledby="skydd-rubrik">
          <h2 id="skydd-rubrik">{sv.protectCase.title}</h2>
          <p>{c.protectedIdentity ? sv.protectCase.marked : sv.protectCase.notMarked}</p>
          <form method="post" action={`${here}/skyddade-uppgifter`}>
            <Csrf ctx={ctx} />
            <input type="hidden" name="protectedIdentity" value={c.protectedIdentity ? 'false' : 'true'} />
            <button type="submit">{c.protectedIdentity ? sv.protectCase.unmark : sv.protectCase.mark}</button>
          </form>
        </section>
      )}

      {can.raiseAcuteThreat && c.status === 'open' && (
        <section aria-labelledby="akut-rubrik">
          <h2 id="akut-rubrik">{sv.acuteThreat.title}</h2>
          <p>{sv.acuteThreat.intro}</p>
          <FormMessage errors={errors.acute} />
          <form method="post" action={`${here}/akut-hot`}>
            <Csrf ctx={ctx} />
            <ReasonField id="akut-skal" label={sv.acuteThreat.reason} hint={sv.acuteThreat.hint} errors={errors.acute} />
            <button type="submit">{sv.acuteThreat.button}</button>
          </form>
        </section>
      )}

      {can.closeAndReopen && c.status === 'open' && (
        <section aria-labelledby="avsluta-rubrik">
          <h2 id="avsluta-rubrik">{sv.closeCase.title}</h2>
          <FormMessage errors={errors.close} />
          <form method="post" action={`${here}/avsluta`}>
            <Csrf ctx={ctx} />
            <div class="field">
              <label for="avsluta-skal">{sv.closeCase.reason}</label>
              <FieldError id="avsluta-skal-fel" text={errors.close?.fields?.reason} />
              <select id="avsluta-skal" name="reason" required aria-describedby={errors.close?.fields?.reason ? 'avsluta-skal-fel' : undefined}>
                {closeReasons.map((r) => (
                  <option value={r} selected={errors.close?.values?.reason === r}>
                    {named(sv.closeCase.reasons, r)}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit">{sv.closeCase.button}</button>
          </form>
        </section>
      )}

      {can.closeAndReopen && c.status === 'closed' && can.reopenSteps.length > 0 && (
        <section aria-labelledby="ateroppna-rubrik">
          <h2 id="ateroppna-rubrik">{sv.reopenCase.title}</h2>
          <FormMessage errors={errors.reopen} />
          <form method="post" action={`${here}/ateroppna`}>
            <Csrf ctx={ctx} />
            <div class="field">
              <label for="ateroppna-steg">{sv.reopenCase.fromStep}</label>
              <FieldError id="ateroppna-steg-fel" text={errors.reopen?.fields?.fromStep} />
              <select id="ateroppna-steg" name="fromStep" required aria-describedby={errors.reopen?.fields?.fromStep ? 'ateroppna-steg-fel' : undefined}>
                {can.reopenSteps.map((step) => (
                  <option value={step} selected={errors.reopen?.values?.fromStep === step}>
                    {named(sv.steps, step)}
                  </option>
                ))}
              </select>
            </div>
            <ReasonField id="ateroppna-skal" label={sv.reopenCase.reason} hint={sv.reopenCase.reasonHint} errors={errors.reopen} />
            <button type="submit">{sv.reopenCase.button}</button>
          </form>
        </section>
      )}
    </Layout>
  );
}
