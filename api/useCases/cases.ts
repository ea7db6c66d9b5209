import { createHash, randomInt } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { ErrorCode } from '../../domain/errors';
import { policyDocumentSchema, missingSteps, type CaseType, type PolicyDocument } from '../../domain/policy';
import { normalisePersonnummer } from '../../security/personnummer';
import type { RoutingDecision } from '../../domain/messages';
import { routeReferral, routingTableSchema, type RoutingTable } from '../../domain/routing';
import { exitProgrammeCase, socialInterventionGroupCase, triageCase, youthConcernCase } from '../../workflows';
import type { ApiDeps } from '../context';
import { AppError } from '../errors';
import type { ReferralBody, StartCaseBody } from '../schemas';

const refAlphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford: no I, L, O, U to misread

/** A case reference that is safe to put in emails, IDs and logs: random, never derived from the person. */
export function newCaseId(now: Date): string {
  let suffix = '';
  for (let i = 0; i < 8; i++) suffix += refAlphabet[randomInt(refAlphabet.length)];
  return `VPC-${now.getUTCFullYear()}-${suffix}`;
}

const workflowFor: Record<CaseType, typeof youthConcernCase> = {
  'youth-concern': youthConcernCase,
  'social-intervention-group': socialInterventionGroupCase,
  'exit-programme': exitProgrammeCase,
  triage: triageCase,
};

// Published versions are immutable (publishPolicy refuses a changed document), so a version's
// parsed document can be kept by row id; only "which row is active" is asked per request.
const parsedPolicies = new Map<string, PolicyDocument>();
const parsedRoutingTables = new Map<string, RoutingTable>();

async function activePolicy({ prisma }: ApiDeps, caseType: CaseType): Promise<PolicyDocument> {
  const row = await prisma.policy.findFirst({
    where: { caseType, activatedAt: { lte: new Date() } },
    orderBy: [{ activatedAt: 'desc' }, { createdAt: 'desc' }],
    select: { id: true },
  });
  if (!row) throw new AppError(ErrorCode.PolicyNotFound, `no active policy for case type ${caseType}`);
  const cached = parsedPolicies.get(row.id);
  if (cached) return cached;
  const { document } = await prisma.policy.findUniqueOrThrow({ where: { id: row.id }, select: { document: true } });
  const policy = policyDocumentSchema.parse(document);
  const missing = missingSteps(policy);
  if (missing.length) throw new AppError(ErrorCode.PolicyNotFound, `policy ${policy.version} lacks steps: ${missing.join(', ')}`);
  parsedPolicies.set(row.id, policy);
  return policy;
}

