import type { z } from 'zod';
import type { ApiDeps } from '../context';
import type { watchdogFindingListQuery, watchdogRunListQuery } from '../querySchemas';
import { watchdogFindingView, watchdogRunView } from '../views/watchdogFinding';
import { pageOfRows } from './page';

/**
 * What the watchdog found, oldest first. `units` undefined = every finding (coordinators);
 * otherwise only findings about those units' tasks, escalations and addresses: a finding about a
 * whole case (its workflow, its start) names no unit and is for the coordinators, who own cases.
 */
export async function listWatchdogFindings({ prisma }: ApiDeps, units: string[] | undefined, query: z.infer<typeof watchdogFindingListQuery>) {
  const unitIds = units ? (await prisma.unit.findMany({ where: { code: { in: units } }, select: { id: true } })).map((u) => u.id) : undefined;
  const where = {
    ...(query.status === 'open' ? { resolvedAt: null } : query.status === 'resolved' ? { resolvedAt: { not: null } } : {}),
    ...(query.kind ? { kind: query.kind } : {}),
    ...(unitIds ? { unitId: { in: unitIds } } : {}),
  };
  const page = await pageOfRows(
    query,
    (take) => prisma.watchdogFinding.count({ where, take }),
    prisma.watchdogFinding.findMany({ where, orderBy: [{ firstSeenAt: 'asc' }, { id: 'asc' }], take: query.limit, skip: query.offset }),
  );
  const named = page.items.flatMap((f) => (f.unitId ? [f.unitId] : []));
  const codes = new Map((await prisma.unit.findMany({ where: { id: { in: named } }, select: { id: true, code: true } })).map((u) => [u.id, u.code]));
  return { ...page, items: page.items.map((f) => watchdogFindingView(f, f.unitId ? (codes.get(f.unitId) ?? null) : null)) };
}

/** The watchdog's sweeps, newest first: when each ran, what it checked, how long it took. */
export async function listWatchdogRuns({ prisma }: ApiDeps, query: z.infer<typeof watchdogRunListQuery>) {
  const page = await pageOfRows(
    query,
    (take) => prisma.watchdogRun.count({ take }),
    prisma.watchdogRun.findMany({
      orderBy: [{ startedAt: 'desc' }, { id: 'asc' }],
      take: query.limit,
      skip: query.offset,
      omit: { workflowId: true },
    }),
  );
  return { ...page, items: page.items.map(watchdogRunView) };
}
