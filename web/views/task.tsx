import type { CaseBody } from '../../api/views/case';
import { formatDateTime } from '../format';
import { named, sv } from '../../domain/catalog';
import { Due } from './inbox';
import { FieldError, type FormErrors } from './forms';
import { Csrf, Layout, type PageContext } from './layout';
import { Notes, ProtectedMarker, type NoteItem } from './notes';
import { TriageRouteForm, type RouteChoices } from './planning';
import { SupervisorForms } from './taskSupervisor';
import type { PersonOption } from './assignForm';
import { personLabel } from './person';

/** A task the caller sees in full (others' tasks come as step, status and due date only). */
export type CaseTask = Extract<CaseBody['tasks'][number], { detail: 'full' }>;

/** One line of who held the task and how it moved (GET /tasks/:taskId/assignments), with the staff directory's names. */
export interface AssignmentItem {
  action: string;
  text: string;
  actor: string;
  actorName: string | null;
  assignee: string | null;
  assigneeName: string | null;
  at: string;
}

/** The claim or assignment that gave the task its holder now, unless a release or a move came after. */
export function holdingOf(items: AssignmentItem[]): AssignmentItem | null {
  const last = items[items.length - 1];
  return last && (last.action === 'claimed' || last.action === 'assigned') ? last : null;
}

/** What the casework forms on the task page may be, and what a failed post of each says. */
export type TaskForm = 'claim' | 'assign' | 'reassign' | 'note' | 'route';

