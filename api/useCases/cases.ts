import { createHash, randomInt } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
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

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The case id a keyed request gets: the same on every retry, so a retry finds its workflow. */
function caseIdForKey(keyHash: string, now: Date): string {
  const bytes = Buffer.from(keyHash, 'hex');
  let suffix = '';
  for (let i = 0; i < 8; i++) suffix += refAlphabet[bytes[i] % refAlphabet.length];
  return `VPC-${now.getUTCFullYear()}-${suffix}`;
}

export interface StartCaseOptions {
  actor: string;
  /** From the Idempotency-Key header: the same key (for the same actor) starts at most one case. */
  idempotencyKey?: string;
}

function startedView(caseId: string, caseType: string, policyVersion: string) {
  return { caseId, caseType, policyVersion, links: { self: `/cases/${caseId}` } };
}

async function replayKeyed(deps: ApiDeps, keyHash: string, requestHash: string) {
  const existing = await deps.prisma.case.findUnique({ where: { idempotencyKey: keyHash } });
  if (!existing) return undefined;
  if (existing.requestHash !== requestHash) {
    throw new AppError(ErrorCode.IdempotencyKeyReused, 'the Idempotency-Key was already used for a different request');
  }
  return { replayed: true, body: startedView(existing.id, existing.caseType, existing.policyVersion) };
}

/**
 * Records the case and its subject and starts the workflow in one transaction: if the start
 * fails, nothing is left behind. The workflow gets the policy snapshot but no personal data.
 *
 * With an Idempotency-Key the case id is derived from the key, so a client retrying after a lost
 * answer (or an API crash between starting the workflow and committing) reaches the same case:
 * an already started workflow counts as started, and a row the workflow wrote first is completed.
 */
export async function startCase(deps: ApiDeps, body: StartCaseBody, opts: StartCaseOptions = { actor: 'anonymous' }) {
  const keyHash = opts.idempotencyKey === undefined ? undefined : sha256(`${opts.actor}\n${opts.idempotencyKey}`);
  const requestHash = sha256(JSON.stringify(body));
  if (keyHash) {
    const replay = await replayKeyed(deps, keyHash, requestHash);
    if (replay) return replay;
  }
  const policy = await activePolicy(deps, body.caseType);
  const now = new Date();
  const caseId = keyHash ? caseIdForKey(keyHash, now) : newCaseId(now);
  const { referral } = body;
  const receivedAt = referral.receivedAt ? new Date(referral.receivedAt).toISOString() : now.toISOString();
  const facts = {
    category: referral.category,
    sourceAgency: referral.sourceAgency,
    urgency: referral.urgency,
    idempotencyKey: keyHash ?? null,
    requestHash: keyHash ? requestHash : null,
  };
  const subject = {
    displayName: referral.subject.displayName ?? null,
    personalIdentityNumber: referral.subject.personalIdentityNumber ?? null,
    ageYears: referral.subject.ageYears,
    narrative: referral.narrative ?? null,
  };

  try {
    await deps.prisma.$transaction(
      async (tx) => {
        const written = keyHash ? await tx.case.findUnique({ where: { id: caseId } }) : null;
        if (written && written.idempotencyKey !== null) {
          // Two keys mapped to one id (40 bits of hash); refuse rather than merge two referrals.
          throw new AppError(ErrorCode.IdempotencyKeyReused, 'the Idempotency-Key collides with another request; use a new key');
        }
        if (written) {
          // The workflow of a crashed earlier attempt wrote the row first: add what only the request knows.
          await tx.case.update({ where: { id: caseId }, data: facts });
          await tx.caseSubject.upsert({ where: { caseId }, create: { caseId, ...subject }, update: subject });
        } else {
          await tx.case.create({
            data: {
              id: caseId,
              workflowId: caseId,
              caseType: body.caseType,
              policyVersion: policy.version,
              status: 'starting',
              currentStep: 'receipt',
              ...facts,
              subject: { create: subject },
            },
          });
        }
        try {
          await deps.temporal.workflow.start(workflowFor[body.caseType], {
            workflowId: caseId,
            taskQueue: deps.config.taskQueue,
            workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
            args: [{ caseId, policy, receivedAt }],
          });
        } catch (err) {
          // Only a keyed retry may find its workflow already running: the earlier attempt started it.
          if (!(keyHash && err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        }
      },
      { timeout: 20_000, maxWait: 10_000 },
    );
  } catch (err) {
    // A concurrent request with the same key won the insert: answer as it did.
    if (keyHash && (err as { code?: string }).code === 'P2002') {
      const replay = await replayKeyed(deps, keyHash, requestHash);
      if (replay) return replay;
    }
    throw err;
  }

  return { replayed: false, body: startedView(caseId, body.caseType, policy.version) };
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
