import { sv } from '../../domain/catalog';
import { FieldError, FormMessage, type FormErrors } from './forms';
import { Csrf, type PageContext } from './layout';

/** One person the unit's supervisor may choose (unit.people). */
export interface PersonOption {
  userId: string;
  name: string | null;
}

/**
 * Tilldela en person: choose one of the unit's people (those seen signing in as its staff), or type
 * the user id of someone the directory has not seen yet. The server takes the typed id when given.
 */
export function AssignForm(props: { ctx: PageContext; action: string; people: PersonOption[]; seenWithinDays: number; errors?: FormErrors }) {
  const { ctx, people, errors } = props;
  const t = sv.task;
  const chosen = errors?.values?.assignee ?? '';
  const listError = errors?.fields?.assignee;
  const otherError = errors?.fields?.assigneeOther;
  return (
    <section aria-labelledby="tilldela-rubrik">
      <h2 id="tilldela-rubrik">{t.assign}</h2>
      <FormMessage errors={errors} />
      <form method="post" action={props.action}>
        <Csrf ctx={ctx} />
        {people.length > 0 ? (
          <div class="field">
            <label for="tilldela-person">{t.assignee}</label>
            <p class="hint" id="tilldela-hint">
              {t.assigneeHint(props.seenWithinDays)}
            </p>
            <FieldError id="fel-tilldela" text={listError} />
            <select id="tilldela-person" name="assignee" aria-invalid={listError ? 'true' : undefined} aria-describedby={listError ? 'tilldela-hint fel-tilldela' : 'tilldela-hint'}>
              <option value="">{t.assigneeChoose}</option>
              {people.map((p) => (
                <option value={p.userId} selected={chosen === p.userId}>
                  {p.name ? `${p.name} (${p.userId})` : p.userId}
                </option>
              ))}
            </select>
          </div>
        ) : (
          <p class="hint">{t.assigneeNoOne(props.seenWithinDays)}</p>
        )}
        <div class="field">
          <label for="tilldela-annan">{t.assigneeOther}</label>
          <p class="hint" id="tilldela-annan-hint">
            {t.assigneeOtherHint}
          </p>
          <FieldError id="fel-tilldela-annan" text={otherError} />
          <input
            id="tilldela-annan"
            name="assigneeOther"
            type="text"
            autocomplete="off"
            required={people.length === 0}
            value={errors?.values?.assigneeOther ?? ''}
            aria-invalid={otherError ? 'true' : undefined}
            aria-describedby={otherError ? 'tilldela-annan-hint fel-tilldela-annan' : 'tilldela-annan-hint'}
          />
        </div>
        <button type="submit">{t.assignButton}</button>
      </form>
    </section>
  );
}

/** What the assign form names: the typed id when given, else the one chosen; a problem with that is shown next to its field. */
export function assigneeOf(form: Record<string, string | undefined>): { assignee: string; field: 'assignee' | 'assigneeOther'; problem?: string } {
  const chosen = (form.assignee ?? '').trim();
  const typed = (form.assigneeOther ?? '').trim();
  if (chosen && typed && chosen !== typed) return { assignee: typed, field: 'assigneeOther', problem: sv.task.assigneeBoth };
  if (typed) return { assignee: typed, field: 'assigneeOther' };
  if (chosen) return { assignee: chosen, field: 'assignee' };
  return { assignee: '', field: form.assignee === undefined ? 'assigneeOther' : 'assignee', problem: sv.task.assigneeMissing };
}
