// What both publish forms (a policy version's, web/views/publishing.tsx, and the routing table's,
// web/views/routingPublish.tsx) are made of: the version's name, the summary of refusals, and units by agency.
import { named, sv } from '../../domain/catalog';
import { fieldId } from '../policyForm';
import { FieldError } from './forms';
import { unitLabel } from './policies';

const t = sv.admin.publish;

/** A unit the form offers: the registry's, with whether it takes new work. */
export interface UnitChoice {
  code: string;
  name: string;
  agency: string;
  agencyName: string;
  active: boolean;
}

/** A refused new-version form: a message per field (by its document path), what was typed, and what no field can hold. */
export interface PublishErrors {
  fields: Record<string, string>;
  values: Record<string, string>;
  general?: string;
}

/** A refused form's errors above it, each a link to its field (the messages also sit next to the fields). */
export function PublishSummary(props: { places: Array<{ name: string; text: string }>; errors?: PublishErrors }) {
  const { errors } = props;
  if (!errors) return null;
  const listed = props.places.filter((p) => errors.fields[p.name]);
  return (
    <div class="notice error" role="alert">
      <p>{errors.general ?? sv.errors.validationSummary}</p>
      {listed.length > 0 && (
        <ul aria-label={sv.admin.errorsIn}>
          {listed.map((p) => (
            <li>
              <a href={`#${fieldId(p.name)}`}>{`${p.text}: ${errors.fields[p.name]}`}</a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export const described = (...ids: Array<string | undefined>) => ids.filter(Boolean).join(' ') || undefined;

/** The registry's active units as options, grouped by agency; `value` is selected. */
export function ActiveUnitOptions(props: { units: UnitChoice[]; value: string }) {
  const active = props.units.filter((u) => u.active);
  const agencies = [...new Map(active.map((u) => [u.agency, u.agencyName])).entries()];
  return (
    <>
      {agencies.map(([agency, agencyName]) => (
        <optgroup label={agencyName}>
          {active
            .filter((u) => u.agency === agency)
            .map((u) => (
              <option value={u.code} selected={u.code === props.value}>
                {named(sv.units, u.code) === u.code ? u.name : named(sv.units, u.code)}
              </option>
            ))}
        </optgroup>
      ))}
    </>
  );
}

/** A unit for a step: the registry's active units by agency, and the current one even when it takes no new work. */
export function UnitSelect(props: { name: string; label: string; value: string; error?: string; units: UnitChoice[] }) {
  const { value, error } = props;
  const id = fieldId(props.name);
  const active = props.units.filter((u) => u.active);
  // The version's own unit stays choosable even when it no longer takes new work, so it is carried over as it was.
  const known = props.units.find((u) => u.code === value);
  const offered = active.some((u) => u.code === value);
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <FieldError id={`${id}-fel`} text={error} />
      <select id={id} name={props.name} required aria-invalid={error ? 'true' : undefined} aria-describedby={described(error && `${id}-fel`)}>
        {!offered && <option value={value}>{value === '' ? t.chooseUnit : known ? t.inactiveUnit(known.name) : unitLabel(value)}</option>}
        <ActiveUnitOptions units={props.units} value={value} />
      </select>
    </div>
  );
}

/** The new version's name, required, next to its refusal (a malformed or taken name). */
export function VersionField(props: { example: string; errors?: PublishErrors }) {
  const { errors } = props;
  const versionError = errors?.fields.version;
  return (
    <div class="field">
      <label for="f-version">{t.version}</label>
      <p class="hint" id="f-version-tips">
        {t.versionHint(props.example)}
      </p>
      <FieldError id="f-version-fel" text={versionError} />
      <input
        id="f-version"
        name="version"
        type="text"
        value={errors?.values.version ?? ''}
        required
        autocomplete="off"
        aria-invalid={versionError ? 'true' : undefined}
        aria-describedby={described('f-version-tips', versionError && 'f-version-fel')}
      />
    </div>
  );
}

/** An example name next in line after the source's ("2026.3" → "2026.4"), for the hint only. */
export function suggestVersion(version: string): string {
  const m = /^(.*?)(\d+)$/.exec(version);
  return m ? `${m[1]}${Number(m[2]) + 1}` : `${version}.1`;
}
