import type { Router } from 'express';
import { hasRole, visibleUnits } from '../../domain/auth';
import { sv } from '../../domain/catalog';
import { fromLocalInput } from '../format';
import type { PageKit } from '../kit';
import { InboxPage, InboxTable, type InboxData, type InboxFilters } from '../views/inbox';
import { caseRoutes } from './case';
import { planningRoutes } from './planning';
import { taskRoutes } from './task';

/** Inkorg here; Ärende (with consent) in case.tsx, Uppgift in task.tsx: each page the operation its API call would be. */
export function caseworkRoutes(router: Router, kit: PageKit): void {
  const { base, invoke, send, sendFragment, refused, ctxOf, principal, signedIn } = kit;

  router.get('/inkorg', signedIn, async (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    const filters: InboxFilters = {
      status: q.status === 'completed' || q.status === 'all' ? q.status : 'open',
      overdue: q.overdue === 'true',
      dueBefore: /^\d{4}-\d{2}-\d{2}$/.test(q.dueBefore ?? '') ? (q.dueBefore as string) : '',
      caseType: q.caseType ?? '',
      unit: q.unit ?? '',
      mine: q.mine === 'true',
      offset: Math.max(0, Math.min(10_000, Number.parseInt(q.offset ?? '0', 10) || 0)),
    };
    const query: Record<string, unknown> = { status: filters.status, offset: String(filters.offset), limit: '50' };
    if (filters.overdue) query.overdue = 'true';
    if (filters.dueBefore) query.dueBefore = fromLocalInput(filters.dueBefore);
    if (filters.caseType) query.caseType = filters.caseType;
    if (filters.unit) query.unit = filters.unit;
    if (filters.mine) query.mine = 'true';
    const result = await invoke<InboxData>('task.list', req, res, principal(res), { query });
    if (!result.ok && result.status === 400) {
      // A hand-edited URL: show the inbox with its filters cleared.
      return res.redirect(303, `${base}/inkorg`);
    }
    if (!result.ok) return refused(res, result);
    const p = principal(res);
    // htmx re-filtering asks for the list only; a history restore or a plain request gets the page.
    res.setHeader('Vary', 'HX-Request');
    if (req.header('HX-Request') === 'true' && req.header('HX-History-Restore-Request') !== 'true') {
      return sendFragment(res, <InboxTable ctx={ctxOf(res)} data={result.body} filters={filters} />);
    }
    // After moving a task out of one's sight, the inbox says it went.
    const notice = req.query.klart === 'flyttad' ? sv.task.reassigned : undefined;
    send(res, 200, <InboxPage ctx={ctxOf(res)} data={result.body} filters={filters} units={hasRole(p, 'coordinator') ? [] : visibleUnits(p)} notice={notice} />);
  });

  const showCase = caseRoutes(router, kit);
  const showTask = taskRoutes(router, kit);
  planningRoutes(router, kit, { showCase, showTask });
}
