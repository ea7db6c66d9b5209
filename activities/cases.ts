import { ApplicationFailure } from '@temporalio/activity';
import { addSpan } from '../domain/deadlines';
import { ErrorCode } from '../domain/errors';
import { missingSteps, policyDocumentSchema, type CaseType, type PolicyDocument, type Span } from '../domain/policy';
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
      /** Why a closed case closed, when not simply completed. */
      closeReason?: string;
    }): Promise<void> {
      const closedAt = input.status === 'closed' ? clock.now() : null;
      await prisma.case.update({
        where: { id: input.caseId },
        data: { status: input.status, currentStep: input.currentStep, closedAt, closeReason: input.closeReason ?? null },
      });
    },

    /**
     * The policy of a case started beside another for the same referral (a minor's youth concern
     * beside a voluntary programme): the version the API recorded its row with, when it recorded
     * the case beside it. Reads only; safe to retry.
     */
    async openCompanionCase(input: { caseId: string; caseType: CaseType; besideCaseId: string }): Promise<PolicyDocument> {
      const row = await prisma.case.findUnique({ where: { id: input.caseId }, select: { caseType: true, policyVersion: true } });
      if (row?.caseType !== input.caseType) {
        throw ApplicationFailure.nonRetryable(`no ${input.caseType} case recorded beside ${input.besideCaseId}`, ErrorCode.CaseNotFound);
      }
      const policy = await prisma.policy.findUnique({ where: { caseType_version: { caseType: row.caseType, version: row.policyVersion } } });
      const document = policyDocumentSchema.parse(policy?.document);
      if (missingSteps(document).length) throw ApplicationFailure.nonRetryable(`policy ${document.version} lacks steps`, ErrorCode.PolicyNotFound);
      return document;
    },
  };
}
