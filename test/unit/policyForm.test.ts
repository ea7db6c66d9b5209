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
    expect(fieldForPath('steps.investigation.reminders.1', names)).toEqual({ name: 'steps.investigation.reminders.1.beforeDue.amount', exact: false });
    expect(fieldForPath('steps.investigation.outcomes.0', names)).toBeUndefined();
  });
});
