import type { Router } from 'express';
import { maxOffset } from '../../api/querySchemas';
import { hasRole } from '../../domain/auth';
import { watchdogKinds, type WatchdogKind } from '../../domain/watchdog';
import type { PageKit } from '../kit';
import type { UnitOption } from '../views/search';
import { WatchdogPage, type FindingsPage, type RunsPage, type WatchdogFilters } from '../views/watchdog';

/** How many findings, and how many runs, a page of Bevakning shows. */
const findingsPageSize = 50;
const runsPageSize = 10;

/** Which page: an offset the operations take (0 to maxOffset); a hand-edited one is brought within. */
const offsetOf = (v: unknown) => Math.max(0, Math.min(maxOffset, Number.parseInt(typeof v === 'string' ? v : '0', 10) || 0));

/** The filters as the URL has them; anything the operation would not take is dropped, not refused. */
function watchdogFilters(q: Record<string, unknown>): WatchdogFilters {
  return {
    status: q.status === 'resolved' || q.status === 'all' ? q.status : 'open',
    kind: typeof q.kind === 'string' && (watchdogKinds as readonly string[]).includes(q.kind) ? (q.kind as WatchdogKind) : '',
    unit: typeof q.unit === 'string' && /^[a-z][a-z0-9-]{1,63}$/.test(q.unit) ? q.unit : '',
    offset: offsetOf(q.offset),
    runsOffset: offsetOf(q.runsOffset),
  };
}

/**
 * Bevakning: the watchdog's findings (watchdog.findings: coordinators all, supervisors their
 * units') and its runs (watchdog.runs: admins too). Each read is the API's operation, audited so.
 */
export function watchdogRoutes(router: Router, kit: PageKit): void {
  const { invoke, send, refused, ctxOf, principal, signedIn } = kit;

  router.get('/bevakning', signedIn, async (req, res) => {
    const p = principal(res);
    const filters = watchdogFilters(req.query as Record<string, unknown>);
    const runs = await invoke<RunsPage>('watchdog.runs', req, res, p, { query: { limit: String(runsPageSize), offset: String(filters.runsOffset) } });
    // A role the operation refuses (staff, auditors) gets the refusal page, audited as the API's would be.
    if (!runs.ok) return refused(res, runs);
    if (!hasRole(p, 'coordinator', 'supervisor')) {
      // Admins watch the watchdog itself; its findings are for the people who own the work.
      return send(res, 200, <WatchdogPage ctx={ctxOf(res)} filters={filters} units={[]} runs={runs.body} ownUnitsOnly={false} />);
    }
    const query: Record<string, string> = { status: filters.status, limit: String(findingsPageSize), offset: String(filters.offset) };
    if (filters.kind) query.kind = filters.kind;
    if (filters.unit) query.unit = filters.unit;
    const [findings, units] = await Promise.all([
      invoke<FindingsPage>('watchdog.findings', req, res, p, { query }),
      invoke<{ items: UnitOption[] }>('unit.list', req, res, p),
    ]);
    // Another unit than one's own is 403, as from the API.
    if (!findings.ok) return refused(res, findings);
    const coordinator = hasRole(p, 'coordinator');
    const options = units.ok ? units.body.items.filter((u) => coordinator || p.supervisedUnits.includes(u.code)) : [];
    send(res, 200, <WatchdogPage ctx={ctxOf(res)} filters={filters} units={options} findings={findings.body} runs={runs.body} ownUnitsOnly={!coordinator} />);
  });
}
