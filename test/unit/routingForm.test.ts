import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { routingTableSchema } from '../../domain/routing';
import { applyRoutingForm, formFieldForPath, initialValues, routingFieldKinds, type RoutingFormMessages, type StepsOf } from '../../web/routingForm';

const active = routingTableSchema.parse(JSON.parse(readFileSync(join(__dirname, '..', '..', 'prisma', 'seed', 'routing', '2026.2.json'), 'utf8')));
/** Each case type is offered two steps here (the page offers its active policy's), and an unchanged rule its own. */
const policySteps: Record<string, string[]> = { 'youth-concern': ['protectionAssessment', 'investigation'], 'social-intervention-group': ['actionPlan', 'review'], 'exit-programme': ['firstConversation', 'followUp'] };
const steps: StepsOf = (caseType, rule) => [...new Set([...(policySteps[caseType] ?? []), ...(rule && rule.then.caseType === caseType ? Object.keys(rule.then.units) : [])])];
/** The messages as codes, to see which refusal it is. */
const messages: RoutingFormMessages = { positionRange: (n) => `range ${n}`, positionTaken: (n, id) => `taken ${n} ${id}`, unitsDropped: (c, s) => `dropped ${c} ${s.join(',')}` };
/** The form as a browser posts it: boxes of one name as an array, nothing for an empty group. */
const posted = (values: Record<string, string>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(values).flatMap(([k, v]): Array<[string, unknown]> => (/\.(sourceAgency|category|urgency|tracks)$/.test(k) ? (v ? [[k, v.split('\n')]] : []) : [[k, v]])));
const at = (id: string) => active.rules.findIndex((r) => r.id === id);

describe("the web app's new-version form of the routing table", () => {
  it('when the form is posted as it was shown, then the table is the active one with only the new name', () => {
    const { table } = applyRoutingForm(active, posted({ ...initialValues(active), version: 'x.1' }), steps, messages);
    expect(routingTableSchema.parse(table)).toEqual({ ...active, version: 'x.1' });
  });

  it('when a condition is emptied, a box ticked, a rule removed and a new rule placed before another, then the table has exactly those changes and each rule knows its place in the form', () => {
    const values = initialValues(active);
    values[`rules.${at('youth-under-15')}.when.ageMax`] = '';
    values[`rules.${at('sig-18-25')}.when.category`] += '\nother';
    values[`rules.${at('exit')}.remove`] = 'true';
    Object.assign(values, { 'ny.id': 'ny-regel', 'ny.then.caseType': 'youth-concern', 'ny.then.tracks': 'police-lul', 'ny.when.urgency': 'acute', 'ny.position': String(at('youth-under-15')) });
    const { table, origins } = applyRoutingForm(active, posted({ ...values, version: 'x.2' }), steps, messages);
    const parsed = routingTableSchema.parse(table);
    expect(parsed.rules.map((r) => r.id)).toEqual(['exit-acute-threat', 'ny-regel', 'youth-under-15', 'youth-15-17-recruitment', 'youth-15-17-suspected', 'youth-15-17', 'sig-18-25']);
    expect(parsed.rules[1]).toEqual({ id: 'ny-regel', when: { urgency: ['acute'] }, then: { caseType: 'youth-concern', tracks: ['police-lul'], units: {} } });
    expect(parsed.rules[2].when).toEqual({});
    expect(parsed.rules[6].when.category).toEqual(['recruitment', 'violence', 'weapons', 'threat', 'other']);
    expect(origins.slice(0, 3)).toEqual(['rules.0', 'ny', `rules.${at('youth-under-15')}`]);
  });

  it("when the API names a path in the published table, then it is the form's field of that rule, and a taken id is the new rule's", () => {
    const names = [...routingFieldKinds(active, steps, initialValues(active)).keys()];
    const origins = ['rules.0', 'ny', 'rules.2'];
    expect(formFieldForPath('rules.2.when.ageMin', origins, names)).toEqual({ name: 'rules.2.when.ageMin', exact: true });
    expect(formFieldForPath('rules.1.when.category.0', origins, names)).toEqual({ name: 'ny.when.category', exact: true });
    expect(formFieldForPath('rules.2.id', origins, names)).toEqual({ name: 'ny.id', exact: true });
    expect(formFieldForPath('rules.9.id', origins, names)).toBeUndefined();
  });

  it('when rules are given new places, an existing rule a new case type and tracks, and the new rule its own units, then the table is in the new order with those changes', () => {
    const values = initialValues(active);
    const n = active.rules.length;
    // The last rule first, everything else one place later.
    active.rules.forEach((_, i) => (values[`rules.${i}.position`] = String(i === n - 1 ? 1 : i + 2)));
    const youth = at('youth-15-17');
    values[`rules.${youth}.then.caseType`] = 'exit-programme';
    values[`rules.${youth}.then.tracks`] = 'acute-threat';
    Object.assign(values, { 'ny.id': 'ny-regel', 'ny.then.caseType': 'social-intervention-group', 'ny.units.social-intervention-group.review': 'soc-adults', 'ny.units.youth-concern.investigation': 'soc-children-youth', 'ny.position': String(n) });
    const form = posted({ ...values, version: 'x.3', [`rules.${youth}.unitsFor`]: 'youth-concern' });
    const { table, refusals, origins } = applyRoutingForm(active, form, steps, messages);
    expect(refusals).toEqual({});
    const parsed = routingTableSchema.parse(table);
    expect(parsed.rules.map((r) => r.id)).toEqual([active.rules[n - 1].id, ...active.rules.slice(0, n - 1).map((r) => r.id), 'ny-regel']);
    expect(origins[0]).toBe(`rules.${n - 1}`);
    expect(parsed.rules.find((r) => r.id === 'youth-15-17')?.then).toEqual({ caseType: 'exit-programme', tracks: ['acute-threat'], units: {} });
    // Only the chosen case type's units are the new rule's.
    expect(parsed.rules[n].then).toEqual({ caseType: 'social-intervention-group', tracks: [], units: { review: 'soc-adults' } });
  });

  it('when two rules share a place, a place is out of range, or a changed case type would drop units, then the form refuses each at its field', () => {
    const values = initialValues(active);
    values[`rules.${at('exit')}.position`] = '1';
    values[`rules.${at('sig-18-25')}.position`] = '99';
    const under15 = at('youth-under-15');
    values[`rules.${under15}.then.caseType`] = 'exit-programme';
    const { refusals } = applyRoutingForm(active, posted({ ...values, version: 'x.4', [`rules.${under15}.unitsFor`]: 'youth-concern' }), steps, messages);
    expect(refusals).toEqual({
      'rules.0.position': `taken ${at('exit') + 1} exit`,
      [`rules.${at('exit')}.position`]: 'taken 1 exit-acute-threat',
      [`rules.${at('sig-18-25')}.position`]: `range ${active.rules.length}`,
      [`rules.${under15}.then.caseType`]: 'dropped exit-programme protectionAssessment,investigation,investigationDecision',
    });
  });

  it("when the API refuses the new rule's unit, then it is the field of the new rule's case type", () => {
    const names = [...routingFieldKinds(active, steps, initialValues(active)).keys()];
    expect(formFieldForPath('rules.1.then.units.review', ['rules.0', 'ny'], names, 'social-intervention-group')).toEqual({ name: 'ny.units.social-intervention-group.review', exact: true });
  });
});
