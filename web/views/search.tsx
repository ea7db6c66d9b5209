import { caseTypes } from '../../domain/policy';
import { formatDateTime } from '../format';
import { count, named, sv } from '../../domain/catalog';
import { Csrf, Layout, type PageContext } from './layout';
import { FieldError, type FormErrors } from './task';

export interface CaseSearchFilters {
  caseId: string;
  status: string;
  caseType: string;
  overdue: boolean;
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
  items: CaseFound[];
}

/** The filters both searches share: by GET (in the URL) and, with a personnummer, by POST. */
function FilterFields(props: { filters: CaseSearchFilters; prefix: string; errors?: FormErrors }) {
  const { filters, prefix } = props;
  const s = sv.search;
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
      <span class="checkbox">
        <input id={`${prefix}-forsenat`} name="overdue" type="checkbox" value="true" checked={filters.overdue} />
        <label for={`${prefix}-forsenat`}>{s.overdue}</label>
      </span>
    </>
  );
}

/** Sök ärende (coordinators): by filters in the URL, or by personnummer in a posted form, never in the URL. */
export function SearchPage(props: { ctx: PageContext; filters: CaseSearchFilters; pnr?: string; result?: CaseSearchResult; errors?: FormErrors; byPerson?: boolean }) {
  const { ctx, filters, result, errors } = props;
  const s = sv.search;
  const here = `${ctx.base}/sok`;
  const pnrError = errors?.fields?.personalIdentityNumber;
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
            <FieldError id="sok-arende-fel" text={props.byPerson ? undefined : errors?.fields?.caseId} />
            <input
              id="sok-arende"
              name="caseId"
              type="text"
              autocomplete="off"
              value={filters.caseId}
              aria-invalid={!props.byPerson && errors?.fields?.caseId ? 'true' : undefined}
              aria-describedby={!props.byPerson && errors?.fields?.caseId ? 'sok-arende-fel' : undefined}
            />
          </div>
          <FilterFields filters={filters} prefix="sok" />
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
          <FilterFields filters={props.byPerson ? filters : { caseId: '', status: '', caseType: '', overdue: false }} prefix="pnr" />
          <button type="submit">{s.pnrButton}</button>
        </fieldset>
      </form>
      <section aria-labelledby="traffar-rubrik">
        {result ? (
          <>
            <h2 id="traffar-rubrik">{`${count(result.total, s.cases)}${result.totalCapped ? '+' : ''}`}</h2>
            {result.items.length === 0 ? (
              <p>{s.none}</p>
            ) : (
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
            )}
          </>
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
