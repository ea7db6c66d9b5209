import { jointPlanCaseTypes } from '../../domain/messages';
import type { CaseBody } from '../../api/views/case';
import type { SubjectBody } from '../../api/views/subject';
import { formatDateTime } from '../format';
import { closeReasonText, named, sv } from '../../domain/catalog';
import { closeReasons } from '../../domain/caseClosing';
import { OverdueMark } from './inbox';
import { Csrf, Layout, type PageContext } from './layout';
import { FieldError, FormMessage, type FormErrors } from './forms';
import { Notes, ProtectedMarker, type NoteItem } from './notes';
import { SubjectDetails } from './subject';
import { JointPlan, type PlanUnit } from './planning';
import { Consents, type ConsentAgencyChoices } from './consents';
import { timelineOf, type CaseEventItem } from './timeline';

/** The casework forms on the case page, each with what a failed post of it says. */
export type CaseForm = 'consent' | 'note' | 'close' | 'reopen' | 'acute' | 'subject' | 'plan';

/** What the caller may do on the case page, by role and by the tasks they hold in it. */
export interface CaseAbilities {
  manageConsent: boolean;
  /** Coordinators close and reopen; `reopenSteps` are the steps the case can start again from. */
  closeAndReopen: boolean;
  reopenSteps: string[];
  addNote: boolean;
  raiseAcuteThreat: boolean;
  /** Coordinators on an open SIG or exit case: the units a joint-plan task can go to (case.plan.add). */
  planUnits?: PlanUnit[];
  /** Coordinators on a case not closed: every agency of the registry a consent can name, those the case involves first. */
  consentAgencies?: ConsentAgencyChoices;
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
  const here = `${ctx.base}/arenden/${encodeURIComponent(c.caseId)}`;
  const errors = props.errors ?? {};
  // A case routed by hand from a triage task records it as the rule "triage:<triage case>".
  const triageCaseId = c.routing?.tableVersion === 'manual' && c.routing.ruleId?.startsWith('triage:') ? c.routing.ruleId.slice('triage:'.length) : undefined;
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
        {triageCaseId && (
          <>
            <dt>{sv.triageRoute.routedFrom}</dt>
            <dd>
              <a href={`${ctx.base}/arenden/${encodeURIComponent(triageCaseId)}`}>{triageCaseId}</a>
            </dd>
          </>
        )}
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
        {timelineOf(c, props.caseEvents, ctx.principal?.sub).map((ev) => (
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
      <Consents ctx={ctx} caseBody={c} here={here} canManage={can.manageConsent} agencies={can.consentAgencies} errors={errors.consent} />
      {jointPlanCaseTypes.includes(c.caseType) && (
        <JointPlan ctx={ctx} caseBody={c} action={can.planUnits ? `${here}/planuppgifter` : undefined} units={can.planUnits ?? []} errors={errors.plan} />
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
