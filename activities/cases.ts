import { addSpan } from '../domain/deadlines';
import type { Span } from '../domain/policy';
import type { ActivityDeps } from './deps';

export function createCaseActivities({ prisma, clock }: ActivityDeps) {
  return {
    /** A span added in local time (Europe/Stockholm), for when a repeated step next opens. */
    async addSpan(input: { from: string; span: Span; timeZone: string }): Promise<string> {
      return addSpan(new Date(input.from), input.span, { timeZone: input.timeZone }).toISOString();
    },

    /** Keeps the read model's case row in step with the workflow; safe to retry. */
    async recordCaseProgress(input: {
      caseId: string;
      caseType: string;
      policyVersion: string;
      status: 'open' | 'closed';
      currentStep: string;
    }): Promise<void> {
      const closedAt = input.status === 'closed' ? clock.now() : null;
      await prisma.case.upsert({
        where: { id: input.caseId },
        create: {
          id: input.caseId,
          workflowId: input.caseId,
          caseType: input.caseType,
          policyVersion: input.policyVersion,
          status: input.status,
          currentStep: input.currentStep,
          closedAt,
        },
        update: { status: input.status, currentStep: input.currentStep, closedAt },
      });
    },
  };
}
