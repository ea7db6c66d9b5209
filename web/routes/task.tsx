import type { Request, Response, Router } from 'express';
import { policyByVersion } from '../../api/publishedVersions';
import { ErrorCode } from '../../domain/errors';
import { routedOutcome } from '../../api/useCases/routeFromTriage';
import { hasRole } from '../../domain/auth';
import { sv } from '../../domain/catalog';
import { formatDateTime, fromLocalInput } from '../format';
import type { Invocation } from '../invoke';
import type { PageKit } from '../kit';
import type { FormErrors } from '../views/forms';
import type { NoteItem } from '../views/notes';
import { TaskPage, type AssignmentItem, type TaskForm } from '../views/task';
import { assigneeOf, type PersonOption } from '../views/assignForm';
import { staffSeenWithinDays } from '../../api/useCases/unitPeople';
import { readCase } from './case';
import { routeChoices } from './planning';
import { personLabel } from '../views/person';

/** The task page shown again, with a notice or a refused form's errors next to it. */
export type ShowTask = (
  req: Request,
  res: Response,
  extra?: { status?: number; notice?: string; completeErrors?: FormErrors; extendErrors?: FormErrors; formErrors?: Partial<Record<TaskForm, FormErrors>> },
) => Promise<void>;

/** Uppgift: the task page and its forms (complete, extend, claim, release, assign, move, notes), each the operation its API call would be. */
export function taskRoutes(router: Router, kit: PageKit): ShowTask {
  const { base, deps, invoke, send, refused, notFound, ctxOf, principal, signedIn, fieldErrors } = kit;

  /**
   * The task page: read through the case (one audited case.read), with who holds it (named by the
   * staff directory in task.assignments) and its notes (each its own audited read, as the API's),
   * shown with the forms the caller's roles allow.
   */
  async function showTask(
    req: Request,
    res: Response,
    extra: { status?: number; notice?: string; completeErrors?: FormErrors; extendErrors?: FormErrors; formErrors?: Partial<Record<TaskForm, FormErrors>> } = {},
  ) {
    const result = await readCase(kit, req, res);
    if (!result.ok) return refused(res, result);
    const task = result.body.tasks.find((t) => t.taskId === req.params.taskId);
    // A task that is not in this case, or that the caller sees only in summary (another unit's,
    // by need to know), says no more than a missing case.
    if (!task || task.detail !== 'full') return notFound(res);
    const p = principal(res);
    const params = { taskId: task.taskId };
    const canAssign = hasRole(p, 'supervisor') && p.supervisedUnits.includes(task.unit);
    const assigning = canAssign && task.status === 'open';
    const [assignments, notes, units, people] = await Promise.all([
      invoke<{ items: AssignmentItem[] }>('task.assignments', req, res, p, { params }),
      invoke<{ items: NoteItem[] }>('task.note.list', req, res, p, { params, query: { limit: '200' } }),
      assigning ? invoke<{ items: Array<{ code: string; name: string }> }>('unit.list', req, res, p) : undefined,
      // Whom the task can be given to: the unit's people, each such read audited as unit.people.
      assigning ? invoke<{ items: PersonOption[]; seenWithinDays: number }>('unit.people', req, res, p, { params: { unitCode: task.unit } }) : undefined,
    ]);
    const stepOutcomes = (await policyByVersion(deps, result.body.caseType, result.body.policyVersion)).steps[task.stepKey]?.outcomes ?? [];
    // A triage task is routed by its own form, which starts the case: completing it "routed" by hand would start none.
    const outcomes = task.stepKey === 'triage' ? stepOutcomes.filter((o) => o !== routedOutcome) : stepOutcomes;
    send(
      res,
      extra.status ?? 200,
      <TaskPage
        ctx={ctxOf(res)}
        caseBody={result.body}
        task={task}
        outcomes={outcomes}
        canComplete={hasRole(p, 'staff') && p.units.includes(task.unit)}
        routeOnly={task.stepKey === 'triage' && result.body.subjectIsMinor === true}
        canExtend={canAssign}
        canClaim={hasRole(p, 'staff') && p.units.includes(task.unit)}
        canAssign={canAssign}
        canNote={notes.ok}
        route={task.stepKey === 'triage' && (hasRole(p, 'coordinator') || (hasRole(p, 'staff') && p.units.includes(task.unit))) ? routeChoices : undefined}
        units={units?.ok ? units.body.items : []}
        people={people?.ok ? people.body.items : []}
        seenWithinDays={people?.ok ? people.body.seenWithinDays : staffSeenWithinDays}
        assignments={assignments.ok ? assignments.body.items : undefined}
        notes={notes.ok ? notes.body.items : undefined}
        notice={extra.notice}
        completeErrors={extra.completeErrors}
        extendErrors={extra.extendErrors}
        formErrors={extra.formErrors}
      />,
    );
  }

  const taskNotices: Record<string, string> = {
    tagen: sv.task.claimed,
    lamnad: sv.task.released,
    tilldelad: sv.task.assigned,
    flyttad: sv.task.reassigned,
    anteckning: sv.notes.added,
  };

  router.get('/arenden/:caseId/uppgifter/:taskId', signedIn, async (req, res) => {
    const notice = req.query.klar === '1' ? sv.task.completed : req.query.forlangd === '1' ? sv.task.extended : taskNotices[String(req.query.klart ?? '')];
    await showTask(req, res, { notice });
  });

  const taskPath = (req: Request) => `${base}/arenden/${encodeURIComponent(req.params.caseId as string)}/uppgifter/${encodeURIComponent(req.params.taskId as string)}`;
  /** The API's answer to a task form that failed, as a message a person can act on. */
  async function taskFailure(req: Request, res: Response, result: Invocation<unknown> & { ok: false }, form: 'complete' | 'extend', values: Record<string, string>) {
    if (result.status === 404 || result.status === 403) return refused(res, result);
    let message: string = sv.errors.validationSummary;
    let fields = fieldErrors(result);
    if (result.status === 409 && result.error.code === 'TASK_CLAIMED') {
      message = sv.task.heldByOther;
      fields = {};
    } else if (result.status === 409) {
      // Who completed it and when: the case read (audited) says, where the caller may see it.
      const current = await readCase(kit, req, res);
      const found = current.ok ? current.body.tasks.find((t) => t.taskId === req.params.taskId) : undefined;
      const task = found?.detail === 'full' ? found : undefined;
      message = task?.completedBy && task.completedAt ? sv.task.alreadyCompleted(personLabel(task.completedBy, task.completedByName, principal(res).sub), formatDateTime(task.completedAt)) : sv.task.notOpen;
      fields = {};
    } else if (result.status === 422 && result.error.code === ErrorCode.ChildReportNeedsCase) {
      // A child's report goes on to a case: the route form above is the way, not an outcome.
      fields = { outcome: sv.task.childReportNeedsCase };
      message = sv.task.childReportNeedsCase;
    } else if (result.status === 422) {
      fields = form === 'complete' ? { outcome: sv.task.outcomeNotAllowed } : { newDueAt: sv.task.notLater };
    }
    const errors: FormErrors = { message, fields, values };
    await showTask(req, res, { status: result.status, ...(form === 'complete' ? { completeErrors: errors } : { extendErrors: errors }) });
  }

  router.post('/arenden/:caseId/uppgifter/:taskId/slutfor', signedIn, async (req, res) => {
    const form = req.body as Record<string, string | undefined>;
    const body = { outcome: form.outcome ?? '', ...(form.note?.trim() ? { note: form.note } : {}) };
    const result = await invoke('task.complete', req, res, principal(res), { params: { taskId: req.params.taskId as string }, body });
    if (!result.ok) return taskFailure(req, res, result, 'complete', { outcome: form.outcome ?? '', note: form.note ?? '' });
    res.redirect(303, `${taskPath(req)}?klar=1`);
  });

  router.post('/arenden/:caseId/uppgifter/:taskId/forlang', signedIn, async (req, res) => {
    const form = req.body as Record<string, string | undefined>;
    const body = { newDueAt: fromLocalInput(form.newDueAt) ?? '', justification: form.justification ?? '' };
    const result = await invoke('task.extend', req, res, principal(res), { params: { taskId: req.params.taskId as string }, body });
    if (!result.ok) return taskFailure(req, res, result, 'extend', { newDueAt: form.newDueAt ?? '', justification: form.justification ?? '' });
    res.redirect(303, `${taskPath(req)}?forlangd=1`);
  });

  /** A casework form on the task page that failed: its message next to the form, the page otherwise as it was. */
  async function taskFormFailure(req: Request, res: Response, result: Invocation<unknown> & { ok: false }, form: TaskForm, values: Record<string, string>, assigneeField?: string) {
    if (result.status === 404 || result.status === 403) return refused(res, result);
    let message: string = sv.errors.validationSummary;
    let fields = fieldErrors(result);
    // The API names `assignee`; on the page it came from the list or from the typed field.
    if (assigneeField && fields.assignee) {
      const { assignee, ...rest } = fields;
      fields = { ...rest, [assigneeField]: assignee };
    }
    if (result.error.code === 'TASK_CLAIMED') {
      message = sv.task.heldByOther;
      fields = {};
    } else if (result.status === 409) {
      message = sv.task.notOpen;
      fields = {};
    } else if (result.status === 422) {
      message = sv.task.reassignRefused;
      fields = { unitCode: sv.task.reassignRefused };
    }
    await showTask(req, res, { status: result.status, formErrors: { [form]: { message, fields, values } } });
  }

  const taskForms: Array<{ path: string; op: string; form: TaskForm; done: string; body: (form: Record<string, string | undefined>) => Record<string, unknown> }> = [
    { path: 'ta', op: 'task.claim', form: 'claim', done: 'tagen', body: () => ({}) },
    { path: 'lamna', op: 'task.release', form: 'claim', done: 'lamnad', body: () => ({}) },
    { path: 'tilldela', op: 'task.assign', form: 'assign', done: 'tilldelad', body: (f) => ({ assignee: assigneeOf(f).assignee }) },
    { path: 'flytta', op: 'task.reassign', form: 'reassign', done: 'flyttad', body: (f) => ({ unitCode: f.unitCode ?? '', reason: f.reason ?? '' }) },
    { path: 'anteckningar', op: 'task.note.add', form: 'note', done: 'anteckning', body: (f) => ({ text: f.text ?? '' }) },
  ];
  for (const f of taskForms) {
    router.post(`/arenden/:caseId/uppgifter/:taskId/${f.path}`, signedIn, async (req, res) => {
      const form = req.body as Record<string, string | undefined>;
      const values = Object.fromEntries(Object.entries(form).filter(([k, v]) => k !== '_csrf' && typeof v === 'string')) as Record<string, string>;
      // Assigning: a person chosen from the list, or a typed id (not both, not neither), said next to the field.
      const chosen = f.op === 'task.assign' ? assigneeOf(form) : undefined;
      if (chosen?.problem) return showTask(req, res, { status: 400, formErrors: { assign: { message: sv.errors.validationSummary, fields: { [chosen.field]: chosen.problem }, values } } });
      const body = chosen ? { assignee: chosen.assignee } : f.body(form);
      const result = await invoke(f.op, req, res, principal(res), { params: { taskId: req.params.taskId as string }, body });
      if (!result.ok) return taskFormFailure(req, res, result, f.form, values, chosen?.field);
      // A task moved to another unit may be out of the caller's sight now: the case page says what is left.
      if (f.op === 'task.reassign' && !hasRole(principal(res), 'coordinator')) {
        const after = await readCase(kit, req, res);
        const still = after.ok && after.body.tasks.some((t) => t.taskId === req.params.taskId && t.detail === 'full');
        if (!still) return res.redirect(303, after.ok ? `${base}/arenden/${encodeURIComponent(req.params.caseId as string)}?klart=flyttad` : `${base}/inkorg?klart=flyttad`);
      }
      res.redirect(303, `${taskPath(req)}?klart=${f.done}`);
    });
  }

  return showTask;
}
