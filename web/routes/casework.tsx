import { jointPlanCaseTypes } from '../../domain/messages';
import type { Request, Response, Router } from 'express';
import type { CaseBody } from '../../api/views/case';
import { policyByVersion } from '../../api/publishedVersions';
import { routedOutcome } from '../../api/useCases/routeFromTriage';
import { hasRole, visibleUnits } from '../../domain/auth';
import { formatDateTime, fromLocalInput } from '../format';
import type { Invocation } from '../invoke';
import type { PageKit } from '../kit';
import type { SubjectBody } from '../../api/views/subject';
import { reopenableSteps } from '../../domain/caseClosing';
import { named, reopenRefusalText, sv } from '../../domain/catalog';
import { CasePage, type CaseAbilities, type CaseForm } from '../views/case';
import type { CaseEventItem } from '../views/timeline';
import { InboxPage, InboxTable, type InboxData, type InboxFilters } from '../views/inbox';
import type { NoteItem } from '../views/notes';
import type { FormErrors } from '../views/forms';
import { TaskPage, type AssignmentItem, type TaskForm } from '../views/task';
import type { PlanUnit } from '../views/planning';
import { planningRoutes, routeChoices } from './planning';

/** Inkorg, Ärende (with consent) and Uppgift: each page the operation its API call would be. */
export function caseworkRoutes(router: Router, kit: PageKit): void {
  const { base, deps, invoke, send, sendFragment, refused, notFound, ctxOf, principal, signedIn, fieldErrors } = kit;

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

  const readCase = (req: Request, res: Response) => invoke<CaseBody>('case.read', req, res, principal(res), { params: { caseId: req.params.caseId as string } });

  /**
   * The case page: the case (audited case.read), the person where the caller has need to know
   * (subject.read, audited; its 404 means no need to know, and the page shows nothing of them),
   * and the case's notes.
   */
  async function showCase(req: Request, res: Response, extra: { status?: number; notice?: string; errors?: Partial<Record<CaseForm, FormErrors>> } = {}) {
    const result = await readCase(req, res);
    if (!result.ok) return refused(res, result);
    const p = principal(res);
    const c = result.body;
    const params = { caseId: c.caseId };
    const coordinator = hasRole(p, 'coordinator');
    // Coordinators add joint-plan tasks to an open SIG or exit case: to one of the active units.
    const plans = coordinator && c.status === 'open' && jointPlanCaseTypes.includes(c.caseType);
    const [subject, notes, events, units] = await Promise.all([
      invoke<SubjectBody>('subject.read', req, res, p, { params }),
      invoke<{ items: NoteItem[] }>('case.note.list', req, res, p, { params, query: { limit: '200' } }),
      coordinator ? invoke<{ items: CaseEventItem[] }>('case.events', req, res, p, { params }) : undefined,
      plans ? invoke<{ items: PlanUnit[] }>('unit.list', req, res, p) : undefined,
    ]);
    // Staff of a unit holding a task that shares the case (the operations' caseTaskHolder scope).
    const holdsTask = hasRole(p, 'staff') && c.tasks.some((t) => t.detail === 'full' && p.units.includes(t.unit) && !['waiting-for-consent', 'withdrawn', 'not-shared'].includes(t.status));
    let reopenSteps: string[] = [];
    if (coordinator && c.status === 'closed') {
      const policy = await policyByVersion(deps, c.caseType, c.policyVersion);
      reopenSteps = reopenableSteps[c.caseType].filter((step) => policy.steps[step]);
    }
    const can: CaseAbilities = {
      manageConsent: coordinator,
      closeAndReopen: coordinator,
      reopenSteps,
      addNote: coordinator || holdsTask,
      raiseAcuteThreat: coordinator || holdsTask,
      planUnits: units?.ok ? units.body.items : undefined,
    };
    send(
      res,
      extra.status ?? 200,
      <CasePage ctx={ctxOf(res)} caseBody={c} can={can} subject={subject.ok ? subject.body : undefined} notes={notes.ok ? notes.body.items : undefined} caseEvents={events?.ok ? events.body.items : undefined} notice={extra.notice} errors={extra.errors} />,
    );
  }
  const caseNotices: Record<string, string> = { registrerat: sv.intake.started, samtycke: sv.consent.recorded, nekat: sv.consent.refusedRecorded, aterkallat: sv.consent.withdrawn,
    flyttad: sv.task.reassigned,
    anteckning: sv.notes.added,
    avslutat: sv.closeCase.done,
    ateroppnat: sv.reopenCase.done,
    akut: sv.acuteThreat.done,
    skyddat: sv.protectCase.markedDone,
    rattad: sv.subject.correctedDone,
    oskyddat: sv.protectCase.unmarkedDone,
    styrt: sv.triageRoute.done,
    planerad: sv.jointPlan.done,
  };

  // A coordinator corrects the person: only the fields filled in are sent, so a blank one changes nothing.
  router.post('/arenden/:caseId/person', signedIn, async (req, res) => {
    const form = req.body as Record<string, unknown>;
    const values: Record<string, string> = {};
    const body: Record<string, unknown> = {};
    for (const name of ['displayName', 'personalIdentityNumber', 'ageYears', 'contact', 'address', 'narrative']) {
      const value = typeof form[name] === 'string' ? (form[name] as string).trim() : '';
      if (!value) continue;
      values[name] = value;
      // Digits become the number the operation takes; anything else goes as typed, for it to name.
      body[name] = name === 'ageYears' && /^\d{1,3}$/.test(value) ? Number(value) : value;
    }
    const caseId = req.params.caseId as string;
    const result = await invoke('subject.correct', req, res, principal(res), { params: { caseId }, body });
    if (result.ok) return res.redirect(303, `${base}/arenden/${encodeURIComponent(caseId)}?klart=rattad`);
    if (result.status === 404 || result.status === 403) return refused(res, result);
    const fields = fieldErrors(result);
    const fieldNamed = Object.keys(fields).some((f) => f in values);
    const message = result.status === 409 ? sv.subject.gone : fieldNamed ? sv.errors.validationSummary : sv.subject.nothingToCorrect;
    await showCase(req, res, { status: result.status, errors: { subject: { message, fields: fieldNamed ? fields : {}, values } } });
  });

  // Coordinators mark (or unmark) protected identity: one button, the state to set in the form.
  router.post('/arenden/:caseId/skyddade-uppgifter', signedIn, async (req, res) => {
    const mark = (req.body as Record<string, unknown>).protectedIdentity === 'true';
    const result = await invoke('case.protect', req, res, principal(res), { params: { caseId: req.params.caseId as string }, body: { protectedIdentity: mark } });
    if (!result.ok) return refused(res, result);
    res.redirect(303, `${base}/arenden/${encodeURIComponent(req.params.caseId as string)}?klart=${mark ? 'skyddat' : 'oskyddat'}`);
  });

  /** The case page's casework forms: each one operation, its failure shown next to its form. */
  const caseForms: Array<{ path: string; op: string; form: CaseForm; done: string; body: (form: Record<string, string | undefined>) => Record<string, unknown> }> = [
    { path: 'anteckningar', op: 'case.note.add', form: 'note', done: 'anteckning', body: (f) => ({ text: f.text ?? '' }) },
    { path: 'avsluta', op: 'case.close', form: 'close', done: 'avslutat', body: (f) => ({ reason: f.reason ?? '' }) },
    { path: 'ateroppna', op: 'case.reopen', form: 'reopen', done: 'ateroppnat', body: (f) => ({ fromStep: f.fromStep ?? '', reason: f.reason ?? '' }) },
    { path: 'akut-hot', op: 'case.acute-threat', form: 'acute', done: 'akut', body: (f) => ({ reason: f.reason ?? '' }) },
  ];
  for (const f of caseForms) {
    router.post(`/arenden/:caseId/${f.path}`, signedIn, async (req, res) => {
      const form = req.body as Record<string, string | undefined>;
      const result = await invoke(f.op, req, res, principal(res), { params: { caseId: req.params.caseId as string }, body: f.body(form) });
      if (result.ok) return res.redirect(303, `${base}/arenden/${encodeURIComponent(req.params.caseId as string)}?klart=${f.done}`);
      if (result.status === 404 || result.status === 403) return refused(res, result);
      const values = Object.fromEntries(Object.entries(form).filter(([k, v]) => k !== '_csrf' && typeof v === 'string')) as Record<string, string>;
      let message: string = sv.errors.validationSummary;
      let fields = fieldErrors(result);
      if (result.status === 409) {
        message = f.form === 'close' ? sv.closeCase.notOpen : sv.acuteThreat.closed;
        fields = {};
      } else if (result.status === 422) {
        message = f.form === 'reopen' ? named(reopenRefusalText, result.error.reason ?? '') : sv.acuteThreat.noStep;
        fields = f.form === 'reopen' && result.error.reason === 'step' ? { fromStep: message } : {};
      }
      await showCase(req, res, { status: result.status, errors: { [f.form]: { message, fields, values } } });
    });
  }

  router.get('/arenden/:caseId', signedIn, async (req, res) => {
    await showCase(req, res, { notice: caseNotices[String(req.query.klart ?? '')] });
  });

  router.post('/arenden/:caseId/samtycken', signedIn, async (req, res) => {
    const form = req.body as Record<string, string | undefined>;
    const body = {
      personRole: form.personRole ?? '',
      ...(form.personName?.trim() ? { personName: form.personName } : {}),
      receivingAgency: form.receivingAgency ?? '',
      purpose: form.purpose ?? '',
    };
    // A refusal is recorded too: the case goes on without that agency, and a task waiting for it ends.
    const refusal = form.answer === 'refused';
    const result = await invoke(refusal ? 'consent.refuse' : 'consent.record', req, res, principal(res), { params: { caseId: req.params.caseId as string }, body });
    const casePath = `${base}/arenden/${encodeURIComponent(req.params.caseId as string)}`;
    if (result.ok) return res.redirect(303, `${casePath}?klart=${refusal ? 'nekat' : 'samtycke'}`);
    if (result.status === 404 || result.status === 403) return refused(res, result);
    const message = result.status === 409 ? sv.consent.closed : sv.errors.validationSummary;
    await showCase(req, res, { status: result.status, errors: { consent: { message, fields: fieldErrors(result), values: form as Record<string, string> } } });
  });

  router.post('/arenden/:caseId/samtycken/:consentId/aterkalla', signedIn, async (req, res) => {
    const params = { caseId: req.params.caseId as string, consentId: req.params.consentId as string };
    const result = await invoke('consent.withdraw', req, res, principal(res), { params });
    if (!result.ok && (result.status === 404 || result.status === 403)) return refused(res, result);
    if (!result.ok) return showCase(req, res, { status: result.status, errors: { consent: { message: sv.consent.closed } } });
    res.redirect(303, `${base}/arenden/${encodeURIComponent(params.caseId)}?klart=aterkallat`);
  });

  /**
   * The task page: read through the case (one audited case.read), with who holds it and its notes
   * (each its own audited read, as the API's), shown with the forms the caller's roles allow.
   */
  async function showTask(
    req: Request,
    res: Response,
    extra: { status?: number; notice?: string; completeErrors?: FormErrors; extendErrors?: FormErrors; formErrors?: Partial<Record<TaskForm, FormErrors>> } = {},
  ) {
    const result = await readCase(req, res);
    if (!result.ok) return refused(res, result);
    const task = result.body.tasks.find((t) => t.taskId === req.params.taskId);
    // A task that is not in this case, or that the caller sees only in summary (another unit's,
    // by need to know), says no more than a missing case.
    if (!task || task.detail !== 'full') return notFound(res);
    const p = principal(res);
    const params = { taskId: task.taskId };
    const canAssign = hasRole(p, 'supervisor') && p.supervisedUnits.includes(task.unit);
    const [assignments, notes, units] = await Promise.all([
      invoke<{ items: AssignmentItem[] }>('task.assignments', req, res, p, { params }),
      invoke<{ items: NoteItem[] }>('task.note.list', req, res, p, { params, query: { limit: '200' } }),
      canAssign && task.status === 'open' ? invoke<{ items: Array<{ code: string; name: string }> }>('unit.list', req, res, p) : undefined,
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
        canExtend={canAssign}
        canClaim={hasRole(p, 'staff') && p.units.includes(task.unit)}
        canAssign={canAssign}
        canNote={notes.ok}
        route={task.stepKey === 'triage' && (hasRole(p, 'coordinator') || (hasRole(p, 'staff') && p.units.includes(task.unit))) ? routeChoices : undefined}
        units={units?.ok ? units.body.items : []}
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
      const current = await readCase(req, res);
      const found = current.ok ? current.body.tasks.find((t) => t.taskId === req.params.taskId) : undefined;
      const task = found?.detail === 'full' ? found : undefined;
      message = task?.completedBy && task.completedAt ? sv.task.alreadyCompleted(task.completedBy, formatDateTime(task.completedAt)) : sv.task.notOpen;
      fields = {};
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
  async function taskFormFailure(req: Request, res: Response, result: Invocation<unknown> & { ok: false }, form: TaskForm, values: Record<string, string>) {
    if (result.status === 404 || result.status === 403) return refused(res, result);
    let message: string = sv.errors.validationSummary;
    let fields = fieldErrors(result);
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
    { path: 'tilldela', op: 'task.assign', form: 'assign', done: 'tilldelad', body: (f) => ({ assignee: (f.assignee ?? '').trim() }) },
    { path: 'flytta', op: 'task.reassign', form: 'reassign', done: 'flyttad', body: (f) => ({ unitCode: f.unitCode ?? '', reason: f.reason ?? '' }) },
    { path: 'anteckningar', op: 'task.note.add', form: 'note', done: 'anteckning', body: (f) => ({ text: f.text ?? '' }) },
  ];
  for (const f of taskForms) {
    router.post(`/arenden/:caseId/uppgifter/:taskId/${f.path}`, signedIn, async (req, res) => {
      const form = req.body as Record<string, string | undefined>;
      const result = await invoke(f.op, req, res, principal(res), { params: { taskId: req.params.taskId as string }, body: f.body(form) });
      const values = Object.fromEntries(Object.entries(form).filter(([k, v]) => k !== '_csrf' && typeof v === 'string')) as Record<string, string>;
      if (!result.ok) return taskFormFailure(req, res, result, f.form, values);
      // A task moved to another unit may be out of the caller's sight now: the case page says what is left.
      if (f.op === 'task.reassign' && !hasRole(principal(res), 'coordinator')) {
        const after = await readCase(req, res);
        const still = after.ok && after.body.tasks.some((t) => t.taskId === req.params.taskId && t.detail === 'full');
        if (!still) return res.redirect(303, after.ok ? `${base}/arenden/${encodeURIComponent(req.params.caseId as string)}?klart=flyttad` : `${base}/inkorg?klart=flyttad`);
      }
      res.redirect(303, `${taskPath(req)}?klart=${f.done}`);
    });
  }

  planningRoutes(router, kit, { showCase, showTask });
}
