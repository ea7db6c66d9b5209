import type { PolicyDocument, StepPolicy } from '../../domain/policy';

const seconds = (amount: number) => ({ amount, unit: 'seconds' as const });

/** A step with deadlines in seconds, so reminder and escalation order can be observed in a test. */
export function fastStep(overrides: Partial<StepPolicy> & Pick<StepPolicy, 'outcomes'>): StepPolicy {
  return {
    title: 'Test step',
    unitCode: 'soc-children-youth',
    deadline: { kind: 'span', span: seconds(4) },
    reminders: [{ atFraction: 0.5 }],
    escalation: [
      { after: seconds(0), target: 'unitSupervisor' },
      { after: seconds(2), target: 'unitHead' },
    ],
    ...overrides,
  };
}

/** The youth-concern case with every deadline shortened to seconds. */
export function fastYouthConcernPolicy(version: string, stepOverrides: Partial<Record<string, Partial<StepPolicy>>> = {}): PolicyDocument {
  return {
    caseType: 'youth-concern',
    version,
    timeZone: 'Europe/Stockholm',
    holidayCalendar: 'SE',
    steps: {
      protectionAssessment: fastStep({
        title: 'Protection assessment (skyddsbedömning)',
        outcomes: ['no-immediate-risk', 'immediate-protection-needed'],
        ...stepOverrides.protectionAssessment,
      }),
      investigationDecision: fastStep({
        title: 'Decision whether to open an investigation (förhandsbedömning)',
        outcomes: ['open-investigation', 'no-investigation'],
        ...stepOverrides.investigationDecision,
      }),
      investigation: fastStep({
        title: 'Investigation (utredning)',
        outcomes: ['measures-decided', 'no-measures'],
        ...stepOverrides.investigation,
      }),
    },
  };
}
