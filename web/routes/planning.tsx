import type { Request, Response, Router } from 'express';
import { routeTriageBody } from '../../api/schemas';
import { sv } from '../../domain/catalog';
import { ErrorCode } from '../../domain/errors';
import type { Invocation } from '../invoke';
import type { PageKit } from '../kit';
import type { CaseForm } from '../views/case';
import type { RouteChoices } from '../views/planning';
import type { FormErrors } from '../views/forms';
import type { TaskForm } from '../views/task';

/** The choices the route form offers are the ones the operation's body accepts. */
export const routeChoices: RouteChoices = {
  caseTypes: routeTriageBody.shape.caseType.options,
  tracks: routeTriageBody.shape.tracks.unwrap().element.options,
};

/** The case and task pages, shown again with a refused form's errors next to it. */
export interface CaseworkPages {
  showCase(req: Request, res: Response, extra: { status?: number; errors?: Partial<Record<CaseForm, FormErrors>> }): Promise<void>;
  showTask(req: Request, res: Response, extra: { status?: number; formErrors?: Partial<Record<TaskForm, FormErrors>> }): Promise<void>;
}

/** Each field the operation named (`tracks.0` is the tracks field), with this form's Swedish message for it. */
function fieldsNamed(result: Invocation<unknown> & { ok: false }, messages: Record<string, string>): Record<string, string> {
  return Object.fromEntries((result.error.fields ?? []).map((f) => f.field.split('.')[0] as string).map((field) => [field, messages[field] ?? sv.validation[field] ?? sv.validation.other]));
}

/** Routing a triage task (Uppgift) and adding a joint-plan task (Ärende): each one operation, as its API call. */
export function planningRoutes(router: Router, kit: PageKit, pages: CaseworkPages): void {
  const { base, invoke, refused, principal, signedIn } = kit;

  // The referral becomes the chosen case; the coordinator lands on it.
  router.post('/arenden/:caseId/uppgifter/:taskId/styr', signedIn, async (req, res) => {
    const form = req.body as Record<string, string | string[] | undefined>;
    const caseType = typeof form.caseType === 'string' ? form.caseType : '';
    // One ticked box comes as a string, several as an array.
    const tracks = [form.tracks ?? []].flat().filter((t) => t !== '');
    const result = await invoke<{ case: { caseId: string } }>('triage.route', req, res, principal(res), { params: { taskId: req.params.taskId as string }, body: { caseType, tracks } });
    if (result.ok) return res.redirect(303, `${base}/arenden/${encodeURIComponent(result.body.case.caseId)}?klart=styrt`);
    if (result.status === 404 || result.status === 403) return refused(res, result);
    const r = sv.triageRoute;
    let message: string = sv.errors.validationSummary;
    let fields = fieldsNamed(result, r.fields);
    if (result.status === 409) {
      message = result.error.code === ErrorCode.TaskClaimed ? sv.task.heldByOther : sv.task.notOpen;
      fields = {};
    } else if (result.status === 422) {
      const noPolicy = result.error.code === ErrorCode.PolicyNotFound;
      const byCode: Partial<Record<string, string>> = { [ErrorCode.PolicyNotFound]: r.noPolicy, [ErrorCode.AgencyNotFound]: r.agencyNotFound, [ErrorCode.IdempotencyKeyReused]: r.routedOtherwise };
      message = byCode[result.error.code] ?? r.notTriage;
      fields = noPolicy ? { caseType: r.noPolicy } : {};
    }
    await pages.showTask(req, res, { status: result.status, formErrors: { route: { message, fields, values: { caseType, tracks: tracks.join(',') } } } });
  });

  // A task for a unit in the case's joint plan; the coordinator comes back to the case, the task listed.
  router.post('/arenden/:caseId/planuppgifter', signedIn, async (req, res) => {
    const form = req.body as Record<string, string | undefined>;
    const unitCode = typeof form.unitCode === 'string' ? form.unitCode : '';
    const about = typeof form.about === 'string' ? form.about : '';
    const caseId = req.params.caseId as string;
    const body = { unitCode, ...(about.trim() ? { about } : {}) };
    const result = await invoke('case.plan.add', req, res, principal(res), { params: { caseId }, body });
    if (result.ok) return res.redirect(303, `${base}/arenden/${encodeURIComponent(caseId)}?klart=planerad`);
    if (result.status === 404 || result.status === 403) return refused(res, result);
    const j = sv.jointPlan;
    let message: string = sv.errors.validationSummary;
    let fields = fieldsNamed(result, j.fields);
    if (result.status === 409) {
      message = j.notOpen;
      fields = {};
    } else if (result.status === 422) {
      const code = result.error.code;
      message = code === ErrorCode.UnitInactive ? j.unitInactive : code === ErrorCode.UnitNotFound ? j.unitNotFound : j.notAllowed;
      fields = code === ErrorCode.UnitInactive || code === ErrorCode.UnitNotFound ? { unitCode: message } : {};
    }
    await pages.showCase(req, res, { status: result.status, errors: { plan: { message, fields, values: { unitCode, about } } } });
  });
}
