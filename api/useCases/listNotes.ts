import type { ApiDeps } from '../context';
import { noteView } from './notes';
import { pageOfRows } from './page';
import { staffNames } from './staffNames';

/** A case's own notes (not its tasks', which stay with their units), or one task's; oldest first. */
export async function listNotes(deps: ApiDeps, on: { caseId: string; taskId?: string }, query: { limit: number; offset: number }) {
  const where = { caseId: on.caseId, taskId: on.taskId ?? null };
  const page = await pageOfRows(
    query,
    (take) => deps.prisma.note.count({ where, take }),
    deps.prisma.note.findMany({ where, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: query.limit, skip: query.offset }),
  );
  // The authors' names: one read of the staff directory for the page.
  const names = await staffNames(deps, page.items.map((row) => row.author));
  return { ...page, items: page.items.map((row) => noteView(deps, row, names)) };
}
