import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { policyDocumentSchema, type PolicyDocument } from '../../domain/policy';
import { applyPolicyForm, fieldForPath, formFields, policyForm } from '../../web/policyForm';

const seeded = (file: string) => policyDocumentSchema.parse(JSON.parse(readFileSync(join(__dirname, '..', '..', 'prisma', 'seed', 'policies', file), 'utf8')));

describe("the web app's new-version form of a policy", () => {
  const source = seeded('youth-concern.2026.3.json');

  it('when the form is posted as it was shown, then the document is the source with only the new name', () => {
    const shown = Object.fromEntries(formFields(policyForm(source)).map((f) => [f.name, f.value]));
    const { document, blank } = applyPolicyForm(source, { ...shown, version: ' 2026.9 ' });
    expect(document).toEqual({ ...source, version: '2026.9' });
    expect(blank).toEqual([]);
  });

  it('when numbers are typed with a decimal comma or as percent, then they become numbers; what is no number goes as typed for the API to refuse', () => {
    const { document } = applyPolicyForm(source, {
      version: 'x',
      'steps.investigation.deadline.span.amount': '3,5',
      'steps.immediateProtection.reminders.0.atFraction': '25',
      'steps.investigationDecision.deadline.span.amount': 'tio',
      'steps.investigationDecision.deadline.span.unit': 'workingDays',
    });
    const steps = (document as { steps: Record<string, { deadline: unknown; reminders: unknown }> }).steps;
    expect(steps.investigation.deadline).toEqual({ kind: 'span', span: { amount: 3.5, unit: 'months' } });
    expect(steps.immediateProtection.reminders).toEqual([{ atFraction: 0.25 }]);
    expect(steps.investigationDecision.deadline).toEqual({ kind: 'span', span: { amount: 'tio', unit: 'workingDays' } });
    expect(policyDocumentSchema.safeParse(document).error?.issues.map((i) => i.path.join('.'))).toEqual(['steps.investigationDecision.deadline.span.amount']);
  });

  it('when a rationale is cleared it is left out, and a cleared legal basis is refused by the form, the source kept', () => {
    const { document, blank } = applyPolicyForm(source, { version: 'x', 'steps.investigation.rationale': '', 'steps.investigation.legalBasis': ' ' });
    const investigation = (document as { steps: Record<string, Record<string, unknown>> }).steps.investigation;
    expect(investigation).not.toHaveProperty('rationale');
    expect(investigation.legalBasis).toBe(source.steps.investigation.legalBasis);
    expect(blank).toEqual(['steps.investigation.legalBasis']);
  });

  it('when a new version is made from a version with Swedish texts, then it is Swedish too; from an English one it stays English', () => {
    const swedish = seeded('youth-concern.2026.3-sv.json');
    expect(policyForm(swedish).textLanguage).toBe('sv');
    const fromSwedish = applyPolicyForm(swedish, { version: 'x', 'steps.investigation.rationale': 'Fyra månader från beslutet.' }).document as PolicyDocument;
    expect(fromSwedish.textLanguage).toBe('sv');
    expect(fromSwedish.steps.investigation.rationale).toBe('Fyra månader från beslutet.');
    expect(policyForm(source).textLanguage).toBe('en');
    expect(applyPolicyForm(source, { version: 'x' }).document).not.toHaveProperty('textLanguage');
  });

  it("when the API names a path, then it is the form's field, or the first field of the part it refused", () => {
    const names = ['version', ...formFields(policyForm(source)).map((f) => f.name)];
    expect(fieldForPath('steps.investigation.deadline.span.amount', names)).toEqual({ name: 'steps.investigation.deadline.span.amount', exact: true });
    // A reminder's row starts with its kind.
    expect(fieldForPath('steps.investigation.reminders.1', names)).toEqual({ name: 'steps.investigation.reminders.1.kind', exact: false });
    expect(fieldForPath('steps.investigation.outcomes.0', names)).toEqual({ name: 'steps.investigation.outcomes.0', exact: true });
    // What the form does not show has no field.
    expect(fieldForPath('steps.investigation.title', names)).toBeUndefined();
  });

  it("when a reminder is removed and one added, a rung removed and one added, then the document has exactly those rows, and refusals of moved or new rows name the form's fields", () => {
    const { document, noRungs, formPath, kinds } = applyPolicyForm(source, {
      version: 'x',
      'steps.investigation.reminders.0.remove': 'on',
      'steps.investigation.reminders.new.kind': 'atFraction',
      'steps.investigation.reminders.new.amount': '150',
      'steps.investigation.reminders.new.unit': 'calendarDays',
      'steps.investigation.reminders.new.time': '',
      'steps.protectionAssessment.escalation.0.remove': 'on',
      'steps.protectionAssessment.escalation.new.after.amount': '1,5',
      'steps.protectionAssessment.escalation.new.after.unit': 'hours',
      'steps.protectionAssessment.escalation.new.target': 'unitHead',
    });
    const doc = document as unknown as PolicyDocument;
    expect(noRungs).toEqual([]);
    expect(doc.steps.investigation.reminders).toEqual([source.steps.investigation.reminders[1], { atFraction: 1.5 }]);
    expect(doc.steps.protectionAssessment.escalation).toEqual([source.steps.protectionAssessment.escalation[1], { after: { amount: 1.5, unit: 'hours' }, target: 'unitHead' }]);
    const { investigation: _i, protectionAssessment: _p, ...others } = doc.steps;
    const { investigation: _si, protectionAssessment: _sp, ...sourceOthers } = source.steps;
    expect(others).toEqual(sourceOthers);
    // The schema refuses the new fraction (150 %): the form names the new row's amount, as a percent.
    const refused = policyDocumentSchema.safeParse(document).error?.issues.map((i) => i.path.join('.'));
    expect(refused).toEqual(['steps.investigation.reminders.1.atFraction']);
    expect(formPath('steps.investigation.reminders.1.atFraction')).toBe('steps.investigation.reminders.new.amount');
    expect(formPath('steps.investigation.reminders.1')).toBe('steps.investigation.reminders.new.amount');
    expect(kinds['steps.investigation.reminders.new.amount']).toBe('percent');
    expect(formPath('steps.investigation.reminders.0')).toBe('steps.investigation.reminders.1.beforeDue.amount');
    expect(formPath('steps.protectionAssessment.escalation.0.after.unit')).toBe('steps.protectionAssessment.escalation.1.after.unit');
    expect(formPath('steps.protectionAssessment.escalation.1.target')).toBe('steps.protectionAssessment.escalation.new.target');
    expect(formPath('steps.investigation.deadline.span.amount')).toBe('steps.investigation.deadline.span.amount');
  });

  it('when the new rows are left empty, then none is added; a new reminder at a time of day is added with its time', () => {
    const shown = Object.fromEntries(formFields(policyForm(source)).map((f) => [f.name, f.value]));
    expect(applyPolicyForm(source, { ...shown, version: 'x' }).document).toEqual({ ...source, version: 'x' });
    const { document } = applyPolicyForm(source, { ...shown, version: 'x', 'steps.lulNotification.reminders.new.kind': 'atLocalTimeOnDueDay', 'steps.lulNotification.reminders.new.time': '09:30' });
    expect((document as unknown as PolicyDocument).steps.lulNotification.reminders).toEqual([{ atLocalTimeOnDueDay: '09:30' }]);
    // A kind the list does not offer is refused by the schema, and named at the row's kind.
    const tampered = applyPolicyForm(source, { version: 'x', 'steps.lulNotification.reminders.new.kind': 'atNoon', 'steps.lulNotification.reminders.new.amount': '1' });
    const path = policyDocumentSchema.safeParse(tampered.document).error?.issues[0].path.join('.') ?? '';
    expect(path.startsWith('steps.lulNotification.reminders.0')).toBe(true);
    expect(tampered.formPath(path)).toBe('steps.lulNotification.reminders.new.kind');
  });

  it("when an outcome the workflow acts on for the child's safety is removed or renamed, then the form refuses it at its row; other outcomes may go", () => {
    const decision = source.steps.investigationDecision.outcomes;
    const protection = source.steps.protectionAssessment.outcomes;
    const open = decision.indexOf('open-investigation');
    const immediate = protection.indexOf('immediate-protection-needed');
    const { refused } = applyPolicyForm(source, {
      version: 'x',
      [`steps.investigationDecision.outcomes.${open}`]: 'utredning-inledd',
      [`steps.protectionAssessment.outcomes.${immediate}.remove`]: 'on',
    });
    expect(refused).toEqual({
      [`steps.investigationDecision.outcomes.${open}`]: 'safetyOutcome',
      [`steps.protectionAssessment.outcomes.${immediate}.remove`]: 'safetyOutcome',
    });
    const other = decision.findIndex((o) => o !== 'open-investigation');
    expect(applyPolicyForm(source, { version: 'x', [`steps.investigationDecision.outcomes.${other}.remove`]: 'on' }).refused).toEqual({});
  });

  it("when every rung of a step is removed and none added, then the form refuses it next to the first rung's remove box", () => {
    const { noRungs } = applyPolicyForm(source, { version: 'x', 'steps.investigation.escalation.0.remove': 'on', 'steps.investigation.escalation.1.remove': 'on' });
    expect(noRungs).toEqual(['steps.investigation.escalation.0.remove']);
    const replaced = applyPolicyForm(source, { version: 'x', 'steps.investigation.escalation.0.remove': 'on', 'steps.investigation.escalation.1.remove': 'on', 'steps.investigation.escalation.new.after.amount': '3' });
    expect(replaced.noRungs).toEqual([]);
    expect((replaced.document as unknown as PolicyDocument).steps.investigation.escalation).toEqual([{ after: { amount: 3, unit: 'calendarDays' }, target: 'unitSupervisor' }]);
  });
});
