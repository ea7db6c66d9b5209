import type { CaseBody } from '../../api/views/case';
import { formatDateTime, toLocalInput } from '../format';
import { named, sv } from '../../domain/catalog';
import { Due } from './inbox';
import { Csrf, Layout, type PageContext } from './layout';

/** A task the caller sees in full (others' tasks come as step, status and due date only). */
export type CaseTask = Extract<CaseBody['tasks'][number], { detail: 'full' }>;

/** What a failed form post says: a message at the top, and one per field next to it. */
export interface FormErrors {
  message: string;
  fields?: Record<string, string>;
  /** What the person had typed, shown again. */
  values?: Record<string, string>;
}

export function FieldError(props: { id: string; text?: string }) {
  return props.text ? (
    <p class="field-error" id={props.id}>
      {props.text}
    </p>
  ) : null;
}

export function TaskPage(props: {
  ctx: PageContext;
  caseBody: CaseBody;
  task: CaseTask;
  outcomes: string[];
  canComplete: boolean;
  canExtend: boolean;
  notice?: string;
  completeErrors?: FormErrors;
  extendErrors?: FormErrors;
}) {
  const { ctx, task, caseBody } = props;
  const t = sv.task;
  const stepName = named(sv.steps, task.stepKey);
  const base = `${ctx.base}/arenden/${encodeURIComponent(caseBody.caseId)}/uppgifter/${encodeURIComponent(task.taskId)}`;
  const ce = props.completeErrors;
  const ee = props.extendErrors;
  return (
    <Layout ctx={{ ...ctx, current: 'inbox' }} title={t.title(stepName)}>
      <h1>{t.title(stepName)}</h1>
      {props.notice && (
        <p class="notice" role="status">
          {props.notice}
        </p>
      )}
      {/* A change refused because the task moved on (409): the forms are gone, the reason stays. */}
      {task.status !== 'open' && (ce ?? ee) && (
        <p class="notice error" role="alert">
          {(ce ?? ee)?.message}
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
            <dd>{task.completedBy}</dd>
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
              {t.extensionLine(formatDateTime(e.previousDueAt), formatDateTime(e.newDueAt), e.extendedBy)}: {e.justification}
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

      {props.canComplete && task.status === 'open' && (
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

      {props.canExtend && task.status === 'open' && (
        <section aria-labelledby="forlang-rubrik">
          <h2 id="forlang-rubrik">{t.extend}</h2>
          {ee && (
            <p class="notice error" role="alert">
              {ee.message}
            </p>
          )}
          <form method="post" action={`${base}/forlang`}>
            <Csrf ctx={ctx} />
            <div class="field">
              <label for="ny-tidsfrist">{t.newDueAt}</label>
              <FieldError id="fel-tidsfrist" text={ee?.fields?.newDueAt} />
              <input
                id="ny-tidsfrist"
                name="newDueAt"
                type="datetime-local"
                required
                value={ee?.values?.newDueAt ?? toLocalInput(task.dueAt)}
                aria-describedby={ee?.fields?.newDueAt ? 'fel-tidsfrist' : undefined}
              />
            </div>
            <div class="field">
              <label for="motivering">{t.justification}</label>
              <p class="hint" id="motivering-hint">
                {t.justificationHint}
              </p>
              <FieldError id="fel-motivering" text={ee?.fields?.justification} />
              <textarea
                id="motivering"
                name="justification"
                rows={4}
                required
                maxLength={4000}
                aria-describedby={ee?.fields?.justification ? 'motivering-hint fel-motivering' : 'motivering-hint'}
              >
                {ee?.values?.justification ?? ''}
              </textarea>
            </div>
            <button type="submit">{t.extendButton}</button>
          </form>
        </section>
      )}
      <p>
        <a href={`${ctx.base}/arenden/${encodeURIComponent(caseBody.caseId)}`}>{t.toCase}</a>
      </p>
    </Layout>
  );
}
