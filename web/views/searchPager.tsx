import { sv } from '../../domain/catalog';
import { Csrf, type PageContext } from './layout';
import { ListPager } from './listPager';
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
 * by personnummer.
 */
export function SearchPager(props: { ctx: PageContext; filters: CaseSearchFilters; result: CaseSearchResult; pnr?: string }) {
  const { ctx, filters, result, pnr } = props;
  return pnr === undefined ? (
    <ListPager page={result} texts={sv.searchMore} href={(offset) => searchUrl(ctx, filters, offset)} />
  ) : (
    <ListPager page={result} texts={sv.searchMore} to={(offset, label) => <PostedPage ctx={ctx} filters={filters} pnr={pnr} offset={offset} label={label} />} />
  );
}
