import type { Request, Response, Router } from 'express';
import { hasRole } from '../../domain/auth';
import { ErrorCode } from '../../domain/errors';
import { formatDate } from '../format';
import { mayInvoke, type Invocation } from '../invoke';
import type { PageKit } from '../kit';
import { sv } from '../../domain/catalog';
import { AuditPage, type AuditFilters, type AuditRowView } from '../views/audit';
import { catalogAgencies, type AgencyOption } from '../views/consents';
import { IntakePage, referralFrom, sourceAgencyChoices, type IntakeValues, type RoutingPreview } from '../views/intake';
import { OverviewPage, type OverviewData } from '../views/overview';

/** Ny anmälan (coordinators), Översikt (supervisors) and Granskning (auditors); Sök ärende is in finding.tsx. */
export function coordinationRoutes(router: Router, kit: PageKit): void {
  const { base, invoke, send, refused, ctxOf, principal, signedIn, fieldErrors, recordView } = kit;

  // An agency gone from the registry (or never in it, when the catalog's were offered) is named next to its field.
  const intakeFields = (result: Invocation<unknown>) =>
    !result.ok && result.error.code === ErrorCode.AgencyNotFound ? { 'referral.sourceAgency': sv.intake.agencyNotFound } : fieldErrors(result);

  // The referring agency is any agency of the registry; should it not answer, the catalog's agencies are offered.
  const sourceAgencies = async (req: Request, res: Response): Promise<AgencyOption[]> => {
    const listed = await invoke<{ items: AgencyOption[] }>('agency.list', req, res, principal(res));
    return sourceAgencyChoices(listed.ok ? listed.body.items : catalogAgencies());
  };

  router.get('/ny-anmalan', signedIn, async (req, res) => {
    const allowed = hasRole(principal(res), 'coordinator');
    await recordView(req, res, allowed ? 200 : 403);
    if (!allowed) return refused(res, { status: 403 });
    send(res, 200, <IntakePage ctx={ctxOf(res)} values={{ ageYears: '' }} agencies={await sourceAgencies(req, res)} />);
  });

  router.post('/ny-anmalan', signedIn, async (req, res) => {
    const values = Object.fromEntries(Object.entries(req.body as Record<string, unknown>).filter(([k, v]) => k !== '_csrf' && typeof v === 'string')) as IntakeValues;
    const body = referralFrom(values);
    const agencies = await sourceAgencies(req, res);
    const preview = await invoke<RoutingPreview>('referral.preview', req, res, principal(res), { body });
    if (!preview.ok) {
      if (preview.status === 403) return refused(res, preview);
      return send(res, preview.status, <IntakePage ctx={ctxOf(res)} values={values} agencies={agencies} errors={{ message: sv.errors.validationSummary, fields: intakeFields(preview) }} />);
    }
    if (values.steg !== 'starta') return send(res, 200, <IntakePage ctx={ctxOf(res)} values={values} agencies={agencies} preview={preview.body} />);
    const started = await invoke<{ caseId: string }>('referral.route', req, res, principal(res), { body });
    if (!started.ok) return send(res, started.status, <IntakePage ctx={ctxOf(res)} values={values} agencies={agencies} preview={preview.body} errors={{ message: sv.errors.validationSummary, fields: intakeFields(started) }} />);
    res.redirect(303, `${base}/arenden/${encodeURIComponent(started.body.caseId)}?klart=registrerat`);
  });

  router.get('/oversikt', signedIn, async (req, res) => {
    const p = principal(res);
    const [escalations, report, failing, watchdog] = await Promise.all([
      invoke<{ items: OverviewData['escalations'] }>('escalation.list', req, res, p, { query: { status: 'open' } }),
      invoke<{ items: OverviewData['report']; overdueTasks: Array<{ taskId: string; step: string }> }>('report.read', req, res, p, { query: {} }),
      invoke<{ items: OverviewData['failing'] }>('notification.list', req, res, p, { query: { status: 'failing' } }),
      // Only the count, for the way to Bevakning: a refusal leaves that part out, not the page.
      invoke<{ total: number; totalCapped: boolean }>('watchdog.findings', req, res, p, { query: { status: 'open', limit: '1' } }),
    ]);
    if (!escalations.ok) return refused(res, escalations);
    if (!report.ok) return refused(res, report);
    if (!failing.ok) return refused(res, failing);
    // An escalated task is overdue: the report's list names its step.
    const stepOf = new Map(report.body.overdueTasks.map((t) => [t.taskId, t.step]));
    const data: OverviewData = {
      escalations: escalations.body.items.map((e) => ({ ...e, stepKey: stepOf.get(e.taskId) })),
      report: report.body.items,
      failing: failing.body.items,
      watchdog: watchdog.ok ? { open: watchdog.body.total, capped: watchdog.body.totalCapped } : undefined,
    };
    const notice = req.query.klart === 'kvitterad' ? sv.overview.acknowledged : req.query.klart === 'redan' ? sv.overview.alreadyAcknowledged : undefined;
    const reportCsv = mayInvoke('report.csv', p) ? `${base}/oversikt/rapport.csv` : undefined;
    send(res, 200, <OverviewPage ctx={ctxOf(res)} data={data} notice={notice} canAcknowledge={hasRole(p, 'supervisor')} reportCsv={reportCsv} />);
  });

  // The report as CSV (report.csv, audited as report.read like the API's), saved as a file named by today's date.
  router.get('/oversikt/rapport.csv', signedIn, async (req, res) => {
    const result = await invoke<string>('report.csv', req, res, principal(res), { query: {} });
    if (!result.ok) return refused(res, result);
    res.status(200).attachment(sv.overview.reportFile(formatDate(new Date()))).type('text/csv; charset=utf-8').send(result.body);
  });

  router.post('/oversikt/eskaleringar/:escalationId/kvittera', signedIn, async (req, res) => {
    const result = await invoke('escalation.acknowledge', req, res, principal(res), { params: { escalationId: req.params.escalationId as string }, body: {} });
    if (!result.ok && result.status !== 409) return refused(res, result);
    res.redirect(303, `${base}/oversikt?klart=${result.ok ? 'kvitterad' : 'redan'}`);
  });

  router.get('/granskning', signedIn, async (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    const filters: AuditFilters = { actor: q.actor?.trim() ?? '', caseId: q.caseId?.trim() ?? '', action: q.action?.trim() ?? '', offset: Math.max(0, Math.min(10_000, Number.parseInt(q.offset ?? '0', 10) || 0)) };
    const query: Record<string, string> = { offset: String(filters.offset), limit: '100' };
    for (const key of ['actor', 'caseId', 'action'] as const) if (filters[key]) query[key] = filters[key];
    const result = await invoke<{ total: number; totalCapped: boolean; limit: number; offset: number; items: AuditRowView[] }>('audit.read', req, res, principal(res), { query });
    if (!result.ok && result.status === 400) return res.redirect(303, `${base}/granskning`);
    if (!result.ok) return refused(res, result);
    send(res, 200, <AuditPage ctx={ctxOf(res)} filters={filters} data={result.body} />);
  });
}
