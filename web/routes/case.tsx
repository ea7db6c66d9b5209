import type { Request, Response, Router } from 'express';
import { jointPlanCaseTypes } from '../../domain/messages';
import type { CaseBody } from '../../api/views/case';
import type { SubjectBody } from '../../api/views/subject';
import { policyByVersion } from '../../api/publishedVersions';
import { hasRole } from '../../domain/auth';
import { ErrorCode } from '../../domain/errors';
import { reopenableSteps } from '../../domain/caseClosing';
import { named, reopenRefusalText, sv } from '../../domain/catalog';
import type { PageKit } from '../kit';
import { CasePage, type CaseAbilities, type CaseForm } from '../views/case';
import { clearableFields, clearName } from '../views/subject';
import type { FormErrors } from '../views/forms';
import type { NoteItem } from '../views/notes';
import type { PlanUnit } from '../views/planning';
import { catalogAgencies, consentAgencyChoices, type AgencyOption } from '../views/consents';
import type { CaseEventItem } from '../views/timeline';

/** The catalog's agencies, by code and name. */

/** The case the path names, read as the API would (audited case.read): the case and task pages both start here. */
export const readCase = ({ invoke, principal }: PageKit, req: Request, res: Response) =>
  invoke<CaseBody>('case.read', req, res, principal(res), { params: { caseId: req.params.caseId as string } });

/** The case page shown again, with a notice or a refused form's errors next to it. */
export type ShowCase = (req: Request, res: Response, extra?: { status?: number; notice?: string; errors?: Partial<Record<CaseForm, FormErrors>> }) => Promise<void>;

/** Ärende: the case page and its forms (the person, protected identity, notes, closing, acute threat, consent), each the operation its API call would be. */
export function caseRoutes(router: Router, kit: PageKit): ShowCase {
  const { base, deps, invoke, send, refused, ctxOf, principal, signedIn, fieldErrors } = kit;

  /**
   * The case page: the case (audited case.read), the person where the caller has need to know
   * (subject.read, audited; its 404 means no need to know, and the page shows nothing of them),
   * and the case's notes.
   */
  async function showCase(req: Request, res: Response, extra: { status?: number; notice?: string; errors?: Partial<Record<CaseForm, FormErrors>> } = {}) {
    const result = await readCase(kit, req, res);
    if (!result.ok) return refused(res, result);
    const p = principal(res);
    const c = result.body;
    const params = { caseId: c.caseId };
    const coordinator = hasRole(p, 'coordinator');
    // Coordinators record consent on a case not closed, for any agency of the registry; the units say which agencies its tasks involve.
    const consents = coordinator && c.status !== 'closed';
    // Coordinators add joint-plan tasks to an open SIG or exit case: to one of the active units.
    const plans = consents && c.status === 'open' && jointPlanCaseTypes.includes(c.caseType);
    const [subject, notes, events, units, agencies] = await Promise.all([
      invoke<SubjectBody>('subject.read', req, res, p, { params }),
      invoke<{ items: NoteItem[] }>('case.note.list', req, res, p, { params, query: { limit: '200' } }),
      coordinator ? invoke<{ items: CaseEventItem[] }>('case.events', req, res, p, { params }) : undefined,
      consents ? invoke<{ items: PlanUnit[] }>('unit.list', req, res, p) : undefined,
      consents ? invoke<{ items: AgencyOption[] }>('agency.list', req, res, p) : undefined,
    ]);
    const unitItems = units?.ok ? units.body.items : undefined;
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
      planUnits: plans ? unitItems : undefined,
      // Should the registry not answer, the catalog's agencies are offered, as before there was one to ask.
      consentAgencies: consents ? consentAgencyChoices(c, agencies?.ok ? agencies.body.items : catalogAgencies(), unitItems ?? []) : undefined,
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

  // A coordinator corrects the person: only the fields filled in are sent, so a blank one changes
  // nothing; a field marked "Töm fältet" is sent as null, which empties it.
  router.post('/arenden/:caseId/person', signedIn, async (req, res) => {
    const form = req.body as Record<string, unknown>;
    const values: Record<string, string> = {};
    const body: Record<string, unknown> = {};
    const both: Record<string, string> = {};
    for (const name of ['displayName', 'personalIdentityNumber', 'ageYears', 'contact', 'address', 'narrative']) {
      const value = typeof form[name] === 'string' ? (form[name] as string).trim() : '';
      const clear = name in clearableFields && form[clearName(name)] === 'true';
      if (clear) values[clearName(name)] = 'true';
      if (value) values[name] = value;
      // Which of the two was meant is the coordinator's to say: the message names neither value.
      if (clear && value) both[name] = sv.subject.clearAndFilled;
      else if (clear) body[name] = null;
      // Digits become the number the operation takes; anything else goes as typed, for it to name.
      else if (value) body[name] = name === 'ageYears' && /^\d{1,3}$/.test(value) ? Number(value) : value;
    }
    const caseId = req.params.caseId as string;
    if (Object.keys(both).length) return showCase(req, res, { status: 400, errors: { subject: { message: sv.errors.validationSummary, fields: both, values } } });
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
    // An agency gone from the registry (or never in it) is named next to the agency field.
    const fields = result.error.code === ErrorCode.AgencyNotFound ? { receivingAgency: sv.consent.agencyNotFound } : fieldErrors(result);
    await showCase(req, res, { status: result.status, errors: { consent: { message, fields, values: form as Record<string, string> } } });
  });

  router.post('/arenden/:caseId/samtycken/:consentId/aterkalla', signedIn, async (req, res) => {
    const params = { caseId: req.params.caseId as string, consentId: req.params.consentId as string };
    const result = await invoke('consent.withdraw', req, res, principal(res), { params });
    if (!result.ok && (result.status === 404 || result.status === 403)) return refused(res, result);
    if (!result.ok) return showCase(req, res, { status: result.status, errors: { consent: { message: sv.consent.closed } } });
    res.redirect(303, `${base}/arenden/${encodeURIComponent(params.caseId)}?klart=aterkallat`);
  });

  return showCase;
}