export function TaskPage(props: {
  ctx: PageContext;
  caseBody: CaseBody;
  task: CaseTask;
  outcomes: string[];
  canComplete: boolean;
  /** A minor's triage task: it ends only by routing it to a case, so no outcome is offered. */
  routeOnly: boolean;
  canExtend: boolean;
  notice?: string;
  completeErrors?: FormErrors;
  extendErrors?: FormErrors;
  /** Who has held the task; undefined when the caller may not see it. */
  assignments?: AssignmentItem[];
  notes?: NoteItem[];
  /** Staff of the task's unit: claim (and release what they hold). */
  canClaim: boolean;
  /** Supervisors of the task's unit: assign to a person, move to another unit (these units). */
  canAssign: boolean;
  units: Array<{ code: string; name: string }>;
  /** The unit's people a supervisor may assign the task to (unit.people). */
  people: PersonOption[];
  seenWithinDays: number;
  canNote: boolean;
  /** A triage task the caller may route (triage.route): the case types and tracks to choose from. */
  route?: RouteChoices;
  formErrors?: Partial<Record<TaskForm, FormErrors>>;
}) {
  const { ctx, task, caseBody } = props;
  const t = sv.task;
  const stepName = named(sv.steps, task.stepKey);
  const base = `${ctx.base}/arenden/${encodeURIComponent(caseBody.caseId)}/uppgifter/${encodeURIComponent(task.taskId)}`;
  const ce = props.completeErrors;
  const ee = props.extendErrors;
  const fe = props.formErrors ?? {};
  const holding = props.assignments ? holdingOf(props.assignments) : undefined;
  // undefined: the caller may not see who holds it; null: no one does.
  const holder = holding === undefined ? undefined : (holding?.assignee ?? null);
  const me = ctx.principal?.sub;
  const open = task.status === 'open';
  return (
    <Layout ctx={{ ...ctx, current: 'inbox' }} title={t.title(stepName)}>
      <h1>{t.title(stepName)}</h1>
      <ProtectedMarker marker={caseBody.protectedIdentity} />
      {props.notice && (
        <p class="notice" role="status">
          {props.notice}
        </p>
      )}
      {/* A change refused because the task moved on (409): the forms are gone, the reason stays. */}
      {task.status !== 'open' && (ce ?? ee ?? fe.route) && (
        <p class="notice error" role="alert">
          {(ce ?? ee ?? fe.route)?.message}
        </p>
      )}
      <h2>{t.facts}</h2>
      <dl class="facts">
        <dt>{t.case}</dt>
        <dd>
          <a href={`${ctx.base}/arenden/${encodeURIComponent(caseBody.caseId)}`}>{caseBody.caseId}</a> ({named(sv.caseTypes, caseBody.caseType)})
        </dd>
        <dt>{t.unit}</dt>
        <dd>{named(sv.units, task.unit)}</dd>
        <dt>{t.status}</dt>
        <dd>{named(sv.taskStatuses, task.status)}</dd>
        {holder !== undefined && (
          <>
            <dt>{t.holder}</dt>
            <dd>{holder ? personLabel(holder, holding?.assigneeName ?? null, me) : t.noHolder}</dd>
          </>
        )}
        <dt>{t.due}</dt>
        <dd>
          <Due at={task.dueAt} overdue={task.overdue} overdueSeconds={task.overdueSeconds} />
        </dd>
        {task.originalDueAt !== task.dueAt && (
          <>
            <dt>{t.originalDue}</dt>
            <dd>
              <time datetime={task.originalDueAt}>{formatDateTime(task.originalDueAt)}</time>
            </dd>
          </>
        )}
        {task.openReason && (
          <>
            <dt>{t.openReason}</dt>
            <dd class="note-text">{t.openReasonLine(task.openReason, task.openedBy ? personLabel(task.openedBy, task.openedByName, me) : '–')}</dd>
          </>
        )}
        <dt>{t.countsFrom}</dt>
        <dd>
          <time datetime={task.clock?.since ?? task.startedAt}>{formatDateTime(task.clock?.since ?? task.startedAt)}</time>
          {task.clock && ` (${named(sv.clocks, task.clock.countsFrom)})`}
        </dd>
        {task.outcome && (
          <>
            <dt>{t.outcome}</dt>
            <dd>{named(sv.outcomes, task.outcome)}</dd>
            <dt>{t.completedBy}</dt>
            <dd>{task.completedBy && personLabel(task.completedBy, task.completedByName, me)}</dd>
            <dt>{t.completedAt}</dt>
            <dd>{task.completedAt && <time datetime={task.completedAt}>{formatDateTime(task.completedAt)}</time>}</dd>
          </>
        )}
      </dl>

      <h2>{t.extensions}</h2>
      {task.extensions.length === 0 ? (
        <p>{t.noExtensions}</p>
      ) : (
        <ul>
          {task.extensions.map((e) => (
            <li>
              {t.extensionLine(formatDateTime(e.previousDueAt), formatDateTime(e.newDueAt), personLabel(e.extendedBy, e.extendedByName, me))}: {e.justification}
            </li>
          ))}
        </ul>
      )}
      <h2>{t.escalations}</h2>
      {task.escalations.length === 0 ? (
        <p>{t.noEscalations}</p>
      ) : (
        <ul>
          {task.escalations.map((e) => (
            <li>
              {t.escalationLine(e.level, e.target)}, <time datetime={e.raisedAt}>{formatDateTime(e.raisedAt)}</time>: {named(sv.escalationStatuses, e.status)}
            </li>
          ))}
        </ul>
      )}
      <h2>{t.reminders}</h2>
      {task.notifications.length === 0 ? (
        <p>{t.noReminders}</p>
      ) : (
        <ul>
          {task.notifications.map((n) => (
            <li>
              {named(sv.notificationKinds, n.kind)}, <time datetime={n.createdAt}>{formatDateTime(n.createdAt)}</time>, {named(sv.notificationStatuses, n.status)}
            </li>
          ))}
        </ul>
      )}

      {open && props.canClaim && (holder === null || holder === me) && (
        <section aria-labelledby="halla-rubrik">
          <h2 id="halla-rubrik">{t.holder}</h2>
          {fe.claim && (
            <p class="notice error" role="alert">
              {fe.claim.message}
            </p>
          )}
          <form method="post" action={`${base}/${holder === me ? 'lamna' : 'ta'}`}>
            <Csrf ctx={ctx} />
            <button type="submit">{holder === me ? t.release : t.claim}</button>
          </form>
        </section>
      )}
      {open && props.canClaim && holder && holder !== me && fe.claim && (
        <p class="notice error" role="alert">
          {fe.claim.message}
        </p>
      )}

      {/* Another person holds it: they (or the unit's supervisor) complete it, so no form invites a 409. */}
      {props.canComplete && task.status === 'open' && props.routeOnly && (holder === undefined || holder === null || holder === me) && <p>{t.childReportRoutedOnly}</p>}
      {props.canComplete && task.status === 'open' && !props.routeOnly && (holder === undefined || holder === null || holder === me || ce) && (
        <section aria-labelledby="slutfor-rubrik">
          <h2 id="slutfor-rubrik">{t.complete}</h2>
          {ce && (
            <p class="notice error" role="alert">
              {ce.message}
            </p>
          )}
          <form method="post" action={`${base}/slutfor`}>
            <Csrf ctx={ctx} />
            <fieldset aria-describedby={ce?.fields?.outcome ? 'fel-utfall' : undefined}>
              <legend>{t.chooseOutcome}</legend>
              <FieldError id="fel-utfall" text={ce?.fields?.outcome} />
              {props.outcomes.map((o, i) => (
                <span class="radio">
                  <input type="radio" id={`utfall-${i}`} name="outcome" value={o} required checked={ce?.values?.outcome === o} />
                  <label for={`utfall-${i}`}>{named(sv.outcomes, o)}</label>
                </span>
              ))}
            </fieldset>
            <label for="anteckning">{t.note}</label>
            <FieldError id="fel-anteckning" text={ce?.fields?.note} />
            <textarea id="anteckning" name="note" rows={4} maxLength={4000} aria-describedby={ce?.fields?.note ? 'fel-anteckning' : undefined}>
              {ce?.values?.note ?? ''}
            </textarea>
            <button type="submit">{t.completeButton}</button>
          </form>
        </section>
      )}

      {/* Like completing: a task another person holds is theirs to route. */}
      {open && props.route && (holder === undefined || holder === null || holder === me || fe.route) && (
        <TriageRouteForm ctx={ctx} action={`${base}/styr`} choices={props.route} errors={fe.route} />
      )}

      <SupervisorForms
        ctx={ctx}
        base={base}
        task={task}
        canExtend={props.canExtend}
        canAssign={props.canAssign}
        units={props.units}
        people={props.people}
        seenWithinDays={props.seenWithinDays}
        errors={{ extend: ee, assign: fe.assign, reassign: fe.reassign }}
      />

      <Notes ctx={ctx} items={props.notes} action={props.canNote ? `${base}/anteckningar` : undefined} errors={fe.note} idPrefix="uppgift-anteckning" />

      {props.assignments && props.assignments.length > 0 && (
        <section aria-labelledby="historik-rubrik">
          <h2 id="historik-rubrik">{t.history}</h2>
          <ul>
            {props.assignments.map((a) => (
              <li>
                <time datetime={a.at}>{formatDateTime(a.at)}</time>{' '}
                {a.action === 'assigned' && a.assignee
                  ? t.historyAssignedLine(a.text, personLabel(a.assignee, a.assigneeName, me), personLabel(a.actor, a.actorName, me))
                  : t.historyLine(a.text, personLabel(a.actor, a.actorName, me))}
              </li>
            ))}
          </ul>
        </section>
      )}
      <p>
        <a href={`${ctx.base}/arenden/${encodeURIComponent(caseBody.caseId)}`}>{t.toCase}</a>
      </p>
    </Layout>
  );
}
