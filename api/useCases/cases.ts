import { randomInt } from 'node:crypto';
import { ErrorCode } from '../../domain/errors';
import { policyDocumentSchema, missingSteps, type CaseType, type PolicyDocument } from '../../domain/policy';
import { youthConcernCase } from '../../workflows';
import type { ApiDeps } from '../context';
import { AppError } from '../errors';
import type { StartCaseBody } from '../schemas';

const refAlphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford: no I, L, O, U to misread

/** A case reference that is safe to put in emails, IDs and logs: random, never derived from the person. */
export function newCaseId(now: Date): string {
  let suffix = '';
  for (let i = 0; i < 8; i++) suffix += refAlphabet[randomInt(refAlphabet.length)];
  return `VPC-${now.getUTCFullYear()}-${suffix}`;
}

const workflowFor: Record<CaseType, typeof youthConcernCase> = {
  'youth-concern': youthConcernCase,
};

async function activePolicy({ prisma }: ApiDeps, caseType: CaseType): Promise<PolicyDocument> {
  const row = await prisma.policy.findFirst({
    where: { caseType, activatedAt: { lte: new Date() } },
    orderBy: { activatedAt: 'desc' },
  });
  if (!row) throw new AppError(ErrorCode.PolicyNotFound, `no active policy for case type ${caseType}`);
  const policy = policyDocumentSchema.parse(row.document);
  const missing = missingSteps(policy);
  if (missing.length) throw new AppError(ErrorCode.PolicyNotFound, `policy ${policy.version} lacks steps: ${missing.join(', ')}`);
  return policy;
}

/**
 * Records the case and its subject and starts the workflow in one transaction: if the start
 * fails, nothing is left behind. The workflow gets the policy snapshot but no personal data.
 */
export async function startCase(deps: ApiDeps, body: StartCaseBody) {
  const policy = await activePolicy(deps, body.caseType);
  const now = new Date();
  const caseId = newCaseId(now);
  const { referral } = body;
  const receivedAt = referral.receivedAt ? new Date(referral.receivedAt).toISOString() : now.toISOString();

  await deps.prisma.$transaction(
    async (tx) => {
      await tx.case.create({
        data: {
          id: caseId,
          workflowId: caseId,
          caseType: body.caseType,
          policyVersion: policy.version,
          status: 'starting',
          currentStep: 'receipt',
          category: referral.category,
          sourceAgency: referral.sourceAgency,
          urgency: referral.urgency,
          subject: {
            create: {
              displayName: referral.subject.displayName ?? null,
              personalIdentityNumber: referral.subject.personalIdentityNumber ?? null,
              ageYears: referral.subject.ageYears,
              narrative: referral.narrative ?? null,
            },
          },
        },
      });
      await deps.temporal.workflow.start(workflowFor[body.caseType], {
        workflowId: caseId,
        taskQueue: deps.config.taskQueue,
        args: [{ caseId, policy, receivedAt }],
      });
    },
    { timeout: 20_000, maxWait: 10_000 },
  );

  return { caseId, caseType: body.caseType, policyVersion: policy.version, links: { self: `/cases/${caseId}` } };
}

export async function getCase({ prisma }: ApiDeps, caseId: string) {
  const row = await prisma.case.findUnique({
    where: { id: caseId },
    include: {
      tasks: {
        orderBy: { startedAt: 'asc' },
        include: {
          unit: { select: { code: true } },
          extensions: { orderBy: { sequence: 'asc' } },
          escalations: { orderBy: { raisedAt: 'asc' } },
          notifications: { orderBy: { createdAt: 'asc' }, select: { kind: true, status: true, createdAt: true, sentAt: true } },
        },
      },
    },
  });
  if (!row) throw new AppError(ErrorCode.CaseNotFound, 'no such case');
  return {
    caseId: row.id,
    caseType: row.caseType,
    policyVersion: row.policyVersion,
    status: row.status,
    currentStep: row.currentStep,
    category: row.category,
    urgency: row.urgency,
    createdAt: row.createdAt.toISOString(),
    closedAt: row.closedAt?.toISOString() ?? null,
    tasks: row.tasks.map((t) => ({
      taskId: t.id,
      stepKey: t.stepKey,
      unit: t.unit.code,
      status: t.status,
      startedAt: t.startedAt.toISOString(),
      dueAt: t.dueAt.toISOString(),
      originalDueAt: t.originalDueAt.toISOString(),
      overdue: t.status === 'open' && t.dueAt.getTime() < Date.now(),
      outcome: t.outcome,
      completedBy: t.completedBy,
      completedAt: t.completedAt?.toISOString() ?? null,
      extensions: t.extensions.map((e) => ({
        sequence: e.sequence,
        previousDueAt: e.previousDueAt.toISOString(),
        newDueAt: e.newDueAt.toISOString(),
        justification: e.justification,
        extendedBy: e.extendedBy,
        createdAt: e.createdAt.toISOString(),
      })),
      escalations: t.escalations.map(escalationView),
      notifications: t.notifications.map((n) => ({
        kind: n.kind,
        status: n.status,
        createdAt: n.createdAt.toISOString(),
        sentAt: n.sentAt?.toISOString() ?? null,
      })),
    })),
  };
}

export function escalationView(e: {
  id: string;
  taskId: string;
  caseId: string;
  level: number;
  target: string;
  status: string;
  dueAt: Date;
  raisedAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  resolvedAt: Date | null;
}) {
  return {
    escalationId: e.id,
    taskId: e.taskId,
    caseId: e.caseId,
    level: e.level,
    target: e.target,
    status: e.status,
    dueAt: e.dueAt.toISOString(),
    raisedAt: e.raisedAt.toISOString(),
    acknowledgedAt: e.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: e.acknowledgedBy,
    resolvedAt: e.resolvedAt?.toISOString() ?? null,
  };
}
