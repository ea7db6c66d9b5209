import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { caseStepEntries, exitSteps, type PolicyDocument } from '../../domain/policy';

const seeded = (file: string) => JSON.parse(readFileSync(join(__dirname, '../../prisma/seed/policies', file), 'utf8')) as PolicyDocument;

describe('the order a case meets its steps, as the Policyer pages and policy.read show them', () => {
  it('when the exit programme is shown, then the first conversation comes first and the follow-up last, in the case type\'s own order', () => {
    const doc = seeded('exit-programme.2026.2.json');
    // Scrambled as the database hands jsonb keys back (shortest first).
    const scrambled = Object.entries(doc.steps).sort((a, b) => a[0].length - b[0].length);
    const keys = caseStepEntries(doc.caseType, scrambled).map(([key]) => key);
    const own = keys.filter((k) => (exitSteps as readonly string[]).includes(k));
    expect(own).toEqual(exitSteps.filter((k) => k in doc.steps));
    expect(own[0]).toBe('firstConversation');
    expect(own.at(-1)).toBe('followUp');
  });

  it('when a step the order does not know is in a policy, then it comes last, as given', () => {
    const keys = caseStepEntries('youth-concern', [['zzz', 1], ['investigation', 2], ['protectionAssessment', 3]]).map(([key]) => key);
    expect(keys).toEqual(['protectionAssessment', 'investigation', 'zzz']);
  });
});
