import { concernCategories, urgencies } from '../../domain/routing';
import { named, namedOr, sv } from '../../domain/catalog';
import { Csrf, Layout, type PageContext } from './layout';
import { FieldError, type FormErrors } from './forms';

import type { AgencyOption } from './consents';

/** What the form starts with: the police send most referrals. */
const defaultSourceAgency = 'police';

/** The registry's agencies as the form offers them, by their Swedish names (the catalog's first, as elsewhere). */
export function sourceAgencyChoices(registry: AgencyOption[]): AgencyOption[] {
  return registry.map((a) => ({ code: a.code, name: namedOr(sv.agencies, a.code, a.name) })).sort((a, b) => a.name.localeCompare(b.name, 'sv'));
}

export interface RoutingPreview {
  tableVersion: string;
  ruleId: string;
  caseType: string;
  tracks: string[];
  alongside: string[];
}

/** The fields of the referral form, as typed (strings), so a refused form comes back as it was. */
export type IntakeValues = Record<string, string>;

function Text(props: { id: string; name: string; label: string; values: IntakeValues; errors?: FormErrors; type?: string; field?: string; required?: boolean; autocomplete?: string }) {
  const error = props.errors?.fields?.[props.field ?? props.name];
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <FieldError id={`${props.id}-fel`} text={error} />
      <input
        id={props.id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.values[props.name] ?? ''}
        required={props.required}
        autocomplete={props.autocomplete ?? 'off'}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `${props.id}-fel` : undefined}
      />
    </div>
  );
}

export function IntakePage(props: { ctx: PageContext; values: IntakeValues; agencies: AgencyOption[]; preview?: RoutingPreview; errors?: FormErrors }) {
  const { ctx, values, errors } = props;
  const t = sv.intake;
  const p = props.preview;
  return (
    <Layout ctx={{ ...ctx, current: 'intake' }} title={t.title}>
      <h1>{t.title}</h1>
      <p>{t.intro}</p>
      {errors && (
        <p class="notice error" role="alert">
          {errors.message}
        </p>
      )}
      <form method="post" action={`${ctx.base}/ny-anmalan`}>
        <Csrf ctx={ctx} />
        <fieldset>
          <legend>{t.referral}</legend>
          <div class="field">
            <label for="source">{t.sourceAgency}</label>
            <FieldError id="source-fel" text={errors?.fields?.['referral.sourceAgency']} />
            <select id="source" name="sourceAgency" aria-invalid={errors?.fields?.['referral.sourceAgency'] ? 'true' : undefined} aria-describedby={errors?.fields?.['referral.sourceAgency'] ? 'source-fel' : undefined}>
              {props.agencies.map((a) => (
                <option value={a.code} selected={(values.sourceAgency ?? defaultSourceAgency) === a.code}>
                  {a.name}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="category">{t.category}</label>
            <select id="category" name="category">
              {concernCategories.map((c) => (
                <option value={c} selected={values.category === c}>
                  {named(sv.categories, c)}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="urgency">{t.urgency}</label>
            <select id="urgency" name="urgency">
              {urgencies.map((u) => (
                <option value={u} selected={(values.urgency ?? 'normal') === u}>
                  {named(sv.urgencies, u)}
                </option>
              ))}
            </select>
          </div>
          <span class="checkbox">
            <input id="suspected" name="suspectedOfCrime" type="checkbox" value="true" checked={values.suspectedOfCrime === 'true'} />
            <label for="suspected">{t.suspected}</label>
          </span>
          <Text id="district" name="district" label={t.district} values={values} errors={errors} field="referral.district" />
        </fieldset>
        <fieldset>
          <legend>{t.subject}</legend>
          <Text id="age" name="ageYears" label={t.ageYears} values={values} errors={errors} type="number" field="referral.subject.ageYears" required />
          <Text id="guardians" name="guardians" label={t.guardians} values={values} errors={errors} type="number" field="referral.subject.guardians" />
          <Text id="name" name="displayName" label={t.displayName} values={values} errors={errors} field="referral.subject.displayName" />
          <Text id="pnr" name="personalIdentityNumber" label={t.personalIdentityNumber} values={values} errors={errors} field="referral.subject.personalIdentityNumber" />
          <label for="narrative">{t.narrative}</label>
          <textarea id="narrative" name="narrative" rows={5} maxLength={20000}>
            {values.narrative ?? ''}
          </textarea>
        </fieldset>
        {p && (
          <section aria-labelledby="routning-rubrik" class="preview">
            <h2 id="routning-rubrik">{t.previewTitle}</h2>
            <dl class="facts">
              <dt>{t.previewCaseType}</dt>
              <dd>{named(sv.caseTypes, p.caseType)}</dd>
              <dt>{t.previewTitle}</dt>
              <dd>{p.ruleId === 'no-match' ? t.previewNoRule : t.previewRule(p.ruleId, p.tableVersion)}</dd>
              {p.tracks.length > 0 && (
                <>
                  <dt>{t.previewTracks}</dt>
                  <dd>{p.tracks.map((t) => named(sv.tracks, t)).join(', ')}</dd>
                </>
              )}
              {p.alongside.length > 0 && (
                <>
                  <dt>{t.previewAlongside}</dt>
                  <dd>{p.alongside.map((c) => named(sv.caseTypes, c)).join(', ')}</dd>
                </>
              )}
            </dl>
          </section>
        )}
        <p class="actions">
          <button type="submit" name="steg" value="forhandsgranska">
            {t.preview}
          </button>{' '}
          {p && (
            <button type="submit" name="steg" value="starta">
              {t.start}
            </button>
          )}
        </p>
      </form>
    </Layout>
  );
}

/** The referral body the form describes (the operation's schema checks it). */
export function referralFrom(v: IntakeValues) {
  const number = (s: string | undefined) => (s && s.trim() !== '' ? Number(s) : undefined);
  const text = (s: string | undefined) => (s && s.trim() !== '' ? s : undefined);
  return {
    referral: {
      sourceAgency: v.sourceAgency ?? '',
      category: v.category ?? '',
      urgency: v.urgency ?? 'normal',
      suspectedOfCrime: v.suspectedOfCrime === 'true',
      ...(text(v.district) ? { district: text(v.district) } : {}),
      subject: {
        ageYears: number(v.ageYears) ?? -1,
        ...(number(v.guardians) !== undefined ? { guardians: number(v.guardians) } : {}),
        ...(text(v.displayName) ? { displayName: text(v.displayName) } : {}),
        ...(text(v.personalIdentityNumber) ? { personalIdentityNumber: text(v.personalIdentityNumber) } : {}),
      },
      ...(text(v.narrative) ? { narrative: text(v.narrative) } : {}),
    },
  };
}
