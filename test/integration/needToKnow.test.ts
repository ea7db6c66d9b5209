import { publishPolicy } from '../../prisma/seed';
import { sharingSigPolicy } from '../support/policies';
import { eventually, startStack, type Stack } from '../support/stack';
import type { Identity } from '../support/tokens';

/**
 * The need-to-know matrix (README "Access"), on the real stack. One SIG case per consent state and
 * subject holds two tasks of the police: the police contribution (police-local), resting on consent
 * to share with the police for "sig", and an acute-threat assessment (police-safety), resting on a
 * legal basis. Social services' action plan (soc-adults) rests on a consent in force in every case.
 * Every caller is checked against every case: which fields of GET /cases/:id, which list entries.
 */

const consentStates = ['none', 'granted', 'withdrawn by the subject', 'withdrawn by a guardian', 'expired', 'granted for another purpose'] as const;
type ConsentState = (typeof consentStates)[number];
const subjects = ['minor', 'adult'] as const;
type Subject = (typeof subjects)[number];

/** The one rule, as the README's table states it: is sharing with the police for "sig" in force? */
const policeConsentInForce: Record<ConsentState, Record<Subject, boolean>> = {
  none: { minor: false, adult: false },
  granted: { minor: true, adult: true },
  'withdrawn by the subject': { minor: false, adult: false },
  // An adult's consent is their own: a guardian's withdrawal does not end it.
  'withdrawn by a guardian': { minor: false, adult: true },
  expired: { minor: false, adult: false },
  'granted for another purpose': { minor: false, adult: false },
};

const callers = {
  coordinator: { sub: 'ntk-coordinator', roles: ['coordinator'] },
  'staff of the consent task unit': { sub: 'ntk-staff-local', roles: ['staff'], units: ['police-local'] },
  'supervisor of the consent task unit': { sub: 'ntk-sup-local', roles: ['supervisor'], supervisedUnits: ['police-local'] },
  'staff of the legal-basis task unit': { sub: 'ntk-staff-safety', roles: ['staff'], units: ['police-safety'] },
  'supervisor of the legal-basis task unit': { sub: 'ntk-sup-safety', roles: ['supervisor'], supervisedUnits: ['police-safety'] },
  'another unit of the same agency': { sub: 'ntk-staff-exit', roles: ['staff', 'supervisor'], units: ['police-exit'], supervisedUnits: ['police-exit'] },
  'another agency': { sub: 'ntk-staff-adults', roles: ['staff'], units: ['soc-adults'] },
  auditor: { sub: 'ntk-auditor', roles: ['auditor'] },
} satisfies Record<string, Identity>;
type Caller = keyof typeof callers;

const fullTaskFields = [
  'detail', 'taskId', 'stepKey', 'unit', 'status', 'startedAt', 'dueAt', 'originalDueAt', 'overdue', 'overdueSeconds', 'clock', 'openReason', 'openedBy',
  'openedByName', 'endedAt', 'legalBasis', 'consent', 'withdrawnAt', 'outcome', 'completedBy', 'completedByName', 'completedAt', 'extensions', 'escalations', 'notifications',
].sort();
const summaryFields = ['detail', 'dueAt', 'status', 'stepKey', 'taskId'];

type Steps = 'actionPlan' | 'policeContribution' | 'acuteThreatAssessment';
/** What a caller should get: 404/403, or which tasks in full and in summary, and whose consents. */
type Expected =
  | { status: 403 | 404 }
  | { status: 200; view: 'whole' | 'need-to-know'; full: Steps[]; summary: Steps[]; consentsTo: string[] | 'all'; listed: Steps[] };

