import type { ComponentChildren } from 'preact';
import { caseTypes } from '../../domain/policy';
import { formatDateTime } from '../format';
import { count, named, sv } from '../../domain/catalog';
import { Csrf, Layout, type PageContext } from './layout';
import { FieldError, type FormErrors } from './forms';
import { SearchPager } from './searchPager';

export interface CaseSearchFilters {
  caseId: string;
  status: string;
  caseType: string;
  overdue: boolean;
  /** Cases with a task at this unit (a unit code), or '' for any. */
  unit: string;
  /** The registration days, as typed (YYYY-MM-DD), both ends included; '' for open-ended. */
  from: string;
  to: string;
}

export const noFilters: CaseSearchFilters = { caseId: '', status: '', caseType: '', overdue: false, unit: '', from: '', to: '' };

/** A unit one can filter on (unit.list). */
export interface UnitOption {
  code: string;
  agency: string;
  name: string;
}

export interface CaseFound {
  caseId: string;
  caseType: string;
  status: string;
  createdAt: string;
  closedAt: string | null;
  overdue: boolean;
  protectedIdentity: { marker: string } | null;
}

export interface CaseSearchResult {
  total: number;
  totalCapped: boolean;
  limit: number;
  offset: number;
  items: CaseFound[];
}

/** A typed date of the range, with its hint and its error next to it. */
function DateField(props: { id: string; name: 'from' | 'to'; label: string; value: string; hintId: string; error?: string }) {
  const { id, error } = props;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <FieldError id={`${id}-fel`} text={error} />
      <input
        id={id}
        name={props.name}
        type="text"
        autocomplete="off"
        size={10}
        value={props.value}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `${props.hintId} ${id}-fel` : props.hintId}
      />
    </div>
  );
}

