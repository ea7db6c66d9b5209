import type { ConsentFact } from '../../domain/consent';
import { caseSight, consentSubjectOf, subjectFactsOf, taskShares, tasksNotSharing, type SharingCase, type SharingTask, type Viewer } from '../../domain/needToKnow';

const now = Date.parse('2026-12-02T10:00:00Z');
const given = (personRole: ConsentFact['personRole'], agency: string, purpose = 'sig', over: Partial<ConsentFact> = {}): ConsentFact => ({
  personRole,
  agency,
  purpose,
  status: 'given',
  givenAt: '2026-11-01T10:00:00Z',
  ...over,
});

const task = (taskId: string, unit: string, agency: string, over: Partial<SharingTask> = {}): SharingTask => ({
  taskId,
  stepKey: taskId,
  unit,
  agency,
  status: 'open',
  legalBasis: null,
  consentAgency: null,
  consentPurpose: null,
  ...over,
});

const police = task('policeContribution', 'police-local', 'police', { consentAgency: 'police', consentPurpose: 'sig' });
const plan = task('actionPlan', 'soc-adults', 'social-services', { consentAgency: 'social-services', consentPurpose: 'sig' });
const lul = task('lulNotification', 'police-safety', 'police', { legalBasis: 'LUL 6 §' });

const kase = (consents: ConsentFact[], over: Partial<SharingCase> = {}): SharingCase => ({
  subject: { subjectIsMinor: true, registeredGuardians: 1 },
  consents,
  tasks: [police, plan, lul],
  ...over,
});
const agencyOf = { 'police-local': 'police', 'police-exit': 'police', 'police-safety': 'police', 'soc-adults': 'social-services' };
const viewer = (units: string[]): Viewer => ({ coordinator: false, units, agencyOf });

describe('need to know (domain/needToKnow.ts)', () => {
  const bothPolice = [given('subject', 'police'), given('guardian', 'police')];

  it("when a minor's guardian withdraws, then the police task no longer shares, even completed, and the unit sees nothing", () => {
    const done = { ...police, status: 'completed' };
    const withdrawn = kase([given('subject', 'police'), given('guardian', 'police', 'sig', { status: 'withdrawn' })], { tasks: [done, plan, lul] });
    expect(taskShares(done, withdrawn, now)).toBe(false);
    expect(tasksNotSharing(withdrawn, now)).toEqual(['policeContribution', 'actionPlan']);
    expect(caseSight(withdrawn, viewer(['police-local']), now)).toBeUndefined();
  });

  it('when consent is for another purpose, then it does not share the task', () => {
    expect(taskShares(police, kase([given('subject', 'police', 'exit'), given('guardian', 'police', 'exit')]), now)).toBe(false);
  });

  it('when consent is in force, then the unit sees its task in full and the other shared tasks as summaries, and only its agency consents', () => {
    const sight = caseSight(kase([...bothPolice, given('subject', 'social-services'), given('guardian', 'social-services')]), viewer(['police-local']), now)!;
    expect([...sight.full]).toEqual(['policeContribution']);
    expect([...sight.summary].sort()).toEqual(['actionPlan', 'lulNotification']);
    expect([...sight.consentAgencies!]).toEqual(['police']);
  });

  it('when a unit holds only a legal-basis task, then it sees that task and nothing else', () => {
    const sight = caseSight(kase(bothPolice), viewer(['police-safety']), now)!;
    expect([...sight.full]).toEqual(['lulNotification']);
    expect([...sight.summary]).toEqual([]);
  });

  it('when another unit of the same agency looks, then it sees nothing, unless the policy makes that agency see as one', () => {
    expect(caseSight(kase(bothPolice), viewer(['police-exit']), now)).toBeUndefined();
    const wide = caseSight(kase(bothPolice, { agencyWide: ['police'] }), viewer(['police-exit']), now)!;
    expect([...wide.full].sort()).toEqual(['lulNotification', 'policeContribution']);
  });

  it('when a task waits for consent or was withdrawn, then only coordinators see it', () => {
    const waiting = kase(bothPolice, { tasks: [{ ...police, status: 'waiting-for-consent' }, { ...lul, status: 'withdrawn' }] });
    expect(caseSight(waiting, viewer(['police-local', 'police-safety']), now)).toBeUndefined();
    expect(caseSight(waiting, { coordinator: true, units: [], agencyOf: {} }, now)).toMatchObject({ whole: true });
  });

  it("when an adult's guardian withdraws, then the adult's own consent still shares", () => {
    const adult = kase([given('subject', 'police'), given('guardian', 'police', 'sig', { status: 'withdrawn' })], { subject: { subjectIsMinor: false } });
    expect(taskShares(police, adult, now)).toBe(true);
  });

  it('when the consent has expired, then nothing is shared', () => {
    expect(taskShares(police, kase([given('subject', 'police', 'sig', { expiresAt: '2026-12-01T00:00:00Z' }), given('guardian', 'police')]), now)).toBe(false);
  });
});

describe("a case's subject as its start input records it (subjectFactsOf)", () => {
  it('when the recorded start names a minor and two guardians, then every reader gets both', () => {
    const start = { receivedAt: '2026-12-01T09:00:00Z', guardians: 2, routing: { tableVersion: 'none', ruleId: 'by-type', tracks: [], units: {}, subjectIsMinor: true } };
    expect(subjectFactsOf(start)).toEqual({ isMinor: true, guardians: 2 });
    expect(consentSubjectOf(start, { consentRules: { guardianRule: 'all-registered' } })).toMatchObject({ subjectIsMinor: true, registeredGuardians: 2, guardianRule: 'all-registered' });
  });

  it('when a case was recorded before routing said whether the subject is a minor, then it is unknown, and consent falls back to the subject’s own', () => {
    for (const start of [null, undefined, {}, { routing: null }, { routing: { tableVersion: 'none' } }, { routing: { subjectIsMinor: 'yes' } }]) {
      expect(subjectFactsOf(start)).toEqual({ isMinor: undefined, guardians: undefined });
      expect(consentSubjectOf(start, {}).subjectIsMinor).toBe(false);
    }
  });
});