/** The matrix's expectations, row by row: the README "Access" table. */
function expectedFor(caller: Caller, shared: boolean): Expected {
  const police = shared ? (['policeContribution'] as Steps[]) : [];
  switch (caller) {
    case 'coordinator':
      return { status: 200, view: 'whole', full: ['policeContribution', 'actionPlan', 'acuteThreatAssessment'], summary: [], consentsTo: 'all', listed: ['policeContribution', 'actionPlan', 'acuteThreatAssessment'] };
    case 'staff of the consent task unit':
    case 'supervisor of the consent task unit':
      // Consent in force: its own task in full, the others' as step, status and due date.
      return shared
        ? { status: 200, view: 'need-to-know', full: ['policeContribution'], summary: ['actionPlan', 'acuteThreatAssessment'], consentsTo: ['police'], listed: ['policeContribution'] }
        : { status: 404 };
    case 'staff of the legal-basis task unit':
    case 'supervisor of the legal-basis task unit':
      // A legal basis opens the task it rests on, to its unit, and nothing else.
      return { status: 200, view: 'need-to-know', full: ['acuteThreatAssessment'], summary: [], consentsTo: ['police'], listed: ['acuteThreatAssessment'] };
    case 'another unit of the same agency':
      return { status: 404 };
    case 'another agency':
      return { status: 200, view: 'need-to-know', full: ['actionPlan'], summary: [...police, 'acuteThreatAssessment'], consentsTo: ['social-services'], listed: ['actionPlan'] };
    case 'auditor':
      return { status: 403 };
  }
}

interface Fixture {
  state: ConsentState;
  subject: Subject;
  caseId: string;
}