/** The filters both searches share: by GET (in the URL) and, with a personnummer, by POST. */
function FilterFields(props: { filters: CaseSearchFilters; prefix: string; units: UnitOption[]; errors?: Record<string, string> }) {
  const { filters, prefix, errors } = props;
  const s = sv.search;
  const m = sv.searchMore;
  const agencies = [...new Set(props.units.map((u) => u.agency))];
  const unitName = (u: UnitOption) => (named(sv.units, u.code) === u.code ? u.name : named(sv.units, u.code));
  return (
    <>
      <div class="field">
        <label for={`${prefix}-status`}>{s.status}</label>
        <select id={`${prefix}-status`} name="status">
          <option value="">{s.anyStatus}</option>
          {(['open', 'closed', 'starting'] as const).map((st) => (
            <option value={st} selected={filters.status === st}>
              {named(sv.caseStatuses, st)}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for={`${prefix}-typ`}>{s.caseType}</label>
        <select id={`${prefix}-typ`} name="caseType">
          <option value="">{s.anyCaseType}</option>
          {caseTypes.map((c) => (
            <option value={c} selected={filters.caseType === c}>
              {named(sv.caseTypes, c)}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for={`${prefix}-enhet`}>{m.unit}</label>
        <select id={`${prefix}-enhet`} name="unit">
          <option value="">{m.anyUnit}</option>
          {agencies.map((agency) => (
            <optgroup label={named(sv.agencies, agency)}>
              {props.units
                .filter((u) => u.agency === agency)
                .map((u) => (
                  <option value={u.code} selected={filters.unit === u.code}>
                    {unitName(u)}
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
      </div>
      <p class="hint" id={`${prefix}-datum-hint`}>
        {m.dateHint}
      </p>
      <DateField id={`${prefix}-fran`} name="from" label={m.from} value={filters.from} hintId={`${prefix}-datum-hint`} error={errors?.from} />
      <DateField id={`${prefix}-till`} name="to" label={m.to} value={filters.to} hintId={`${prefix}-datum-hint`} error={errors?.to} />
      <span class="checkbox">
        <input id={`${prefix}-forsenat`} name="overdue" type="checkbox" value="true" checked={filters.overdue} />
        <label for={`${prefix}-forsenat`}>{s.overdue}</label>
      </span>
    </>
  );
}

/** The cases found, a page at a time, newest first. */
function Results(props: { ctx: PageContext; result: CaseSearchResult; pager: ComponentChildren }) {
  const { ctx, result } = props;
  const s = sv.search;
  return (
    <>
      <h2 id="traffar-rubrik">{`${count(result.total, s.cases)}${result.totalCapped ? '+' : ''}`}</h2>
      {result.items.length === 0 ? (
        <p>{s.none}</p>
      ) : (
        <>
          <p>{sv.searchMore.showing(result.offset + 1, result.offset + result.items.length)}</p>
          <table>
            <caption>{s.caption}</caption>
            <thead>
              <tr>
                <th scope="col">{s.colCase}</th>
                <th scope="col">{s.colType}</th>
                <th scope="col">{s.colStatus}</th>
                <th scope="col">{s.colCreated}</th>
                <th scope="col">{s.colOverdue}</th>
              </tr>
            </thead>
            <tbody>
              {result.items.map((c) => (
                <tr>
                  <td>
                    <a href={`${ctx.base}/arenden/${encodeURIComponent(c.caseId)}`}>{c.caseId}</a>
                    {c.protectedIdentity && (
                      <>
                        <br />
                        <span class="protected-tag">{sv.caseView.protected}</span>
                      </>
                    )}
                  </td>
                  <td>{named(sv.caseTypes, c.caseType)}</td>
                  <td>{named(sv.caseStatuses, c.status)}</td>
                  <td>
                    <time datetime={c.createdAt}>{formatDateTime(c.createdAt)}</time>
                  </td>
                  <td>
                    {c.overdue ? (
                      <span class="overdue">
                        <span class="overdue-icon" aria-hidden="true">
                          ⚠
                        </span>{' '}
                        {sv.overdue}
                      </span>
                    ) : (
                      '–'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {props.pager}
    </>
  );
}

/** Sök ärende (coordinators): by filters in the URL, or by personnummer in a posted form, never in the URL. */
export function SearchPage(props: {
  ctx: PageContext;
  filters: CaseSearchFilters;
  units: UnitOption[];
  pnr?: string;
  result?: CaseSearchResult;
  errors?: FormErrors;
  byPerson?: boolean;
}) {
  const { ctx, filters, result, errors } = props;
  const s = sv.search;
  const here = `${ctx.base}/sok`;
  // A refusal names the fields of the form that was sent.
  const getErrors = props.byPerson ? undefined : errors?.fields;
  const pnrErrors = props.byPerson ? errors?.fields : undefined;
  const pnrError = pnrErrors?.personalIdentityNumber;
  return (
    <Layout ctx={{ ...ctx, current: 'search' }} title={s.title}>
      <h1>{s.title}</h1>
      {errors && (
        <p class="notice error" role="alert">
          {errors.message}
        </p>
      )}
      <form class="filters" method="get" action={here}>
        <fieldset>
          <legend>{s.filters}</legend>
          <div class="field">
            <label for="sok-arende">{s.caseId}</label>
            <FieldError id="sok-arende-fel" text={getErrors?.caseId} />
            <input
              id="sok-arende"
              name="caseId"
              type="text"
              autocomplete="off"
              value={filters.caseId}
              aria-invalid={getErrors?.caseId ? 'true' : undefined}
              aria-describedby={getErrors?.caseId ? 'sok-arende-fel' : undefined}
            />
          </div>
          <FilterFields filters={props.byPerson ? noFilters : filters} prefix="sok" units={props.units} errors={getErrors} />
          <input type="hidden" name="sok" value="1" />
          <button type="submit">{s.button}</button>
        </fieldset>
      </form>
      <form class="filters" method="post" action={here}>
        <Csrf ctx={ctx} />
        <fieldset>
          <legend>{s.byPerson}</legend>
          <div class="field">
            <label for="sok-pnr">{s.personalIdentityNumber}</label>
            <p class="hint" id="sok-pnr-hint">
              {s.pnrHint}
            </p>
            <FieldError id="sok-pnr-fel" text={pnrError} />
            <input
              id="sok-pnr"
              name="personalIdentityNumber"
              type="text"
              inputMode="numeric"
              autocomplete="off"
              required
              value={props.pnr ?? ''}
              aria-invalid={pnrError ? 'true' : undefined}
              aria-describedby={pnrError ? 'sok-pnr-hint sok-pnr-fel' : 'sok-pnr-hint'}
            />
          </div>
          <FilterFields filters={props.byPerson ? filters : noFilters} prefix="pnr" units={props.units} errors={pnrErrors} />
          <button type="submit">{s.pnrButton}</button>
        </fieldset>
      </form>
      <section aria-labelledby="traffar-rubrik">
        {result ? (
          <Results ctx={ctx} result={result} pager={<SearchPager ctx={ctx} filters={filters} result={result} pnr={props.byPerson ? props.pnr : undefined} />} />
        ) : (
          <>
            <h2 id="traffar-rubrik">{s.results}</h2>
            <p>{s.notSearched}</p>
          </>
        )}
      </section>
    </Layout>
  );
}
