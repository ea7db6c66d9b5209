import { named, sv } from '../../domain/catalog';
import { toLocalInput } from '../format';
import { AssignForm, type PersonOption } from './assignForm';
import { FieldError, FormMessage, type FormErrors } from './forms';
import { Csrf, type PageContext } from './layout';
import type { CaseTask } from './task';

/** The unit supervisor's forms on an open task: extend its deadline, assign it to a person, move it to another unit. */
export function SupervisorForms(props: {
  ctx: PageContext;
  /** The task page's path: each form posts below it. */
  base: string;
  task: CaseTask;
  canExtend: boolean;
  canAssign: boolean;
  units: Array<{ code: string; name: string }>;
  /** The unit's people to assign to (unit.people), and how recently they were seen. */
  people: PersonOption[];
  seenWithinDays: number;
  errors: { extend?: FormErrors; assign?: FormErrors; reassign?: FormErrors };
}) {
  const { ctx, base, task, errors } = props;
  const t = sv.task;
  return (
    <>
      {props.canExtend && task.status === 'open' && (
        <section aria-labelledby="forlang-rubrik">
          <h2 id="forlang-rubrik">{t.extend}</h2>
          <FormMessage errors={errors.extend} />
          <form method="post" action={`${base}/forlang`}>
            <Csrf ctx={ctx} />
            <div class="field">
              <label for="ny-tidsfrist">{t.newDueAt}</label>
              <FieldError id="fel-tidsfrist" text={errors.extend?.fields?.newDueAt} />
              <input
                id="ny-tidsfrist"
                name="newDueAt"
                type="datetime-local"
                required
                value={errors.extend?.values?.newDueAt ?? toLocalInput(task.dueAt)}
                aria-describedby={errors.extend?.fields?.newDueAt ? 'fel-tidsfrist' : undefined}
              />
            </div>
            <div class="field">
              <label for="motivering">{t.justification}</label>
              <p class="hint" id="motivering-hint">
                {t.justificationHint}
              </p>
              <FieldError id="fel-motivering" text={errors.extend?.fields?.justification} />
              <textarea
                id="motivering"
                name="justification"
                rows={4}
                required
                maxLength={4000}
                aria-describedby={errors.extend?.fields?.justification ? 'motivering-hint fel-motivering' : 'motivering-hint'}
              >
                {errors.extend?.values?.justification ?? ''}
              </textarea>
            </div>
            <button type="submit">{t.extendButton}</button>
          </form>
        </section>
      )}
      {task.status === 'open' && props.canAssign && (
        <AssignForm ctx={ctx} action={`${base}/tilldela`} people={props.people} seenWithinDays={props.seenWithinDays} errors={errors.assign} />
      )}

      {task.status === 'open' && props.canAssign && props.units.length > 0 && (
        <section aria-labelledby="flytta-rubrik">
          <h2 id="flytta-rubrik">{t.reassign}</h2>
          <FormMessage errors={errors.reassign} />
          <form method="post" action={`${base}/flytta`}>
            <Csrf ctx={ctx} />
            <div class="field">
              <label for="flytta-enhet">{t.reassignUnit}</label>
              <FieldError id="fel-flytta-enhet" text={errors.reassign?.fields?.unitCode} />
              <select id="flytta-enhet" name="unitCode" required aria-describedby={errors.reassign?.fields?.unitCode ? 'fel-flytta-enhet' : undefined}>
                {props.units
                  .filter((u) => u.code !== task.unit)
                  .map((u) => (
                    <option value={u.code} selected={errors.reassign?.values?.unitCode === u.code}>
                      {named(sv.units, u.code) === u.code ? u.name : named(sv.units, u.code)}
                    </option>
                  ))}
              </select>
            </div>
            <div class="field">
              <label for="flytta-skal">{t.reason}</label>
              <p class="hint" id="flytta-hint">
                {t.reasonHint}
              </p>
              <FieldError id="fel-flytta-skal" text={errors.reassign?.fields?.reason} />
              <textarea
                id="flytta-skal"
                name="reason"
                rows={3}
                required
                maxLength={2000}
                aria-invalid={errors.reassign?.fields?.reason ? 'true' : undefined}
                aria-describedby={errors.reassign?.fields?.reason ? 'flytta-hint fel-flytta-skal' : 'flytta-hint'}
              >
                {errors.reassign?.values?.reason ?? ''}
              </textarea>
            </div>
            <button type="submit">{t.reassignButton}</button>
          </form>
        </section>
      )}
    </>
  );
}
