import { caseTypes, policyDocumentSchema, policyTextLanguage, type PolicyDocument, type StepPolicy } from '../../domain/policy';
import { defaultPolicies, seedOrder } from '../../prisma/seed';

/** The words of a step for people; everything else in a step is a rule the workflows act on. */
const texts = ['title', 'legalBasis', 'rationale'] as const;

/** A step's rules: its texts replaced by whether they are there (a legal basis being there is a rule: such a task needs no consent). */
function rulesOf(step: StepPolicy): Record<string, unknown> {
  const rules: Record<string, unknown> = { ...step };
  for (const t of texts) rules[t] = t in step;
  return rules;
}

/** A version's rules: everything but its name, its texts' language and its steps' texts. */
function policyRules(doc: PolicyDocument): Record<string, unknown> {
  const { version: _version, textLanguage: _lang, steps, ...rest } = doc;
  return { ...rest, steps: Object.fromEntries(Object.entries(steps).map(([key, step]) => [key, rulesOf(step)])) };
}

const seeded = defaultPolicies();
const versionsOf = (caseType: string) => seeded.filter((p) => p.caseType === caseType);

describe('the seeded policy versions with Swedish texts', () => {
  it.each(caseTypes)('when the seed runs on a fresh database, then the %s version active there (the last seeded) has Swedish texts, and the one before it is English', (caseType) => {
    const versions = versionsOf(caseType);
    const [english, swedish] = versions.slice(-2);
    expect(policyTextLanguage(swedish)).toBe('sv');
    expect(swedish.version).toBe(`${english.version}-sv`);
    // Every version stored before the field has none: read as English.
    for (const older of versions.slice(0, -1)) {
      expect(older).not.toHaveProperty('textLanguage');
      expect(policyTextLanguage(older)).toBe('en');
    }
  });

  it.each(caseTypes)('when the %s Swedish version is compared with its English predecessor, then every rule is the same and only the name, the language and each text differ', (caseType) => {
    const [english, swedish] = versionsOf(caseType).slice(-2);
    expect(Object.keys(swedish.steps)).toEqual(Object.keys(english.steps));
    expect(policyRules(swedish)).toEqual(policyRules(english));
    // The control: a changed rule, or a legal basis dropped, is seen.
    const [key, first] = Object.entries(swedish.steps)[0];
    expect(policyRules({ ...swedish, steps: { ...swedish.steps, [key]: { ...first, outcomes: [...first.outcomes, 'other'] } } })).not.toEqual(policyRules(english));
    const { legalBasis: _dropped, ...withoutBasis } = swedish.steps.acuteThreatAssessment;
    expect(policyRules({ ...swedish, steps: { ...swedish.steps, acuteThreatAssessment: withoutBasis } })).not.toEqual(policyRules(english));
    // Each text is rewritten (none is left in English), and no step gains or loses one.
    for (const [key, step] of Object.entries(swedish.steps)) {
      for (const t of texts) {
        if (english.steps[key][t] === undefined) continue;
        expect({ key, t, same: step[t] === english.steps[key][t] }).toEqual({ key, t, same: false });
      }
    }
  });

  it('when the Swedish versions are read, then their legal references are written the Swedish way', () => {
    const youth = versionsOf('youth-concern').at(-1)!;
    expect(youth.steps.protectionAssessment.title).toBe('Skyddsbedömning');
    expect(youth.steps.protectionAssessment.legalBasis).toMatch(/^SoL 11 kap\. 1 a § första stycket/);
    expect(youth.steps.investigationDecision.legalBasis).toMatch(/^SoL 11 kap\. 1 a § andra stycket/);
    expect(youth.steps.immediateProtection.legalBasis).toMatch(/^LVU 6 §/);
    expect(youth.steps.lulNotification.legalBasis).toMatch(/^LUL 6 §/);
  });

  it("when a version's Swedish-text twin is named after it, then the seed activates the twin right after it, and other names keep their order", () => {
    const files = ['youth-concern.2026.3.json', 'youth-concern.2026.3-sv.json', 'triage.2026.2-sv.json', 'youth-concern.2026.2.json', 'triage.2026.2.json', 'README.md'];
    expect(seedOrder(files)).toEqual(['triage.2026.2.json', 'triage.2026.2-sv.json', 'youth-concern.2026.2.json', 'youth-concern.2026.3.json', 'youth-concern.2026.3-sv.json']);
  });
});

describe("a policy's textLanguage", () => {
  const english = versionsOf('triage').at(-2)!;

  it('when a policy says its texts are Swedish or English, or says nothing, then the schema accepts it, and nothing reads as English', () => {
    expect(policyDocumentSchema.parse({ ...english, textLanguage: 'sv' }).textLanguage).toBe('sv');
    expect(policyDocumentSchema.parse({ ...english, textLanguage: 'en' }).textLanguage).toBe('en');
    const absent = policyDocumentSchema.parse(english);
    expect(absent).not.toHaveProperty('textLanguage');
    expect(policyTextLanguage(absent)).toBe('en');
  });

  it('when a policy names another language, or not as a code, then the schema refuses it by the field', () => {
    for (const textLanguage of ['de', 'SV', 'svenska', '', null, 1]) {
      const result = policyDocumentSchema.safeParse({ ...english, textLanguage });
      expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['textLanguage']);
    }
  });
});
