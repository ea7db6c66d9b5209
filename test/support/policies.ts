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

const slowSpan = (amount: number) => ({ kind: 'span' as const, span: seconds(amount) });

/** Youth concern with the police track (LUL), the intervention plan and the follow-up, in seconds. */
export function fastYouthConcernTracksPolicy(version: string): PolicyDocument {
  const base = fastYouthConcernPolicy(version);
  const slow = { deadline: slowSpan(60) };
  for (const step of Object.values(base.steps)) Object.assign(step, slow);
  return {
    ...base,
    steps: {
      ...base.steps,
      interventionPlan: fastStep({ title: 'Intervention plan', outcomes: ['plan-agreed'], ...slow }),
      followUp: fastStep({ title: 'Follow-up', outcomes: ['measures-continue', 'case-closed'], ...slow }),
      lulNotification: fastStep({
        title: 'Notify social services (LUL 6 §)',
        unitCode: 'police-local',
        legalBasis: 'LUL 6 §',
        outcomes: ['notified'],
        ...slow,
      }),
      policeInvestigation: fastStep({ title: 'Police investigation (LUL 4 §)', unitCode: 'police-local', legalBasis: 'LUL 4 §', outcomes: ['investigation-concluded'], ...slow }),
      prosecutorStatement: fastStep({ title: 'Statement to the prosecutor', unitCode: 'police-local', outcomes: ['submitted'], ...slow }),
    },
  };
}

const consentGate = (agency: string, purpose: string, waitSeconds: number) => ({
  agency,
  purpose,
  waitDeadline: slowSpan(waitSeconds),
  waitUnitCode: 'vpc-coordination',
});

/**
 * SIG in seconds: a review "every 3 months" comes every `reviewEverySeconds`, and the workflow
 * continues as new after every `cyclesPerRun` reviews.
 */
export function fastSigPolicy(version: string, opts: { consentWaitSeconds?: number; reviewEverySeconds?: number; cyclesPerRun?: number } = {}): PolicyDocument {
  const slow = { deadline: slowSpan(60) };
  return {
    caseType: 'social-intervention-group',
    version,
    timeZone: 'Europe/Stockholm',
    holidayCalendar: 'SE',
    intervals: { review: seconds(opts.reviewEverySeconds ?? 1) },
    cyclesPerRun: opts.cyclesPerRun ?? 1,
    steps: {
      actionPlan: fastStep({ title: 'SIG action plan', unitCode: 'soc-adults', consent: consentGate('social-services', 'sig', opts.consentWaitSeconds ?? 60), outcomes: ['plan-agreed'], ...slow }),
      policeContribution: fastStep({ title: 'Police contribution', unitCode: 'police-local', consent: consentGate('police', 'sig', opts.consentWaitSeconds ?? 60), outcomes: ['contribution-agreed'], ...slow }),
      review: fastStep({ title: 'SIG review', unitCode: 'vpc-coordination', outcomes: ['continue', 'close-case'], ...slow }),
    },
  };
}

/** Exit programme in seconds; monthly follow-ups come every `followUpEverySeconds`. */
export function fastExitPolicy(version: string, opts: { followUpEverySeconds?: number } = {}): PolicyDocument {
  const slow = { deadline: slowSpan(60) };
  const step = (title: string, unitCode: string, outcomes: string[], extra: Partial<StepPolicy> = {}) =>
    fastStep({ title, unitCode, outcomes, ...slow, ...extra });
  return {
    caseType: 'exit-programme',
    version,
    timeZone: 'Europe/Stockholm',
    holidayCalendar: 'SE',
    intervals: { followUp: seconds(opts.followUpEverySeconds ?? 1) },
    cyclesPerRun: 1,
    steps: {
      firstConversation: step('First conversation', 'vpc-coordination', ['held']),
      initialAssessment: step('Initial assessment', 'vpc-coordination', ['motivated']),
      mapping: step('Mapping', 'vpc-coordination', ['mapped']),
      workingGroup: step('Working group', 'soc-adults', ['engaged'], { consent: consentGate('social-services', 'exit', 60) }),
      threatAssessment: step('Threat assessment', 'police-safety', ['assessed'], { consent: consentGate('police', 'exit', 60) }),
      acuteThreatAssessment: step('Acute threat assessment', 'police-safety', ['contact-made'], { legalBasis: 'Police Act 2 §' }),
      jointPlanHousing: step('Joint plan: housing', 'housing-allocation', ['agreed'], { consent: consentGate('housing', 'exit', 60) }),
      jointPlanEmployment: step('Joint plan: employment', 'labour-market-support', ['agreed'], { consent: consentGate('labour-market', 'exit', 60) }),
      jointPlanAddiction: step('Joint plan: addiction care', 'soc-addiction', ['agreed'], { consent: consentGate('social-services', 'exit', 60) }),
      jointPlanPolice: step('Joint plan: police', 'police-exit', ['agreed'], { consent: consentGate('police', 'exit', 60) }),
      followUp: step('Monthly follow-up', 'vpc-coordination', ['continue', 'close-case']),
    },
  };
}

const previousStep = { from: 'previousStep' as const };

