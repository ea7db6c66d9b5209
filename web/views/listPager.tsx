import { maxOffset } from '../../api/querySchemas';

/** A page of a list as the operations answer it (api/useCases/page.ts). */
export interface ListPage<T = unknown> {
  total: number;
  totalCapped: boolean;
  limit: number;
  offset: number;
  items: T[];
}

/**
 * Föregående / Nästa sida for a list in the URL: `href` builds the link to another offset, with
 * the page's filters kept. The operations page by offset up to maxOffset; past it one narrows.
 */
export function ListPager(props: { page: ListPage; href: (offset: number) => string; texts: { pages: string; previous: string; next: string; tooMany: string } }) {
  const { page, href, texts } = props;
  // From past the end (a hand-edited offset), back leads to the last page that has rows.
  const lastPage = Math.max(0, Math.floor((page.total - 1) / page.limit) * page.limit);
  const previous = page.offset > 0 ? Math.max(0, Math.min(page.offset - page.limit, lastPage)) : undefined;
  const more = page.offset + page.items.length < page.total;
  const next = more && page.offset + page.limit <= maxOffset ? page.offset + page.limit : undefined;
  const tooMany = (more && next === undefined) || (page.totalCapped && !more);
  return (
    <>
      {(previous !== undefined || next !== undefined) && (
        <nav aria-label={texts.pages} class="pager">
          {previous !== undefined && <a href={href(previous)}>{texts.previous}</a>}
          {next !== undefined && <a href={href(next)}>{texts.next}</a>}
        </nav>
      )}
      {tooMany && <p class="hint">{texts.tooMany}</p>}
    </>
  );
}
