import { alongsideOf, routeReferral, routingTableSchema, type ReferralFacts } from '../../domain/routing';
import { defaultRoutingTable, routingTables } from '../../prisma/seed';

const facts = (overrides: Partial<ReferralFacts>): ReferralFacts => ({
  sourceAgency: 'police',
  ageYears: 16,
  category: 'drug-possession',
  suspectedOfCrime: false,
  urgency: 'normal',
  ...overrides,
});

describe('the seeded routing table', () => {
  const table = defaultRoutingTable();

  it('when the subject is under 15, then youth concern goes to the children & youth unit with no police track', () => {
    const rule = routeReferral(table, facts({ ageYears: 14, suspectedOfCrime: true }));
    expect(rule?.id).toBe('youth-under-15');
    expect(rule?.then).toMatchObject({ caseType: 'youth-concern', tracks: [] });
    expect(Object.values(rule!.then.units)).toEqual(expect.arrayContaining(['soc-children-youth']));
  });

  it('when the subject is 15–17 and suspected of a crime, then youth concern runs with the police track under LUL', () => {
    for (const ageYears of [15, 17]) {
      expect(routeReferral(table, facts({ ageYears, suspectedOfCrime: true }))?.then).toMatchObject({ caseType: 'youth-concern', tracks: ['police-lul'] });
    }
    expect(routeReferral(table, facts({ ageYears: 16 }))?.then.tracks).toEqual([]);
  });

  it('when an exit referral is acute, then the exit programme runs with the same-day acute-threat track', () => {
    expect(routeReferral(table, facts({ ageYears: 24, category: 'network-exit', urgency: 'acute' }))?.then).toMatchObject({
      caseType: 'exit-programme',
      tracks: ['acute-threat'],
    });
    expect(routeReferral(table, facts({ ageYears: 24, category: 'network-exit' }))?.then.tracks).toEqual([]);
  });

  it('when a minor is routed to a voluntary programme, then the youth concern runs beside it; an adult gets the programme alone (finding 3)', () => {
    const recruited = facts({ ageYears: 15, category: 'recruitment' });
    expect(routeReferral(table, recruited)?.then.caseType).toBe('social-intervention-group');
    expect(alongsideOf(routeReferral(table, recruited)!.then.caseType, recruited)).toEqual(['youth-concern']);
    for (const urgency of ['normal', 'acute'] as const) {
      const leaving = facts({ ageYears: 16, category: 'network-exit', urgency });
      expect(routeReferral(table, leaving)?.then.caseType).toBe('exit-programme');
      expect(alongsideOf(routeReferral(table, leaving)!.then.caseType, leaving)).toEqual(['youth-concern']);
    }
    const adult = facts({ ageYears: 24, category: 'network-exit' });
    expect(alongsideOf(routeReferral(table, adult)!.then.caseType, adult)).toEqual([]);
  });

  it('when a rule sends a minor to a voluntary programme without naming the youth concern, then it still runs beside it; a youth concern or triage gets none', () => {
    const forgetful = routingTableSchema.parse({
      version: 'test-forgetful',
      rules: [{ id: 'sig-any-age', when: { category: ['violence'] }, then: { caseType: 'social-intervention-group' } }],
    });
    const child = facts({ ageYears: 16, category: 'violence' });
    expect(alongsideOf(routeReferral(forgetful, child)!.then.caseType, child)).toEqual(['youth-concern']);
    expect(alongsideOf('exit-programme', { ageYears: 17 })).toEqual(['youth-concern']);
    expect(alongsideOf('youth-concern', { ageYears: 16 })).toEqual([]);
    expect(alongsideOf('triage', { ageYears: 16 })).toEqual([]);
    expect(alongsideOf('social-intervention-group', { ageYears: 18 })).toEqual([]);
  });

  it('when any rule could send a person under 18 to a voluntary programme, then it starts the youth concern beside it', () => {
    const voluntary = table.rules.filter((r) => r.then.caseType !== 'youth-concern' && (r.when.ageMin ?? 0) < 18);
    expect(voluntary.map((r) => r.id).sort()).toEqual(['exit', 'exit-acute-threat', 'youth-15-17-recruitment']);
    for (const rule of voluntary) expect({ rule: rule.id, alongside: rule.then.alsoForMinors }).toEqual({ rule: rule.id, alongside: ['youth-concern'] });
    // The table that routed before (2026.1) is kept as it was: its running cases name it.
    expect(routingTables().map((t) => t.version)).toEqual(['2026.1', '2026.2']);
    expect(routingTables()[0].rules.some((r) => r.then.alsoForMinors)).toBe(false);
  });

  it('when no rule matches, then routing returns nothing (the caller starts a triage task)', () => {
    expect(routeReferral(table, facts({ ageYears: 40, category: 'drug-possession' }))).toBeUndefined();
  });

  it('when a rule names a district, then only referrals from that school or district match it', () => {
    const local = routingTableSchema.parse({
      version: 't',
      rules: [{ id: 'tumba', when: { district: ['tumba'] }, then: { caseType: 'social-intervention-group' } }],
    });
    expect(routeReferral(local, facts({ district: 'tumba' }))?.id).toBe('tumba');
    expect(routeReferral(local, facts({ district: 'alby' }))).toBeUndefined();
    expect(routeReferral(local, facts({}))).toBeUndefined();
  });

  it('when a table is malformed, then validation names the field', () => {
    const bad = routingTableSchema.safeParse({
      version: 't',
      rules: [
        { id: 'a', when: { ageMin: 18, ageMax: 15 }, then: { caseType: 'youth-concern' } },
        { id: 'a', when: {}, then: { caseType: 'triage' } },
      ],
    });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['rules.0.when.ageMin', 'rules.1.then.caseType']));
  });
});