/**
 * Youth concern with every rule of issue 14, in seconds: clocks (the decision 14 days from receipt,
 * the investigation from the decision), the urgent immediate-protection step, the acute-threat step,
 * follow-ups that repeat (continuing as new after each), and a police track whose investigation can
 * be discontinued. Deadlines are long unless a test shortens them: nothing lapses by accident.
 */
export function rulesYouthConcernPolicy(version: string, stepOverrides: Partial<Record<string, Partial<StepPolicy>>> = {}): PolicyDocument {
  const base = fastYouthConcernTracksPolicy(version);
  const slow = { deadline: slowSpan(60) };
  const steps: Record<string, StepPolicy> = {
    ...base.steps,
    protectionAssessment: { ...base.steps.protectionAssessment, clock: { from: 'receipt' } },
    investigationDecision: { ...base.steps.investigationDecision, clock: { from: 'receipt' }, deadline: { kind: 'span', span: { amount: 14, unit: 'calendarDays' } } },
    investigation: { ...base.steps.investigation, clock: previousStep },
    interventionPlan: { ...base.steps.interventionPlan, clock: previousStep },
    followUp: { ...base.steps.followUp, clock: previousStep },
    policeInvestigation: { ...base.steps.policeInvestigation, clock: { from: 'statedDate', date: 'suspicionNotifiedAt' }, outcomes: ['investigation-concluded', 'investigation-discontinued'] },
    prosecutorStatement: { ...base.steps.prosecutorStatement, unitCode: 'soc-children-youth', legalBasis: 'LUL 11 §', clock: previousStep },
    immediateProtection: fastStep({
      title: 'Immediate protection',
      legalBasis: 'LVU 6 §',
      clock: previousStep,
      deadline: { kind: 'span', span: { amount: 4, unit: 'hours' } },
      notifyOnOpen: ['unitSupervisor'],
      outcomes: ['urgent-decision-made', 'no-urgent-measures'],
    }),
    acuteThreatAssessment: fastStep({ title: 'Acute threat', unitCode: 'police-safety', legalBasis: 'Police Act 2 §', clock: { from: 'opening' }, outcomes: ['contact-made'], ...slow }),
  };
  for (const [key, over] of Object.entries(stepOverrides)) steps[key] = { ...steps[key], ...over };
  return { ...base, cyclesPerRun: 1, steps };
}

/** SIG in seconds with the consent rules of issue 14: all registered guardians, a period, a re-confirmation task. */
export function rulesSigPolicy(version: string, opts: { reviewEverySeconds?: number } = {}): PolicyDocument {
  const base = fastSigPolicy(version, { reviewEverySeconds: opts.reviewEverySeconds ?? 0.1, cyclesPerRun: 4 });
  const onConsent = { clock: { from: 'consent' as const } };
  return {
    ...base,
    consentRules: { guardianRule: 'all-registered', validFor: { amount: 12, unit: 'months' }, reconfirmBefore: { amount: 1, unit: 'months' } },
    steps: {
      ...base.steps,
      actionPlan: { ...base.steps.actionPlan, ...onConsent },
      policeContribution: { ...base.steps.policeContribution, ...onConsent },
      consentReconfirmation: fastStep({ title: 'Re-confirm consent', unitCode: 'vpc-coordination', clock: { from: 'opening' }, outcomes: ['reconfirmed', 'not-reconfirmed'], deadline: slowSpan(60) }),
      acuteThreatAssessment: fastStep({ title: 'Acute threat', unitCode: 'police-safety', legalBasis: 'Police Act 2 §', clock: { from: 'opening' }, outcomes: ['contact-made'], deadline: slowSpan(60) }),
    },
  };
}

/** The exit programme in seconds where outcomes close it and joint-plan steps take "not-needed" while they wait. */
export function rulesExitPolicy(version: string): PolicyDocument {
  const base = fastExitPolicy(version);
  const steps = { ...base.steps };
  steps.firstConversation = { ...steps.firstConversation, outcomes: ['held', 'declined'] };
  steps.initialAssessment = { ...steps.initialAssessment, outcomes: ['motivated', 'not-motivated'] };
  for (const key of ['jointPlanHousing', 'jointPlanEmployment', 'jointPlanAddiction', 'jointPlanPolice']) {
    const step = steps[key];
    steps[key] = { ...step, outcomes: ['agreed', 'not-needed'], consent: { ...step.consent!, outcomesWhileWaiting: ['not-needed'] } };
  }
  return { ...base, steps };
}

/**
 * SIG in which the police hold two kinds of task: the police contribution (police-local), resting
 * on consent to share with the police for "sig", and an acute-threat assessment (police-safety), resting on a
 * legal basis. Social services' action plan (soc-adults) rests on consent for "sig" to them.
 */
export function sharingSigPolicy(version: string, opts: { consentWaitSeconds?: number } = {}): PolicyDocument {
  const base = fastSigPolicy(version, { consentWaitSeconds: opts.consentWaitSeconds ?? 3600 });
  return {
    ...base,
    steps: {
      ...base.steps,
      acuteThreatAssessment: fastStep({
        title: 'Acute threat assessment',
        unitCode: 'police-safety',
        legalBasis: 'Police Act (1984:387) 2 §',
        deadline: slowSpan(3600),
        outcomes: ['assessed'],
      }),
    },
  };
}
