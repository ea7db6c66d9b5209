import { maxOffset } from '../../api/querySchemas';
import { sv } from '../../domain/catalog';
import { Csrf, type PageContext } from './layout';
import type { CaseSearchFilters, CaseSearchResult } from './search';

/** The filters as form fields or query parameters: only those set. */
export function filterParams(f: CaseSearchFilters): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ['caseId', 'status', 'caseType', 'unit', 'from', 'to'] as const) if (f[key]) out[key] = f[key];
  if (f.overdue) out.overdue = 'true';
  return out;
}

/** A search by filters, as the URL that runs it (back and reload return to it). */
export function searchUrl(ctx: PageContext, f: CaseSearchFilters, offset: number): string {
  const q = new URLSearchParams({ sok: '1', ...filterParams(f), ...(offset ? { offset: String(offset) } : {}) });
  return `${ctx.base}/sok?${q.toString()}`;
}

/** Another page of a search by personnummer: posted again, so the number stays out of every URL. */
function PostedPage(props: { ctx: PageContext; filters: CaseSearchFilters; pnr: string; offset: number; label: string }) {
  return (
    <form class="inline" method="post" action={`${props.ctx.base}/sok`}>
      <Csrf ctx={props.ctx} />
      <input type="hidden" name="personalIdentityNumber" value={props.pnr} />
      {Object.entries(filterParams(props.filters)).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <input type="hidden" name="offset" value={String(props.offset)} />
      <button type="submit">{props.label}</button>
    </form>
  );
}

/**
 * The search's pages, with its filters kept: links for a search by filters, posted forms for one
 * by personnummer. The operations page by offset up to maxOffset; past it one narrows the search.
 */
export function SearchPager(props: { ctx: PageContext; filters: CaseSearchFilters; result: CaseSearchResult; pnr?: string }) {
  const { ctx, filters, result, pnr } = props;
  const m = sv.searchMore;
  // From past the end (a hand-edited offset), back leads to the last page that has cases.
  const lastPage = Math.max(0, Math.floor((result.total - 1) / result.limit) * result.limit);
  const previous = result.offset > 0 ? Math.max(0, Math.min(result.offset - result.limit, lastPage)) : undefined;
  const more = result.offset + result.items.length < result.total;
  const next = more && result.offset + result.limit <= maxOffset ? result.offset + result.limit : undefined;
  const tooMany = (more && next === undefined) || (result.totalCapped && !more);
  const page = (offset: number, label: string) =>
    pnr === undefined ? <a href={searchUrl(ctx, filters, offset)}>{label}</a> : <PostedPage ctx={ctx} filters={filters} pnr={pnr} offset={offset} label={label} />;
  return (
    <>
      {(previous !== undefined || next !== undefined) && (
        <nav aria-label={m.pages} class="pager">
          {previous !== undefined && page(previous, m.previous)}
          {next !== undefined && page(next, m.next)}
        </nav>
      )}
      {tooMany && <p class="hint">{m.tooMany}</p>}
    </>
  );
}
