import { sv } from '../../domain/catalog';
import { Csrf, Layout, type PageContext } from './layout';
import { FieldError } from './forms';

/** A unit as registry.read answers it. */
export interface RegistryUnitView {
  code: string;
  agency: string;
  name: string;
  notificationEmail: string;
  supervisorEmail: string;
  headEmail: string;
  active: boolean;
}
export interface RegistryView {
  agencies: Array<{ code: string; name: string; units: RegistryUnitView[] }>;
}

/** A refused registry form: which form, each field's Swedish message, and what was typed. */
export interface RegistryFormErrors {
  form: 'unit' | 'agency' | 'edit' | 'rename';
  fields: Record<string, string>;
  values: Record<string, string>;
}

export type FieldSpec = { name: string; id: string; label: string; type?: string; hint?: string; maxLength?: number };

const t = sv.admin.registry;
const unitFields = (prefix: string): FieldSpec[] => [
  { name: 'name', id: `${prefix}-namn`, label: t.name },
  { name: 'notificationEmail', id: `${prefix}-inkorg`, label: t.notificationEmail, type: 'email' },
  { name: 'supervisorEmail', id: `${prefix}-arbetsledare`, label: t.supervisorEmail, type: 'email' },
  { name: 'headEmail', id: `${prefix}-chef`, label: t.headEmail, type: 'email' },
];
const newUnitFields: FieldSpec[] = [
  { name: 'agency', id: 'enhet-myndighet', label: t.agency },
  { name: 'code', id: 'enhet-kod', label: t.code, hint: t.codeHint },
  ...unitFields('enhet'),
];
const newAgencyFields: FieldSpec[] = [
  { name: 'code', id: 'myndighet-kod', label: t.code, hint: t.codeHint },
  { name: 'name', id: 'myndighet-namn', label: t.name },
];
const editFields = unitFields('andra');

export function Field(props: { spec: FieldSpec; value?: string; error?: string }) {
  const { spec, error } = props;
  const hintId = spec.hint ? `${spec.id}-tips` : undefined;
  const describedBy = [hintId, error ? `${spec.id}-fel` : undefined].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field">
      <label for={spec.id}>{spec.label}</label>
      {spec.hint && (
        <p class="hint" id={hintId}>
          {spec.hint}
        </p>
      )}
      <FieldError id={`${spec.id}-fel`} text={error} />
      <input
        id={spec.id}
        name={spec.name}
        type={spec.type ?? 'text'}
        value={props.value ?? ''}
        required
        maxlength={spec.maxLength}
        autocomplete="off"
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy}
      />
    </div>
  );
}

