import type { CaseBody } from '../../api/views/case';
import { named, sv } from '../../domain/catalog';
import { formatDateTime } from '../format';
import { Due } from './inbox';
import { Csrf, type PageContext } from './layout';
import { FieldError, FormMessage, type FormErrors } from './forms';

/** A unit a task can be planned for (GET /units: active units only). */
export interface PlanUnit {
  code: string;
  agency: string;
  name: string;
}

/** What the route form offers: the case types and tracks the operation's body accepts. */
export interface RouteChoices {
  caseTypes: readonly string[];
  tracks: readonly string[];
}

/** The tracks a refused route form had ticked, as its values keep them (comma-separated). */
const tickedTracks = (errors?: FormErrors) => (errors?.values?.tracks ?? '').split(',').filter(Boolean);

/**
 * On a triage task: the coordinator chooses the case the referral becomes (triage.route). The
 * case type has no default on purpose, so the choice is made, and a missing one is named next to it.
 */
export function TriageRouteForm(props: { ctx: PageContext; action: string; choices: RouteChoices; errors?: FormErrors }) {
  const { ctx, errors } = props;
  const r = sv.triageRoute;
  const typeError = errors?.fields?.caseType;
  const tracksError = errors?.fields?.tracks;
  const ticked = tickedTracks(errors);
  return (
    <section aria-labelledby="styr-rubrik">
      <h2 id="styr-rubrik">{r.title}</h2>
      <p>{r.intro}</p>
      <FormMessage errors={errors} />
      <form method="post" action={props.action}>
        <Csrf ctx={ctx} />
        <fieldset aria-describedby={typeError ? 'styr-typ-fel' : undefined}>
          <legend>{r.caseType}</legend>
          <FieldError id="styr-typ-fel" text={typeError} />
          {props.choices.caseTypes.map((type, i) => (
            <span class="radio">
              <input type="radio" id={`styr-typ-${i}`} name="caseType" value={type} checked={errors?.values?.caseType === type} aria-invalid={typeError ? 'true' : undefined} />
              <label for={`styr-typ-${i}`}>{named(sv.caseTypes, type)}</label>
            </span>
          ))}
        </fieldset>
        <fieldset aria-describedby={tracksError ? 'styr-spar-fel' : undefined}>
          <legend>{r.tracks}</legend>
          <FieldError id="styr-spar-fel" text={tracksError} />
          {props.choices.tracks.map((track, i) => (
            <span class="checkbox">
              <input type="checkbox" id={`styr-spar-${i}`} name="tracks" value={track} checked={ticked.includes(track)} />
              <label for={`styr-spar-${i}`}>{named(r.trackNames, track)}</label>
            </span>
          ))}
        </fieldset>
        <button type="submit">{r.button}</button>
      </form>
    </section>
  );
}

/** Whether a task belongs to the case's joint plan: one a coordinator added, or one of the policy's own plan steps. */
export const isPlanTask = (stepKey: string) => stepKey.startsWith('jointPlan');

/**
 * The joint plan of a SIG or exit case: its tasks with unit, status and deadline, and for
 * coordinators a form to add one for any active unit (case.plan.add).
 */
export function JointPlan(props: { ctx: PageContext; caseBody: CaseBody; action?: string; units: PlanUnit[]; errors?: FormErrors }) {
  const { ctx, caseBody: c, errors } = props;
  const j = sv.jointPlan;
  const tasks = c.tasks.filter((t) => isPlanTask(t.stepKey));
  const unitError = errors?.fields?.unitCode;
  const aboutError = errors?.fields?.about;
  const agencies = [...new Set(props.units.map((u) => u.agency))];
  const unitName = (u: PlanUnit) => (named(sv.units, u.code) === u.code ? u.name : named(sv.units, u.code));
  return (
    <section aria-labelledby="plan-rubrik">
      <h2 id="plan-rubrik">{j.title}</h2>
      {tasks.length === 0 ? (
        <p>{j.none}</p>
      ) : (
        <ul class="plan">
          {tasks.map((t) =>
            t.detail === 'full' ? (
              <li>
                <a href={`${ctx.base}/arenden/${encodeURIComponent(c.caseId)}/uppgifter/${encodeURIComponent(t.taskId)}`}>
                  {j.line(named(sv.steps, t.stepKey), named(sv.units, t.unit), named(sv.taskStatuses, t.status))}
                </a>
                , {j.due} <Due at={t.dueAt} overdue={t.overdue} overdueSeconds={t.overdueSeconds} />
              </li>
            ) : (
              <li>
                {sv.caseView.events.otherUnitTask(named(sv.steps, t.stepKey), named(sv.taskStatuses, t.status))} <time datetime={t.dueAt}>{formatDateTime(t.dueAt)}</time>
              </li>
            ),
          )}
        </ul>
      )}
      {props.action && props.units.length > 0 && (
        <>
          <h3 id="plan-ny-rubrik">{j.add}</h3>
          <p>{j.intro}</p>
          <FormMessage errors={errors} />
          <form method="post" action={props.action} aria-labelledby="plan-ny-rubrik">
            <Csrf ctx={ctx} />
            <div class="field">
              <label for="plan-enhet">{j.unit}</label>
              <FieldError id="plan-enhet-fel" text={unitError} />
              <select id="plan-enhet" name="unitCode" required aria-invalid={unitError ? 'true' : undefined} aria-describedby={unitError ? 'plan-enhet-fel' : undefined}>
                <option value="">{j.chooseUnit}</option>
                {agencies.map((agency) => (
                  <optgroup label={named(sv.agencies, agency)}>
                    {props.units
                      .filter((u) => u.agency === agency)
                      .map((u) => (
                        <option value={u.code} selected={errors?.values?.unitCode === u.code}>
                          {unitName(u)}
                        </option>
                      ))}
                  </optgroup>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="plan-om">{j.about}</label>
              <p class="hint" id="plan-om-hint">
                {j.aboutHint}
              </p>
              <FieldError id="plan-om-fel" text={aboutError} />
              <textarea
                id="plan-om"
                name="about"
                rows={3}
                maxLength={4000}
                aria-invalid={aboutError ? 'true' : undefined}
                aria-describedby={aboutError ? 'plan-om-hint plan-om-fel' : 'plan-om-hint'}
              >
                {errors?.values?.about ?? ''}
              </textarea>
            </div>
            <button type="submit">{j.button}</button>
          </form>
        </>
      )}
    </section>
  );
}
