import type { SubjectBody, SubjectCorrectionsBody } from '../../api/views/subject';
import { count, sv } from '../../domain/catalog';
import { formatDateTime } from '../format';
import { Layout, type PageContext } from './layout';
import { ProtectedMarker } from './notes';
import { personLabel } from './person';

type Correction = SubjectCorrectionsBody['items'][number];
type Field = keyof Correction['previous'];

/** The person's fields a correction can change, named as on Personen. */
const fieldNames: Record<Field, string> = {
  displayName: sv.subject.name,
  personalIdentityNumber: sv.subject.personalIdentityNumber,
  ageYears: sv.subject.age,
  narrative: sv.subject.narrative,
  contact: sv.subject.contact,
  address: sv.subject.address,
};

const isField = (f: string): f is Field => f in fieldNames;

/** What a field held after correction `i`: what the next correction of that field replaced, or its value now. */
function valueAfter(items: Correction[], i: number, field: Field, subject: SubjectBody): string | number | null | undefined {
  const later = items.slice(i + 1).find((c) => c.fields.includes(field));
  return later ? later.previous[field] : subject[field];
}

/**
 * Rättelser (coordinators): each correction of the person, oldest first, with who made it and
 * when, and for each field what it replaced and what it became. Takes what subject.corrections
 * and subject.read answered; shows nothing else.
 */
export function CorrectionsPage(props: { ctx: PageContext; caseId: string; subject: SubjectBody; corrections: Correction[] }) {
  const { ctx, subject, corrections } = props;
  const k = sv.corrections;
  const gone = subject.pseudonymisedAt !== null;
  const text = (field: Field, v: string | number | null | undefined) => {
    if (gone) return k.gone;
    if (v === null || v === undefined || v === '') return sv.subject.missing;
    return field === 'ageYears' ? count(Number(v), sv.subject.years) : String(v);
  };
  const casePath = `${ctx.base}/arenden/${encodeURIComponent(props.caseId)}`;
  return (
    <Layout ctx={ctx} title={k.title}>
      <ProtectedMarker marker={subject.protectedIdentity} />
      <p>
        <a href={casePath}>{k.back}</a>
      </p>
      <h1>{k.title}</h1>
      <p>{k.caseLine(props.caseId)}</p>
      <p class="hint">{gone ? k.pseudonymised : k.intro}</p>
      {corrections.length === 0 && <p>{k.none}</p>}
      {corrections.map((c, i) => (
        <section aria-labelledby={`rattelse-${i}`}>
          <h2 id={`rattelse-${i}`}>{k.heading(formatDateTime(c.replacedAt), personLabel(c.replacedBy, c.replacedByName, ctx.principal?.sub))}</h2>
          <table>
            <caption>{k.caption}</caption>
            <thead>
              <tr>
                <th scope="col">{k.colField}</th>
                <th scope="col">{k.colBefore}</th>
                <th scope="col">{k.colAfter}</th>
              </tr>
            </thead>
            <tbody>
              {c.fields.filter(isField).map((field) => (
                <tr>
                  <th scope="row">{fieldNames[field]}</th>
                  <td class="note-text">{text(field, c.previous[field])}</td>
                  <td class="note-text">{text(field, valueAfter(corrections, i, field, subject))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </Layout>
  );
}
