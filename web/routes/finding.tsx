import type { Request, Response, Router } from 'express';
import type { ZodType } from 'zod';
import { caseSearchQuery, maxOffset } from '../../api/querySchemas';
import { caseSearchBody } from '../../api/schemas';
import type { SubjectBody, SubjectCorrectionsBody } from '../../api/views/subject';
import { hasRole } from '../../domain/auth';
import { sv } from '../../domain/catalog';
import { caseTypes } from '../../domain/policy';
import { stockholmDayStart } from '../format';
import type { PageKit } from '../kit';
import { CorrectionsPage } from '../views/corrections';
import { SearchPage, type CaseSearchFilters, type CaseSearchResult, type UnitOption } from '../views/search';

/** How many cases a page of Sök ärende shows. */
const pageSize = 100;

/** The filters of a case search as the form sent them; anything else is dropped, not refused. */
function searchFilters(q: Record<string, unknown>): CaseSearchFilters {
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  return {
    caseId: text(q.caseId),
    status: typeof q.status === 'string' && ['open', 'closed', 'starting'].includes(q.status) ? q.status : '',
    caseType: typeof q.caseType === 'string' && (caseTypes as readonly string[]).includes(q.caseType) ? q.caseType : '',
    overdue: q.overdue === 'true',
    unit: typeof q.unit === 'string' && /^[a-z][a-z0-9-]{1,63}$/.test(q.unit) ? q.unit : '',
    from: text(q.from).slice(0, 40),
    to: text(q.to).slice(0, 40),
  };
}

/** Which page: an offset the operations take (0 to maxOffset); a hand-edited one is brought within. */
const offsetOf = (v: unknown) => Math.max(0, Math.min(maxOffset, Number.parseInt(typeof v === 'string' ? v : '0', 10) || 0));

/**
 * The typed days as the operations take them: the case was registered (created) at or after the
 * start of `from`, and before the start of the day after `to`, in Stockholm, so both days count.
 */
function dateRange(f: CaseSearchFilters): { from?: string; to?: string; errors: Record<string, string> } {
  const m = sv.searchMore;
  const from = f.from ? stockholmDayStart(f.from) : undefined;
  const to = f.to ? stockholmDayStart(f.to, 1) : undefined;
  const errors: Record<string, string> = {};
  if (f.from && !from) errors.from = m.badDate;
  if (f.to && !to) errors.to = m.badDate;
  if (from && to && Date.parse(from) >= Date.parse(to)) errors.to = m.toBeforeFrom;
  return { from, to, errors };
}

/**
 * The fields the operation's own schema would refuse, named in Swedish, without running the
 * search. The dates are left to dateRange, which names a reversed range next to "till och med"
 * only (the operation names both ends).
 */
function schemaErrors(schema: ZodType, input: unknown): Record<string, string> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return {};
  const fields = parsed.error.issues.map((i) => String(i.path[0])).filter((field) => field !== 'from' && field !== 'to');
  return Object.fromEntries(fields.map((field) => [field, sv.validation[field] ?? sv.validation.other]));
}

