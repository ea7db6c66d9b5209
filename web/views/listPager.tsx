import type { ComponentChild } from 'preact';
import { maxOffset } from '../../api/querySchemas';

/** A page of a list as the operations answer it (api/useCases/page.ts). */
export interface ListPage<T = unknown> {
  total: number;
  totalCapped: boolean;
  limit: number;
  offset: number;
  items: T[];
}

/** How to reach another offset: a link (`href`, filters in the URL) or a control of the page's own (`to`, e.g. a posted form). */
type PageLink = { href: (offset: number) => string } | { to: (offset: number, label: string) => ComponentChild };

/**
 * Föregående / Nästa sida for a list, with the page's filters kept. The operations page by offset
 * up to maxOffset; past it one narrows.
 */
export function ListPager(props: { page: ListPage; texts: { pages: string; previous: string; next: string; tooMany: string } } & PageLink) {
  const { page, texts } = props;
  const to = 'to' in props ? props.to : (offset: number, label: string) => <a href={props.href(offset)}>{label}</a>;
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
          {previous !== undefined && to(previous, texts.previous)}
          {next !== undefined && to(next, texts.next)}
        </nav>
      )}
      {tooMany && <p class="hint">{texts.tooMany}</p>}
    </>
  );
}