/** The form's errors above it, each a link to its field (the messages also sit next to the fields). */
export function ErrorSummary(props: { errors?: RegistryFormErrors; form: RegistryFormErrors['form']; specs: FieldSpec[] }) {
  const { errors } = props;
  if (!errors || errors.form !== props.form) return null;
  const listed = props.specs.filter((s) => errors.fields[s.name]);
  return (
    <div class="notice error" role="alert">
      <p>{sv.errors.validationSummary}</p>
      {listed.length > 0 && (
        <ul aria-label={sv.admin.errorsIn}>
          {listed.map((s) => (
            <li>
              <a href={`#${s.id}`}>{`${s.label}: ${errors.fields[s.name]}`}</a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Notice(props: { text?: string }) {
  return props.text ? (
    <p class="notice" role="status">
      {props.text}
    </p>
  ) : null;
}

/** Registret: every agency with its units, and the forms that add a unit or an agency. */
export function RegistryPage(props: { ctx: PageContext; registry: RegistryView; notice?: string; errors?: RegistryFormErrors }) {
  const { ctx, registry, errors } = props;
  const unitErrors = errors?.form === 'unit' ? errors : undefined;
  const agencyErrors = errors?.form === 'agency' ? errors : undefined;
  return (
    <Layout ctx={{ ...ctx, current: 'registry' }} title={t.title}>
      <h1>{t.title}</h1>
      <p>{t.intro}</p>
      <nav aria-label={t.onThisPage}>
        <ul>
          <li>
            <a href="#ny-enhet">{t.newUnit}</a>
          </li>
          <li>
            <a href="#ny-myndighet">{t.newAgency}</a>
          </li>
        </ul>
      </nav>
      <Notice text={props.notice} />
      {errors && (errors.form === 'unit' || errors.form === 'agency') && <ErrorSummary errors={errors} form={errors.form} specs={errors.form === 'unit' ? newUnitFields : newAgencyFields} />}
      <h2>{t.agencies}</h2>
      {registry.agencies.map((agency) => (
        <section aria-labelledby={`myndighet-${agency.code}`}>
          <h3 id={`myndighet-${agency.code}`}>{t.agencyCaption(agency.name, agency.code)}</h3>
          <p>
            <a href={`${ctx.base}/administration/registret/myndigheter/${encodeURIComponent(agency.code)}`}>{t.renameLink(agency.name)}</a>
          </p>
          {agency.units.length === 0 ? (
            <p>{t.noUnits}</p>
          ) : (
            <table aria-labelledby={`myndighet-${agency.code}`}>
              <thead>
                <tr>
                  <th scope="col">{t.colName}</th>
                  <th scope="col">{t.colCode}</th>
                  <th scope="col">{t.colAddresses}</th>
                  <th scope="col">{t.colActive}</th>
                </tr>
              </thead>
              <tbody>
                {agency.units.map((u) => (
                  <tr>
                    <td>
                      <a href={`${ctx.base}/administration/registret/enheter/${encodeURIComponent(u.code)}`}>{u.name}</a>
                    </td>
                    <td>{u.code}</td>
                    <td>
                      <Addresses unit={u} />
                    </td>
                    <td>{u.active ? t.active : t.inactive}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ))}

      <h2 id="ny-enhet">{t.newUnit}</h2>
      <p>{t.newUnitHint}</p>
      <form method="post" action={`${ctx.base}/administration/registret/enheter`} aria-labelledby="ny-enhet">
        <Csrf ctx={ctx} />
        <div class="field">
          <label for="enhet-myndighet">{t.agency}</label>
          <FieldError id="enhet-myndighet-fel" text={unitErrors?.fields.agency} />
          <select id="enhet-myndighet" name="agency" aria-invalid={unitErrors?.fields.agency ? 'true' : undefined} aria-describedby={unitErrors?.fields.agency ? 'enhet-myndighet-fel' : undefined}>
            {registry.agencies.map((a) => (
              <option value={a.code} selected={unitErrors?.values.agency === a.code}>
                {t.agencyCaption(a.name, a.code)}
              </option>
            ))}
          </select>
        </div>
        {newUnitFields
          .filter((s) => s.name !== 'agency')
          .map((s) => (
            <Field spec={s} value={unitErrors?.values[s.name]} error={unitErrors?.fields[s.name]} />
          ))}
        <p class="actions">
          <button type="submit">{t.newUnitButton}</button>
        </p>
      </form>

      <h2 id="ny-myndighet">{t.newAgency}</h2>
      <form method="post" action={`${ctx.base}/administration/registret/myndigheter`} aria-labelledby="ny-myndighet">
        <Csrf ctx={ctx} />
        {newAgencyFields.map((s) => (
          <Field spec={s} value={agencyErrors?.values[s.name]} error={agencyErrors?.fields[s.name]} />
        ))}
        <p class="actions">
          <button type="submit">{t.newAgencyButton}</button>
        </p>
      </form>
    </Layout>
  );
}

function Addresses(props: { unit: RegistryUnitView }) {
  const u = props.unit;
  return (
    <dl class="facts">
      <dt>{t.inbox}</dt>
      <dd>{u.notificationEmail}</dd>
      <dt>{t.supervisor}</dt>
      <dd>{u.supervisorEmail}</dd>
      <dt>{t.head}</dt>
      <dd>{u.headEmail}</dd>
    </dl>
  );
}

/** Why a deactivation or a delete was refused: a heading line and what still uses the unit. */
export interface UnitRefusal {
  title: string;
  lines: string[];
}

/** One unit: change its name and addresses, deactivate it, or go on to delete it (a refusal says what still uses it). */
export function UnitPage(props: { ctx: PageContext; unit: RegistryUnitView; agencyName: string; notice?: string; errors?: RegistryFormErrors; refusal?: UnitRefusal }) {
  const { ctx, unit, errors } = props;
  const u = sv.admin.unit;
  const action = `${ctx.base}/administration/registret/enheter/${encodeURIComponent(unit.code)}`;
  const value = (name: keyof RegistryUnitView) => errors?.values[name] ?? String(unit[name]);
  return (
    <Layout ctx={{ ...ctx, current: 'registry' }} title={u.title(unit.name)}>
      <p>
        <a href={`${ctx.base}/administration/registret`}>{t.back}</a>
      </p>
      <h1>{u.title(unit.name)}</h1>
      <Notice text={props.notice} />
      {props.refusal && (
        <div class="notice error" role="alert">
          <p>{props.refusal.title}</p>
          <ul>
            {props.refusal.lines.map((line) => (
              <li>{line}</li>
            ))}
          </ul>
        </div>
      )}
      <ErrorSummary errors={errors} form="edit" specs={editFields} />
      <h2>{u.facts}</h2>
      <dl class="facts">
        <dt>{t.code}</dt>
        <dd>{unit.code}</dd>
        <dt>{t.agency}</dt>
        <dd>{t.agencyCaption(props.agencyName, unit.agency)}</dd>
        <dt>{u.status}</dt>
        <dd>{unit.active ? t.active : t.inactive}</dd>
      </dl>

      <h2 id="andra-enhet">{u.edit}</h2>
      <p>{u.editHint}</p>
      <form method="post" action={action} aria-labelledby="andra-enhet">
        <Csrf ctx={ctx} />
        {editFields.map((s) => (
          <>
            <input type="hidden" name={`was_${s.name}`} value={String(unit[s.name as keyof RegistryUnitView])} />
            <Field spec={s} value={value(s.name as keyof RegistryUnitView)} error={errors?.fields[s.name]} />
          </>
        ))}
        <p class="actions">
          <button type="submit">{u.save}</button>
        </p>
      </form>

      <h2 id="aktiv-enhet">{u.activity}</h2>
      <p>{u.deactivateHint}</p>
      <form method="post" action={`${action}/aktiv`} aria-labelledby="aktiv-enhet">
        <Csrf ctx={ctx} />
        <input type="hidden" name="active" value={unit.active ? 'false' : 'true'} />
        <p class="actions">
          <button type="submit">{unit.active ? u.deactivate : u.activate}</button>
        </p>
      </form>

      <h2>{u.remove}</h2>
      <p>{u.removeHint}</p>
      <p>
        <a href={`${action}/ta-bort`}>{u.removeLink}</a>
      </p>
    </Layout>
  );
}