describe('need to know: who sees what of a case, by consent state, subject and basis', () => {
  let stack: Stack;
  const fixtures: Fixture[] = [];

  const consent = async (caseId: string, body: Record<string, unknown>) =>
    (await stack.api.post(`/cases/${caseId}/consents`).send({ receivingAgency: 'police', purpose: 'sig', ...body }).expect(201)).body.consentId as string;
  const taskOf = async (caseId: string, stepKey: string, status?: string) =>
    eventually(`${stepKey} ${status ?? ''} on ${caseId}`, () => stack.db.prisma.task.findFirst({ where: { caseId, stepKey, ...(status ? { status } : {}) } }), 90_000);

  /** One case in one consent state: built once, then every caller is checked against it. */
  async function build(state: ConsentState, subject: Subject): Promise<Fixture> {
    const minor = subject === 'minor';
    const { body } = await stack.api
      .post('/cases')
      .send({ caseType: 'social-intervention-group', referral: { sourceAgency: 'police', category: 'threat', subject: { ageYears: minor ? 16 : 30, guardians: 1 } } })
      .expect(201);
    const caseId = body.caseId as string;
    // Social services' consent is in force in every case (its action plan opens).
    await consent(caseId, { personRole: 'subject', receivingAgency: 'social-services' });
    if (minor) await consent(caseId, { personRole: 'guardian', receivingAgency: 'social-services', personName: 'Vårdnadshavare Testsson' });
    const both = async (extra: Record<string, unknown> = {}) => ({
      subject: await consent(caseId, { personRole: 'subject', ...extra }),
      guardian: await consent(caseId, { personRole: 'guardian', personName: 'Vårdnadshavare Testsson', ...extra }),
    });
    switch (state) {
      case 'none':
        break;
      case 'granted':
        await both();
        await taskOf(caseId, 'policeContribution', 'open');
        break;
      case 'withdrawn by the subject':
      case 'withdrawn by a guardian': {
        const ids = await both();
        await taskOf(caseId, 'policeContribution', 'open');
        const withdrawn = state === 'withdrawn by the subject' ? ids.subject : ids.guardian;
        await stack.api.post(`/cases/${caseId}/consents/${withdrawn}/withdraw`).expect(200);
        // The workflow withdraws the task when the rule says sharing ended (not for an adult's guardian).
        if (state === 'withdrawn by the subject' || minor) await taskOf(caseId, 'policeContribution', 'withdrawn');
        break;
      }
      case 'expired': {
        await both({ expiresAt: new Date(Date.now() + 20_000).toISOString() });
        await taskOf(caseId, 'policeContribution', 'open');
        await taskOf(caseId, 'policeContribution', 'withdrawn');
        break;
      }
      case 'granted for another purpose':
        await both({ purpose: 'exit' });
        break;
    }
    await stack.api.post(`/cases/${caseId}/acute-threats`).send({ reason: 'hot mot familjen' }).expect(201);
    await taskOf(caseId, 'actionPlan', 'open');
    await taskOf(caseId, 'acuteThreatAssessment', 'open');
    await taskOf(caseId, 'policeContribution');
    return { state, subject, caseId };
  }

  beforeAll(async () => {
    stack = await startStack('need-to-know');
    await publishPolicy(stack.db.prisma, sharingSigPolicy('matrix-1'));
    const built = await Promise.all(consentStates.flatMap((state) => subjects.map((subject) => build(state, subject))));
    fixtures.push(...built);
  }, 300_000);
  afterAll(async () => {
    await stack.teardown();
  });

  const rows = consentStates.flatMap((state) =>
    subjects.flatMap((subject) => (Object.keys(callers) as Caller[]).map((caller) => ({ state, subject, caller, shared: policeConsentInForce[state][subject] }))),
  );

  it.each(rows)('when the consent is "$state" for a $subject and the $caller reads the case, then they get exactly what the table says', async ({ state, subject, caller, shared }) => {
    const fixture = fixtures.find((f) => f.state === state && f.subject === subject)!;
    const expected = expectedFor(caller, shared);
    const res = await stack.as(callers[caller]).get(`/cases/${fixture.caseId}`);
    expect(res.status).toBe(expected.status);
    if (expected.status !== 200) return;

    const view = res.body as {
      view: string;
      routing: unknown;
      guardians: number | null;
      tasks: Array<Record<string, unknown> & { stepKey: Steps; detail: string; notifications?: Array<{ kind: string }> }>;
      consents: Array<{ receivingAgency: string }>;
    };
    expect(view.view).toBe(expected.view);
    const tasks = view.tasks;
    expect(tasks.filter((t) => t.detail === 'full').map((t) => t.stepKey).sort()).toEqual([...expected.full].sort());
    expect(tasks.filter((t) => t.detail === 'summary').map((t) => t.stepKey).sort()).toEqual([...expected.summary].sort());
    for (const t of tasks) expect(Object.keys(t).sort()).toEqual(t.detail === 'full' ? fullTaskFields : summaryFields);

    // Only consents whose receiving agency is the caller's own (the police recorded none in "none").
    const agencies = [...new Set(view.consents.map((c) => c.receivingAgency))].sort();
    if (expected.consentsTo === 'all') expect(agencies).toEqual(state === 'none' ? ['social-services'] : ['police', 'social-services']);
    else expect(agencies).toEqual(state === 'none' ? expected.consentsTo.filter((a) => a !== 'police') : expected.consentsTo);
    if (expected.view === 'need-to-know') {
      expect(view.routing).toBeNull();
      expect(view.guardians).toBeNull();
      // What was addressed to the coordinators (the consent wait) is theirs, not the unit's.
      for (const t of tasks) expect((t.notifications ?? []).map((n) => n.kind)).not.toContain('waiting-for-consent');
    }
    // No personal data in any view: the guardian's name stays in the consent row.
    expect(JSON.stringify(view)).not.toContain('Testsson');
  });

  it.each(rows)('when the consent is "$state" for a $subject and the $caller lists tasks, then exactly the tasks they may see are listed', async ({ state, subject, caller, shared }) => {
    const fixture = fixtures.find((f) => f.state === state && f.subject === subject)!;
    const expected = expectedFor(caller, shared);
    const res = await stack.as(callers[caller]).get('/tasks?status=all&limit=200');
    if (caller === 'auditor') {
      expect(res.status).toBe(403);
      return;
    }
    expect(res.status).toBe(200);
    const listed = (res.body.items as Array<{ caseId: string; stepKey: string }>).filter((t) => t.caseId === fixture.caseId).map((t) => t.stepKey).sort();
    expect(listed).toEqual(expected.status === 200 ? [...expected.listed].sort() : []);
  });
});
