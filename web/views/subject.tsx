import type { SubjectBody } from '../../api/views/subject';
import { count, sv } from '../../domain/catalog';
import { formatDate } from '../format';
import { Csrf, type PageContext } from './layout';
import { FieldError, FormMessage, type FormErrors } from './forms';

/** The fields a correction can empty (subject.correct takes null for them), each with the name Personen shows it by. */
export const clearableFields = {
  displayName: sv.subject.name,
  personalIdentityNumber: sv.subject.personalIdentityNumber,
  contact: sv.subject.contact,
  address: sv.subject.address,
  narrative: sv.subject.narrative,
} as const;
const isClearable = (name: string): name is keyof typeof clearableFields => name in clearableFields;
/** The form's name for a field's "Töm fältet" box. */
export const clearName = (name: string) => `clear-${name}`;

/** A coordinator's correction: only the fields filled in change, and those marked "Töm fältet" become empty (subject.correct). */
function SubjectCorrection(props: { ctx: PageContext; action: string; errors?: FormErrors }) {
  const k = sv.subject;
  const e = props.errors;
  const field = (name: string, label: string, type: 'text' | 'number' | 'textarea') => {
    const id = `rattelse-${name}`;
    const err = e?.fields?.[name];
    const invalid = err ? ('true' as const) : undefined;
    const describedBy = err ? `${id}-fel` : undefined;
    const attrs = { id, name, 'aria-invalid': invalid, 'aria-describedby': describedBy };
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
        {isClearable(name) && (
          <span class="checkbox">
            <input id={`${id}-tom`} name={clearName(name)} type="checkbox" value="true" checked={e?.values?.[clearName(name)] === 'true'} aria-invalid={invalid} aria-describedby={describedBy} />
            {/* The visible label is the catalog's; the field's name finishes it for a screen reader, which hears the boxes one by one. */}
            <label for={`${id}-tom`}>
              {k.clearField}
              <span class="visually-hidden">{k.clearFieldOf(clearableFields[name])}</span>
            </label>
          </span>
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

/** The person the case is about: shown only when subject.read answered (need to know). */
export function SubjectDetails(props: { subject: SubjectBody; correction?: { ctx: PageContext; action: string; errors?: FormErrors } }) {
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
                {/* Coordinators (who may correct) read the corrections on their own page: opening the case decrypts none of them. */}
                {props.correction && (
                  <>
                    {' '}
                    <a href={`${props.correction.action}/rattelser`}>{sv.corrections.link}</a>
                  </>
                )}
              </dd>
            </>
          )}
        </dl>
      )}
      {props.correction && !s.pseudonymisedAt && <SubjectCorrection {...props.correction} />}
    </section>
  );
}
