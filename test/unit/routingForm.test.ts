import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { routingTableSchema, type RoutingRule } from '../../domain/routing';
import { applyRoutingForm, formFieldForPath, initialValues, routingFieldKinds } from '../../web/routingForm';

const active = routingTableSchema.parse(JSON.parse(readFileSync(join(__dirname, '..', '..', 'prisma', 'seed', 'routing', '2026.2.json'), 'utf8')));
/** Every rule is offered the same two steps here; the page offers its case type's active policy's. */
const steps = (rule: RoutingRule) => [...new Set(['protectionAssessment', 'investigation', ...Object.keys(rule.then.units)])];
/** The form as a browser posts it: boxes of one name as an array, nothing for an empty group. */
const posted = (values: Record<string, string>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(values).flatMap(([k, v]): Array<[string, unknown]> => (/\.(sourceAgency|category|urgency|tracks)$/.test(k) ? (v ? [[k, v.split('\n')]] : []) : [[k, v]])));
const at = (id: string) => active.rules.findIndex((r) => r.id === id);

describe("the web app's new-version form of the routing table", () => {
  it('when the form is posted as it was shown, then the table is the active one with only the new name', () => {
    const { table } = applyRoutingForm(active, posted({ ...initialValues(active), version: 'x.1' }), steps);
    expect(routingTableSchema.parse(table)).toEqual({ ...active, version: 'x.1' });
  });

  it('when a condition is emptied, a box ticked, a rule removed and a new rule placed before another, then the table has exactly those changes and each rule knows its place in the form', () => {
    const values = initialValues(active);
    values[`rules.${at('youth-under-15')}.when.ageMax`] = '';
    values[`rules.${at('sig-18-25')}.when.category`] += '\nother';
    values[`rules.${at('exit')}.remove`] = 'true';
    Object.assign(values, { 'ny.id': 'ny-regel', 'ny.then.caseType': 'youth-concern', 'ny.then.tracks': 'police-lul', 'ny.when.urgency': 'acute', 'ny.position': String(at('youth-under-15')) });
    const { table, origins } = applyRoutingForm(active, posted({ ...values, version: 'x.2' }), steps);
    const parsed = routingTableSchema.parse(table);
    expect(parsed.rules.map((r) => r.id)).toEqual(['exit-acute-threat', 'ny-regel', 'youth-under-15', 'youth-15-17-recruitment', 'youth-15-17-suspected', 'youth-15-17', 'sig-18-25']);
    expect(parsed.rules[1]).toEqual({ id: 'ny-regel', when: { urgency: ['acute'] }, then: { caseType: 'youth-concern', tracks: ['police-lul'], units: {} } });
    expect(parsed.rules[2].when).toEqual({});
    expect(parsed.rules[6].when.category).toEqual(['recruitment', 'violence', 'weapons', 'threat', 'other']);
    expect(origins.slice(0, 3)).toEqual(['rules.0', 'ny', `rules.${at('youth-under-15')}`]);
  });

  it("when the API names a path in the published table, then it is the form's field of that rule, and a taken id is the new rule's", () => {
    const names = [...routingFieldKinds(active, steps).keys()];
    const origins = ['rules.0', 'ny', 'rules.2'];
    expect(formFieldForPath('rules.2.when.ageMin', origins, names)).toEqual({ name: 'rules.2.when.ageMin', exact: true });
    expect(formFieldForPath('rules.1.when.category.0', origins, names)).toEqual({ name: 'ny.when.category', exact: true });
    expect(formFieldForPath('rules.2.id', origins, names)).toEqual({ name: 'ny.id', exact: true });
    expect(formFieldForPath('rules.9.id', origins, names)).toBeUndefined();
  });
});