/** Sök ärende (with its date range, unit and pages) and the person's corrections: the coordinators' ways of finding. */
export function findingRoutes(router: Router, kit: PageKit): void {
  const { invoke, send, refused, ctxOf, principal, signedIn, fieldErrors, recordView } = kit;

  const unitsFor = async (req: Request, res: Response): Promise<UnitOption[]> => {
    const units = await invoke<{ items: UnitOption[] }>('unit.list', req, res, principal(res));
    return units.ok ? units.body.items : [];
  };

  // Sök ärende: coordinators find any case (GET /cases); by personnummer only in a posted form (POST /cases/search).
  router.get('/sok', signedIn, async (req, res) => {
    const p = principal(res);
    if (!hasRole(p, 'coordinator')) {
      await recordView(req, res, 403);
      return refused(res, { status: 403 });
    }
    const q = req.query as Record<string, unknown>;
    const filters = searchFilters(q);
    const units = await unitsFor(req, res);
    const page = (status: number, extra: Partial<Parameters<typeof SearchPage>[0]>) => send(res, status, <SearchPage ctx={ctxOf(res)} filters={filters} units={units} {...extra} />);
    if (q.sok !== '1') {
      await recordView(req, res, 200);
      return page(200, {});
    }
    const range = dateRange(filters);
    const query: Record<string, string> = { limit: String(pageSize), offset: String(offsetOf(q.offset)) };
    for (const key of ['caseId', 'status', 'caseType', 'unit'] as const) if (filters[key]) query[key] = filters[key];
    if (range.from) query.from = range.from;
    if (range.to) query.to = range.to;
    if (filters.overdue) query.overdue = 'true';
    if (Object.keys(range.errors).length > 0) {
      // Nothing is searched; the page says which fields to fix, all of them at once.
      await recordView(req, res, 400);
      return page(400, { errors: { message: sv.errors.validationSummary, fields: { ...schemaErrors(caseSearchQuery, query), ...range.errors } } });
    }
    const result = await invoke<CaseSearchResult>('case.list', req, res, p, { query });
    if (!result.ok && result.status === 400) return page(400, { errors: { message: sv.errors.validationSummary, fields: fieldErrors(result) } });
    if (!result.ok) return refused(res, result);
    page(200, { result: result.body });
  });

  // The personnummer is posted, also for another page of its results, so no URL ever holds it.
  router.post('/sok', signedIn, async (req, res) => {
    const p = principal(res);
    const form = req.body as Record<string, unknown>;
    const filters = searchFilters(form);
    const pnr = typeof form.personalIdentityNumber === 'string' ? form.personalIdentityNumber.trim() : '';
    const range = dateRange(filters);
    const body: Record<string, unknown> = { personalIdentityNumber: pnr, limit: pageSize, offset: offsetOf(form.offset) };
    for (const key of ['status', 'caseType', 'unit'] as const) if (filters[key]) body[key] = filters[key];
    if (range.from) body.from = range.from;
    if (range.to) body.to = range.to;
    if (filters.overdue) body.overdue = true;
    const page = async (status: number, extra: Partial<Parameters<typeof SearchPage>[0]>) =>
      send(res, status, <SearchPage ctx={ctxOf(res)} filters={filters} units={await unitsFor(req, res)} byPerson pnr={pnr} {...extra} />);
    if (hasRole(p, 'coordinator') && Object.keys(range.errors).length > 0) {
      await recordView(req, res, 400);
      return page(400, { errors: { message: sv.errors.validationSummary, fields: { ...schemaErrors(caseSearchBody, body), ...range.errors } } });
    }
    const result = await invoke<CaseSearchResult>('case.search', req, res, p, { body });
    if (!result.ok && (result.status === 403 || result.status === 404)) return refused(res, result);
    if (!result.ok) return page(result.status, { errors: { message: sv.errors.validationSummary, fields: fieldErrors(result) } });
    await page(200, { result: result.body });
  });

  /**
   * The person's corrections (coordinators): who corrected which field when, what it replaced and
   * what it became. Both reads are the person's data, each audited as subject.read; the page is
   * its own so that opening the case does not decrypt and log every replaced value.
   */
  router.get('/arenden/:caseId/person/rattelser', signedIn, async (req, res) => {
    const p = principal(res);
    const params = { caseId: req.params.caseId as string };
    const corrections = await invoke<SubjectCorrectionsBody>('subject.corrections', req, res, p, { params });
    if (!corrections.ok) return refused(res, corrections);
    const subject = await invoke<SubjectBody>('subject.read', req, res, p, { params });
    if (!subject.ok) return refused(res, subject);
    send(res, 200, <CorrectionsPage ctx={ctxOf(res)} caseId={params.caseId} subject={subject.body} corrections={corrections.body.items} />);
  });
}