/** AAD for an encrypted subject column: binds the ciphertext to its row and column. */
export const subjectContext = (caseId: string, column: string) => `case_subject.${column}:${caseId}`;
export async function activeRoutingTable({ prisma }: ApiDeps): Promise<RoutingTable> {
  const row = await prisma.routingTable.findFirst({
    where: { activatedAt: { lte: new Date() } },
    orderBy: [{ activatedAt: 'desc' }, { createdAt: 'desc' }],
    select: { id: true },
  });
  if (!row) throw new AppError(ErrorCode.PolicyNotFound, 'no active routing table');
  const cached = parsedRoutingTables.get(row.id);
  if (cached) return cached;
  const { document } = await prisma.routingTable.findUniqueOrThrow({ where: { id: row.id }, select: { document: true } });
  const table = routingTableSchema.parse(document);
  parsedRoutingTables.set(row.id, table);
  return table;
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

async function replayKeyed(deps: ApiDeps, keyHash: string, requestHash: string) {
  const existing = await deps.prisma.case.findUnique({ where: { idempotencyKey: keyHash } });
  if (!existing) return undefined;
  if (existing.requestHash !== requestHash) {
    throw new AppError(ErrorCode.IdempotencyKeyReused, 'the Idempotency-Key was already used for a different request');
  }
  return {
    replayed: true,
    body: {
      caseId: existing.id,
      caseType: existing.caseType,
      policyVersion: existing.policyVersion,
      linkedCaseId: existing.linkedCaseId,
      routing: existing.routingVersion ? { tableVersion: existing.routingVersion, ruleId: existing.routingRule } : null,
      links: { self: `/cases/${existing.id}` },
    },
  };
}

/** POST /cases: the coordinator names the case type; no routing tracks apply. */
export async function startCase(deps: ApiDeps, body: StartCaseBody, opts: StartCaseOptions = { actor: 'anonymous' }) {
  return startCaseOfType(deps, body.caseType, body.referral, undefined, opts, body);
}

/**
 * POST /referrals: the active routing table decides the case type, tracks and units. A referral
 * no rule matches becomes a coordinator's triage case: it is never dropped.
 */
export async function routeAndStart(deps: ApiDeps, referral: ReferralBody, opts: StartCaseOptions = { actor: 'anonymous' }) {
  const table = await activeRoutingTable(deps);
  const rule = routeReferral(table, {
    sourceAgency: referral.sourceAgency,
    ageYears: referral.subject.ageYears,
    category: referral.category,
    district: referral.district,
    suspectedOfCrime: referral.suspectedOfCrime,
    urgency: referral.urgency,
  });
  const routing: RoutingDecision = {
    tableVersion: table.version,
    ruleId: rule?.id ?? 'no-match',
    tracks: rule?.then.tracks ?? [],
    units: rule?.then.units ?? {},
    subjectIsMinor: referral.subject.ageYears < 18,
  };
  return startCaseOfType(deps, rule?.then.caseType ?? 'triage', referral, routing, opts, { referral });
}

/**
 * Records the case and its subject and starts the workflow in one transaction: if the start
 * fails, nothing is left behind. The workflow gets the policy snapshot but no personal data.
 * The subject's data is stored encrypted; a referral for a person who already has a case
 * (same keyed hash of the personnummer) is linked to that person's first case.
 */
async function startCaseOfType(
  deps: ApiDeps,
  caseType: CaseType,
  referral: ReferralBody,
  routing: RoutingDecision | undefined,
  opts: StartCaseOptions,
  request: unknown,
) {
  // With an Idempotency-Key the case id is derived from the key, so a client retrying after a lost
  // answer (or an API crash between starting the workflow and committing) reaches the same case.
  const keyHash = opts.idempotencyKey === undefined ? undefined : sha256(`${opts.actor}\n${opts.idempotencyKey}`);
  const requestHash = sha256(JSON.stringify(request));
  if (keyHash) {
    const replay = await replayKeyed(deps, keyHash, requestHash);
    if (replay) return replay;
  }
  const policy = await activePolicy(deps, caseType);
  const now = new Date();
  const caseId = keyHash ? caseIdForKey(keyHash, now) : newCaseId(now);
  const receivedAt = referral.receivedAt ? new Date(referral.receivedAt).toISOString() : now.toISOString();
  const { fieldCrypto } = deps;
  const pin = referral.subject.personalIdentityNumber;
  const pinHash = pin ? fieldCrypto.lookupHash(normalisePersonnummer(pin)) : null;
  const enc = (value: string | undefined, column: string) => (value ? fieldCrypto.encrypt(value, subjectContext(caseId, column)) : null);
  // Cases started by type still learn whether the subject is a minor: consent then needs a guardian too.
  const decision = routing ?? { tableVersion: 'none', ruleId: 'by-type', tracks: [], units: {}, subjectIsMinor: referral.subject.ageYears < 18 };

  let linkedCaseId: string | null = null;
  const facts = {
    caseType,
    policyVersion: policy.version,
    category: referral.category,
    sourceAgency: referral.sourceAgency,
    urgency: referral.urgency,
    routingVersion: routing?.tableVersion ?? null,
    routingRule: routing?.ruleId ?? null,
    idempotencyKey: keyHash ?? null,
    requestHash: keyHash ? requestHash : null,
  };
  const subject = {
    displayNameEnc: enc(referral.subject.displayName, 'display_name'),
    personalIdentityNumberEnc: pin ? enc(normalisePersonnummer(pin), 'personal_identity_number') : null,
    personalIdentityNumberHash: pinHash,
    ageYears: referral.subject.ageYears,
    narrativeEnc: enc(referral.narrative, 'narrative'),
  };
  try {
    await deps.prisma.$transaction(
      async (tx) => {
        if (pinHash) {
          const earlier = await tx.caseSubject.findFirst({
            where: { personalIdentityNumberHash: pinHash, caseId: { not: caseId } },
            orderBy: { createdAt: 'asc' },
            select: { case: { select: { id: true, linkedCaseId: true } } },
          });
          linkedCaseId = earlier ? (earlier.case.linkedCaseId ?? earlier.case.id) : null;
        }
        const written = keyHash ? await tx.case.findUnique({ where: { id: caseId } }) : null;
        if (written && written.idempotencyKey !== null) {
          // Two keys mapped to one id (40 bits of hash); refuse rather than merge two referrals.
          throw new AppError(ErrorCode.IdempotencyKeyReused, 'the Idempotency-Key collides with another request; use a new key');
        }
        if (written) {
          // The workflow of a crashed earlier attempt wrote the row first: add what only the request knows.
          await tx.case.update({ where: { id: caseId }, data: { ...facts, linkedCaseId } });
          await tx.caseSubject.upsert({ where: { caseId }, create: { caseId, ...subject }, update: subject });
        } else {
          await tx.case.create({
            data: {
              id: caseId,
              workflowId: caseId,
              status: 'starting',
              currentStep: 'receipt',
              ...facts,
              linkedCaseId,
              subject: { create: subject },
            },
          });
        }
        try {
          await deps.temporal.workflow.start(workflowFor[caseType], {
            workflowId: caseId,
            taskQueue: deps.config.taskQueue,
            workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
            args: [{ caseId, policy, receivedAt, receiptStated: referral.receivedAt !== undefined, routing: decision }],
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

  return {
    replayed: false,
    body: {
      caseId,
      caseType,
      policyVersion: policy.version,
      linkedCaseId,
      routing: routing ? { tableVersion: routing.tableVersion, ruleId: routing.ruleId, tracks: routing.tracks } : null,
      links: { self: `/cases/${caseId}`, ...(linkedCaseId ? { linkedCase: `/cases/${linkedCaseId}` } : {}) },
    },
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
      consents: { orderBy: { createdAt: 'asc' } },
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
    routing: row.routingVersion ? { tableVersion: row.routingVersion, ruleId: row.routingRule } : null,
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
      overdue: (t.status === 'open' || t.status === 'waiting-for-consent') && t.dueAt.getTime() < Date.now(),
      legalBasis: t.legalBasis,
      consent: t.consentAgency ? { agency: t.consentAgency, purpose: t.consentPurpose } : null,
      withdrawnAt: t.withdrawnAt?.toISOString() ?? null,
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
    // Who consented is personal data: the role is shown, the name stays in the consent row.
    consents: row.consents.map(consentView),
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

export function consentView(c: {
  id: string;
  personRole: string;
  receivingAgency: string;
  purpose: string;
  givenAt: Date;
  expiresAt: Date | null;
  recordedBy: string;
  withdrawnAt: Date | null;
  withdrawnBy: string | null;
}) {
  const expired = c.expiresAt !== null && c.expiresAt.getTime() <= Date.now();
  return {
    consentId: c.id,
    personRole: c.personRole,
    receivingAgency: c.receivingAgency,
    purpose: c.purpose,
    status: c.withdrawnAt ? 'withdrawn' : expired ? 'expired' : 'given',
    givenAt: c.givenAt.toISOString(),
    expiresAt: c.expiresAt?.toISOString() ?? null,
    recordedBy: c.recordedBy,
    withdrawnAt: c.withdrawnAt?.toISOString() ?? null,
    withdrawnBy: c.withdrawnBy,
  };
}
