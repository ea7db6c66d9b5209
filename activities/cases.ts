import { ApplicationFailure } from '@temporalio/activity';
import { addSpan } from '../domain/deadlines';
import { ErrorCode } from '../domain/errors';
import { missingSteps, policyDocumentSchema, type CaseType, type PolicyDocument, type Span } from '../domain/policy';
import type { ActivityDeps } from './deps';

/** A new case row's own columns (the workflow id is the case id). */
const caseRow = (id: string, caseType: string, policyVersion: string, status: string, currentStep: string) => ({ id, workflowId: id, caseType, policyVersion, status, currentStep });

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
      /** Why a closed case closed, when not simply completed. */
      closeReason?: string;
    }): Promise<void> {
      const closedAt = input.status === 'closed' ? clock.now() : null;
      const closeReason = input.closeReason ?? null;
      await prisma.case.upsert({
        where: { id: input.caseId },
        create: { ...caseRow(input.caseId, input.caseType, input.policyVersion, input.status, input.currentStep), closedAt, closeReason },
        update: { status: input.status, currentStep: input.currentStep, closedAt, closeReason },
      });
    },

    /**
     * Records a case started beside another for the same referral (a minor's youth concern beside
     * a voluntary programme), linked to the person's first case, and returns the active policy it
     * runs on. The subject's personal data stays on the first case; safe to retry.
     */
    async openCompanionCase(input: { caseId: string; caseType: CaseType; besideCaseId: string }): Promise<PolicyDocument> {
      const beside = await prisma.case.findUniqueOrThrow({ where: { id: input.besideCaseId } });
      const row = await prisma.policy.findFirst({
        where: { caseType: input.caseType, activatedAt: { lte: clock.now() } },
        orderBy: [{ activatedAt: 'desc' }, { createdAt: 'desc' }],
      });
      if (!row) throw ApplicationFailure.nonRetryable(`no active policy for ${input.caseType}`, ErrorCode.PolicyNotFound);
      const policy = policyDocumentSchema.parse(row.document);
      const missing = missingSteps(policy);
      if (missing.length) throw ApplicationFailure.nonRetryable(`policy ${policy.version} lacks steps`, ErrorCode.PolicyNotFound);
      await prisma.case.upsert({
        where: { id: input.caseId },
        create: {
          ...caseRow(input.caseId, input.caseType, policy.version, 'open', 'receipt'),
          category: beside.category,
          sourceAgency: beside.sourceAgency,
          urgency: beside.urgency,
          routingVersion: beside.routingVersion,
          routingRule: beside.routingRule,
          linkedCaseId: beside.linkedCaseId ?? beside.id,
        },
        update: {},
      });
      return policy;
    },
  };
}
