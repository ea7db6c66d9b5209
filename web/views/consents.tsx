import type { CaseBody } from '../../api/views/case';
import { named, namedOr, sv } from '../../domain/catalog';
import { Csrf, type PageContext } from './layout';
import { FieldError, type FormErrors } from './forms';
import { personLabel } from './person';

/** An agency of the registry as the consent form offers it: its code and the name shown. */
export interface AgencyOption {
  code: string;
  name: string;
}

/** The catalog's agencies: what a form offers should the registry not answer. */
export const catalogAgencies = (): AgencyOption[] => Object.entries(sv.agencies).map(([code, name]) => ({ code, name }));

/** The consent form's agencies: those the case involves first, then every other agency of the registry. */
export interface ConsentAgencyChoices {
  involved: AgencyOption[];
  others: AgencyOption[];
}

/**
 * Groups the registry's agencies for the consent form. The case involves the agency that referred
 * it, the agencies of the units holding its tasks (the plan's included) or whose consent a task
 * waits for, and those it already has an answer from. The catalog's name comes first, as
 * elsewhere on the page; an agency the catalog does not know shows the registry's name.
 */
export function consentAgencyChoices(c: CaseBody, registry: AgencyOption[], units: ReadonlyArray<{ code: string; agency: string }>): ConsentAgencyChoices {
  const agencyOfUnit = new Map(units.map((u) => [u.code, u.agency]));
  const involved = new Set<string>([
    ...(c.sourceAgency ? [c.sourceAgency] : []),
    ...c.consents.map((x) => x.receivingAgency),
    ...c.tasks.flatMap((t) => (t.detail === 'full' ? [agencyOfUnit.get(t.unit), t.consent?.agency] : [])).filter((a): a is string => a !== undefined),
  ]);
  const options = registry.map((a) => ({ code: a.code, name: namedOr(sv.agencies, a.code, a.name) })).sort((a, b) => a.name.localeCompare(b.name, 'sv'));
  return { involved: options.filter((a) => involved.has(a.code)), others: options.filter((a) => !involved.has(a.code)) };
}

/** The consent purpose a case type's own sharing asks for (the seeded policies' consent gates). */
const consentPurposeOf: Record<string, string> = { 'social-intervention-group': 'sig', 'exit-programme': 'exit' };

/**
 * The case's consents, each withdrawable by a coordinator while given, and (on a case not closed)
 * the form that records a person's answer: consent given or refused, for an agency and a purpose.
 */
