import type { ActivityDeps } from './deps';

export function createCaseActivities({ prisma, clock }: ActivityDeps) {
  return {
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
