import { addSpan } from '../domain/deadlines';
import type { Span } from '../domain/policy';
import type { ActivityDeps } from './deps';

export function createCaseActivities({ prisma, clock }: ActivityDeps) {
  return {
    /** A span added in local time (Europe/Stockholm), for when a repeated step next opens. */
    async addSpan(input: { from: string; span: Span; timeZone: string }): Promise<string> {
      return addSpan(new Date(input.from), input.span, { timeZone: input.timeZone }).toISOString();
    },

    /**
     * Keeps the read model's case row in step with the workflow; safe to retry. Only moves status
     * and step: the API records every case row before it starts the workflow, so the row is there.
     */
    async recordCaseProgress(input: {
      caseId: string;
      caseType: string;
      policyVersion: string;
      status: 'open' | 'closed';
      currentStep: string;
    }): Promise<void> {
      const closedAt = input.status === 'closed' ? clock.now() : null;
      await prisma.case.update({ where: { id: input.caseId }, data: { status: input.status, currentStep: input.currentStep, closedAt } });
    },
  };
}
