import { randomInt } from 'node:crypto';
import { ErrorCode } from '../../domain/errors';
import { policyDocumentSchema, missingSteps, type CaseType, type PolicyDocument } from '../../domain/policy';
import { normalisePersonnummer } from '../../security/personnummer';
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

/** AAD for an encrypted subject column: binds the ciphertext to its row and column. */
export const subjectContext = (caseId: string, column: string) => `case_subject.${column}:${caseId}`;

/**
 * Records the case and its subject and starts the workflow in one transaction: if the start
 * fails, nothing is left behind. The workflow gets the policy snapshot but no personal data.
 * The subject's data is stored encrypted; a referral for a person who already has a case
 * (same keyed hash of the personnummer) is linked to that person's first case.
 */
export async function startCase(deps: ApiDeps, body: StartCaseBody) {
  const policy = await activePolicy(deps, body.caseType);
  const now = new Date();
  const caseId = newCaseId(now);
  const { referral } = body;
  const receivedAt = referral.receivedAt ? new Date(referral.receivedAt).toISOString() : now.toISOString();
  const { fieldCrypto } = deps;
  const pin = referral.subject.personalIdentityNumber;
  const pinHash = pin ? fieldCrypto.lookupHash(normalisePersonnummer(pin)) : null;
  const enc = (value: string | undefined, column: string) => (value ? fieldCrypto.encrypt(value, subjectContext(caseId, column)) : null);

  let linkedCaseId: string | null = null;
  await deps.prisma.$transaction(
    async (tx) => {
      if (pinHash) {
        const earlier = await tx.caseSubject.findFirst({
          where: { personalIdentityNumberHash: pinHash },
          orderBy: { createdAt: 'asc' },
          select: { case: { select: { id: true, linkedCaseId: true } } },
        });
        linkedCaseId = earlier ? (earlier.case.linkedCaseId ?? earlier.case.id) : null;
      }
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
          linkedCaseId,
          subject: {
            create: {
              displayNameEnc: enc(referral.subject.displayName, 'display_name'),
              personalIdentityNumberEnc: pin ? enc(normalisePersonnummer(pin), 'personal_identity_number') : null,
              personalIdentityNumberHash: pinHash,
              ageYears: referral.subject.ageYears,
              narrativeEnc: enc(referral.narrative, 'narrative'),
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

  return {
    caseId,
    caseType: body.caseType,
    policyVersion: policy.version,
    linkedCaseId,
    links: { self: `/cases/${caseId}`, ...(linkedCaseId ? { linkedCase: `/cases/${linkedCaseId}` } : {}) },
  };
}

/** Every case of the same person: the first case and all linked to it (ids and status only). */
async function relatedCases({ prisma }: ApiDeps, row: { id: string; linkedCaseId: string | null }) {
  const root = row.linkedCaseId ?? row.id;
  const related = await prisma.case.findMany({
    where: { OR: [{ id: root }, { linkedCaseId: root }], NOT: { id: row.id } },
    orderBy: { createdAt: 'asc' },
    select: { id: true, status: true, createdAt: true },
  });
  return related.map((c) => ({ caseId: c.id, status: c.status, createdAt: c.createdAt.toISOString() }));
}

export async function getCase(deps: ApiDeps, caseId: string) {
  const { prisma } = deps;
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
    pseudonymisedAt: row.pseudonymisedAt?.toISOString() ?? null,
    linkedCaseId: row.linkedCaseId,
    relatedCases: await relatedCases(deps, row),
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
