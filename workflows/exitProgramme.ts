import { continueAsNew, patched } from '@temporalio/workflow';
import { reopenableSteps } from '../domain/caseClosing';
import type { CaseResult, CaseWorkflowInput, TaskResult } from '../domain/messages';
import { closedByCoordinator, createCaseKit, type CaseCarry } from './caseKit';
import { repeatUntilClosed } from './repeating';

export interface ExitCaseInput extends CaseWorkflowInput {
  /** Set by continue-as-new: the monthly follow-up loop resumes here. */
  carry?: CaseCarry;
}

/**
 * Exit programme (avhopparverksamhet), the seven steps: contact with the coordinator (the
 * referral) → unconditional first conversation (7 days) → initial assessment → continued mapping
 * in parallel with engaging the social-services and police working group and the police threat
 * assessment → a joint plan with tasks for several agencies at once → monthly joint follow-up
 * until one closes the case. Routing's "acute-threat" track adds a same-day task for the police
 * safety unit at once, beside everything else. A person who declines the first conversation, or
 * is not motivated, closes the case with that outcome. A reopened case starts again at its first
 * conversation, its initial assessment or its follow-ups.
 */
export async function exitProgrammeCase(input: ExitCaseInput): Promise<CaseResult> {
  const kit = createCaseKit(input, input.carry);
  // Where a reopened case starts (0: a first run starts at the beginning).
  const from = input.reopen ? Math.max(0, reopenableSteps['exit-programme'].indexOf(input.reopen.fromStep)) : 0;

  /** The programme; answers why it closed when not simply completed. */
  const run = async (): Promise<string | undefined> => {
    if (!input.carry) {
      // Cases started before keep their path: "declined" and "not-motivated" still opened every step.
      const outcomesClose = input.reopen !== undefined || patched('exit-outcomes-close');
      await kit.progress('open', input.reopen?.fromStep ?? 'contact');
      if (outcomesClose && !input.reopen) await kit.startCompanions();
      const acute: Promise<TaskResult | undefined> = !input.reopen && input.routing?.tracks.includes('acute-threat')
        ? kit.runStep('acuteThreatAssessment', { startAt: kit.fromReceipt })
        : Promise.resolve(undefined);
      const programme = async (): Promise<string | undefined> => {
        if (from >= 2) return undefined; // reopened at the follow-ups
        let first: TaskResult | undefined;
        if (from === 0) {
          first = await kit.runStep('firstConversation', { startAt: kit.fromReceipt });
          if (outcomesClose && first.outcome === 'declined') return 'declined';
        }
        const assessment = await kit.runStep('initialAssessment', first ? { after: first } : { startAt: kit.fromReceipt });
        if (outcomesClose && assessment.outcome === 'not-motivated') return 'not-motivated';
        await kit.progress('open', 'mapping-and-threat-assessment');
        await Promise.all(['mapping', 'workingGroup', 'threatAssessment'].map((step) => kit.runStep(step, { after: assessment })));
        await kit.progress('open', 'joint-plan');
        await Promise.all(
          ['jointPlanHousing', 'jointPlanEmployment', 'jointPlanAddiction', 'jointPlanPolice'].map((step) => kit.runStep(step)),
        );
        return undefined;
      };
      // Awaited together, so a failure of the acute track is never an unhandled rejection.
      const [, closeReason] = await Promise.all([acute, programme()]);
      if (closeReason) return closeReason;
    }
    await repeatUntilClosed(kit, input, 'followUp', (carry) => continueAsNew<typeof exitProgrammeCase>({ ...input, carry }));
    return undefined;
  };

  const ended = await kit.untilClosed(run());
  if (ended === closedByCoordinator) return kit.closeNow();
  await kit.close(ended);
  return { caseId: input.caseId, status: 'closed', steps: kit.state.completedSteps, ...(ended ? { closeReason: ended } : {}) };
}