export function Consents(props: {
  ctx: PageContext;
  caseBody: CaseBody;
  /** The case page's own path: the forms post under it. */
  here: string;
  /** Coordinators record, refuse and withdraw consent. */
  canManage: boolean;
  /** The agencies the form offers to share with (absent: no form to record with). */
  agencies?: ConsentAgencyChoices;
  errors?: FormErrors;
}) {
  const { ctx, caseBody: c, here, canManage, agencies, errors: ce } = props;
  const k = sv.consent;
  const registryNames = new Map([...(agencies?.involved ?? []), ...(agencies?.others ?? [])].map((a) => [a.code, a.name]));
  const agencyName = (code: string) => registryNames.get(code) ?? named(sv.agencies, code);
  const agencyError = ce?.fields?.receivingAgency;
  const option = (a: AgencyOption) => (
    <option value={a.code} selected={ce?.values?.receivingAgency === a.code}>
      {a.name}
    </option>
  );
  return (
    <>
      <h2>{k.title}</h2>
      {c.consents.length === 0 ? (
        <p>{k.none}</p>
      ) : (
        <ul class="consents">
          {c.consents.map((x) => (
            <li>
              {k.line(x.personRole === 'guardian' ? k.guardian : k.subject, agencyName(x.receivingAgency), x.purpose, named(k.statuses, x.status))}
              <br />
              <span class="hint">{k.recordedBy(personLabel(x.recordedBy, x.recordedByName, ctx.principal?.sub))}</span>{' '}
              {canManage && x.status === 'given' && (
                <form class="inline" method="post" action={`${here}/samtycken/${encodeURIComponent(x.consentId)}/aterkalla`}>
                  <Csrf ctx={ctx} />
                  <button type="submit" aria-label={`${k.withdraw}: ${k.line(x.personRole === 'guardian' ? k.guardian : k.subject, agencyName(x.receivingAgency), x.purpose, named(k.statuses, x.status))}`}>
                    {k.withdraw}
                  </button>
                </form>
              )}
            </li>
          ))}
        </ul>
      )}
      {canManage && agencies && c.status !== 'closed' && (
        <section aria-labelledby="samtycke-rubrik">
          <h3 id="samtycke-rubrik">{k.record}</h3>
          {ce && (
            <p class="notice error" role="alert">
              {ce.message}
            </p>
          )}
          <form method="post" action={`${here}/samtycken`}>
            <Csrf ctx={ctx} />
            <fieldset>
              <legend>{k.answer}</legend>
              <span class="radio">
                <input type="radio" id="svar-ja" name="answer" value="given" checked={(ce?.values?.answer ?? 'given') === 'given'} />
                <label for="svar-ja">{k.gives}</label>
              </span>
              <span class="radio">
                <input type="radio" id="svar-nej" name="answer" value="refused" checked={ce?.values?.answer === 'refused'} />
                <label for="svar-nej">{k.refuses}</label>
              </span>
            </fieldset>
            <fieldset>
              <legend>{k.personRole}</legend>
              <span class="radio">
                <input type="radio" id="roll-person" name="personRole" value="subject" checked={(ce?.values?.personRole ?? 'subject') === 'subject'} />
                <label for="roll-person">{k.subject}</label>
              </span>
              <span class="radio">
                <input type="radio" id="roll-vh" name="personRole" value="guardian" checked={ce?.values?.personRole === 'guardian'} />
                <label for="roll-vh">{k.guardian}</label>
              </span>
            </fieldset>
            <div class="field">
              <label for="samtycke-namn">{k.personName}</label>
              <input id="samtycke-namn" name="personName" type="text" autocomplete="off" value={ce?.values?.personName ?? ''} />
            </div>
            <div class="field">
              <label for="samtycke-aktor">{k.receivingAgency}</label>
              <p class="hint" id="samtycke-aktor-hint">
                {k.agencyHint}
              </p>
              <FieldError id="samtycke-aktor-fel" text={agencyError} />
              {/* No agency is chosen for the coordinator: whom a person consents to share with is theirs to pick. */}
              <select
                id="samtycke-aktor"
                name="receivingAgency"
                required
                aria-invalid={agencyError ? 'true' : undefined}
                aria-describedby={agencyError ? 'samtycke-aktor-hint samtycke-aktor-fel' : 'samtycke-aktor-hint'}
              >
                <option value="" selected={!ce?.values?.receivingAgency}>
                  {k.chooseAgency}
                </option>
                {agencies.involved.length > 0 && <optgroup label={k.involvedAgencies}>{agencies.involved.map(option)}</optgroup>}
                {agencies.others.length > 0 && <optgroup label={k.otherAgencies}>{agencies.others.map(option)}</optgroup>}
              </select>
            </div>
            <div class="field">
              <label for="samtycke-syfte">{k.purpose}</label>
              <p class="hint" id="samtycke-syfte-hint">
                {k.purposeHint}
              </p>
              <FieldError id="samtycke-syfte-fel" text={ce?.fields?.purpose} />
              {/* Prefilled with the case type's own purpose; the known ones are offered by name. */}
              <input
                id="samtycke-syfte"
                name="purpose"
                type="text"
                required
                list="samtycke-syften"
                value={ce?.values?.purpose ?? consentPurposeOf[c.caseType] ?? ''}
                aria-invalid={ce?.fields?.purpose ? 'true' : undefined}
                aria-describedby={ce?.fields?.purpose ? 'samtycke-syfte-hint samtycke-syfte-fel' : 'samtycke-syfte-hint'}
              />
              <datalist id="samtycke-syften">
                {Object.entries(k.purposes).map(([code, name]) => (
                  <option value={code} label={name} />
                ))}
              </datalist>
            </div>
            <p>
              <button type="submit">{k.recordButton}</button>
            </p>
          </form>
        </section>
      )}
    </>
  );
}
