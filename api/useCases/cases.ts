import { createHash, randomBytes } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { ErrorCode } from '../../domain/errors';
import { policyDocumentSchema, missingSteps, type CaseType, type PolicyDocument } from '../../domain/policy';
import { normalisePersonnummer } from '../../security/personnummer';
import type { CaseWorkflowInput, RoutingDecision } from '../../domain/messages';
import { Prisma, sqlPool } from '../../prisma/client';
import { alongsideOf, routeReferral, routingTableSchema, type RoutingTable } from '../../domain/routing';
import { exitProgrammeCase, socialInterventionGroupCase, triageCase, youthConcernCase } from '../../workflows';
import { log } from '../../config/log';
import { auditColumns, type InlineAudit } from '../audit';
import type { ApiDeps } from '../context';
import { AppError, isUnavailable } from '../errors';
import type { ReferralBody, StartCaseBody } from '../schemas';
import { overdueSeconds } from './tasks';

const refAlphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford: no I, L, O, U to misread

/** A case reference that is safe to put in emails, IDs and logs: random, never derived from the person. */
export function newCaseId(now: Date): string {
  // 40 random bits, five per character.
  const bits = randomBytes(5).readUIntBE(0, 5);
  let suffix = '';
  for (let i = 7; i >= 0; i--) suffix += refAlphabet[Math.floor(bits / 32 ** i) % 32];
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

async function policyById({ prisma }: ApiDeps, id: string): Promise<PolicyDocument> {
  const cached = parsedPolicies.get(id);
  if (cached) return cached;
  const { document } = await prisma.policy.findUniqueOrThrow({ where: { id }, select: { document: true } });
  return parsedPolicy(id, document);
}

// The reconciler finds policies by (case type, version); a published version never changes its row.
const policyIdsByVersion = new Map<string, string>();

async function policyByVersion({ prisma }: ApiDeps, caseType: string, version: string): Promise<PolicyDocument> {
  const key = `${caseType}\n${version}`;
  const id = policyIdsByVersion.get(key);
  if (id) return parsedPolicies.get(id)!;
  const row = await prisma.policy.findUniqueOrThrow({ where: { caseType_version: { caseType, version } }, select: { id: true, document: true } });
  const policy = parsedPolicy(row.id, row.document);
  policyIdsByVersion.set(key, row.id);
  return policy;
}

function parsedPolicy(id: string, document: unknown): PolicyDocument {
  const cached = parsedPolicies.get(id);
  if (cached) return cached;
  const policy = policyDocumentSchema.parse(document);
  const missing = missingSteps(policy);
  if (missing.length) throw new AppError(ErrorCode.PolicyNotFound, `policy ${policy.version} lacks steps: ${missing.join(', ')}`);
  parsedPolicies.set(id, policy);
  return policy;
}

/** AAD for an encrypted subject column: binds the ciphertext to its row and column. */
export const subjectContext = (caseId: string, column: string) => `case_subject.${column}:${caseId}`;

/** The subject's columns for case `caseId`: personal data encrypted (bound to the row), the personnummer also as a keyed hash. */
function subjectColumns({ fieldCrypto }: ApiDeps, caseId: string, referral: ReferralBody) {
  const enc = (value: string | undefined, column: string) => (value ? fieldCrypto.encrypt(value, subjectContext(caseId, column)) : null);
  const pin = referral.subject.personalIdentityNumber ? normalisePersonnummer(referral.subject.personalIdentityNumber) : undefined;
  return {
    displayNameEnc: enc(referral.subject.displayName, 'display_name'),
    personalIdentityNumberEnc: enc(pin, 'personal_identity_number'),
    personalIdentityNumberHash: pin ? fieldCrypto.lookupHash(pin) : null,
    ageYears: referral.subject.ageYears,
    narrativeEnc: enc(referral.narrative, 'narrative'),
  };
}
type SubjectColumns = ReturnType<typeof subjectColumns>;
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
  /** The request's audit row, committed with the case it records (see startCaseOfType). */
  audit?: InlineAudit;
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
    ...(alongsideOf(rule, referral.subject).length ? { alongside: alongsideOf(rule, referral.subject) } : {}),
  };
  return startCaseOfType(deps, rule?.then.caseType ?? 'triage', referral, routing, opts, { referral });
}

interface RecordedCase {
  policyId: string;
  policyVersion: string;
  /** Null when the id or Idempotency-Key is taken: nothing was written. */
  caseId: string | null;
  linkedCaseId: string | null;
}

/** The person's first case ($11: keyed hash of the personnummer); later cases link to it. */
const firstCaseOfPerson = `(
      SELECT coalesce(c.linked_case_id, c.id)
      FROM case_subject s JOIN "case" c ON c.id = s.case_id
      WHERE s.personal_identity_number_hash = $11::text
      ORDER BY s.created_at
      LIMIT 1)`;

/**
 * One round trip (a named prepared statement): picks the active policy, finds the person's first
 * case by the keyed hash of the personnummer, writes the case row ("starting"), its encrypted
 * subject and, when given ($16 on), the request's audit row. No active policy: no row at all. Id
 * or Idempotency-Key taken: a row with caseId null and nothing written.
 *
 * Two texts, by whether the subject is identified. With one text for both, PostgreSQL re-planned
 * it on every anonymous case (a custom plan folds the null lookup away, so it never settled on the
 * cached plan): ~0.3 ms of database CPU per case start, measured. test/db/recordCasePlan.test.ts
 * holds both to one plan.
 */
const recordCaseSql = (identified: boolean) => `
  WITH active_policy AS (
    SELECT id, version FROM policy
    WHERE case_type = $2 AND activated_at <= now()
    ORDER BY activated_at DESC, created_at DESC
    LIMIT 1
  ), new_case AS (
    INSERT INTO "case" (id, workflow_id, case_type, policy_version, status, current_step, category, source_agency, urgency,
                        routing_version, routing_rule, linked_case_id, idempotency_key, request_hash, start_args, updated_at)
    SELECT $1, $1, $2, p.version, 'starting', 'receipt', $3, $4, $5, $6, $7, ${identified ? firstCaseOfPerson : 'NULL'}, $8, $9, $10::jsonb, now()
    FROM active_policy p
    ON CONFLICT DO NOTHING
    RETURNING id, linked_case_id
  ), new_subject AS (
    INSERT INTO case_subject (case_id, personal_identity_number_hash, display_name_enc, personal_identity_number_enc, age_years, narrative_enc)
    SELECT id, $11, $12, $13, $14::int, $15 FROM new_case
  ), new_audit AS (
    INSERT INTO audit_event (id, at, actor, actor_roles, action, method, route, status, case_id, task_id, detail)
    SELECT gen_random_uuid(), $16::timestamptz, $17, $18, $19, $20, $21, $22::int, id, $23, $24::jsonb
    FROM new_case WHERE $16::timestamptz IS NOT NULL
  )
  SELECT p.id AS "policyId", p.version AS "policyVersion", c.id AS "caseId", c.linked_case_id AS "linkedCaseId"
  FROM active_policy p LEFT JOIN new_case c ON true`;

const recordCaseStatements = {
  identified: { name: 'record-case-identified', text: recordCaseSql(true) },
  anonymous: { name: 'record-case-anonymous', text: recordCaseSql(false) },
};

export interface RecordCaseInput {
  caseId: string;
  caseType: CaseType;
  referral: ReferralBody;
  routing: RoutingDecision | undefined;
  keyHash: string | undefined;
  requestHash: string;
  startArgs: StartArgs;
  subject: SubjectColumns;
  auditRow: ReturnType<InlineAudit['row']> | undefined;
}

/** The record-case statement and its values for one case (exported for the plan test). */
export function recordCaseQuery(input: RecordCaseInput) {
  const { caseId, caseType, referral, routing, keyHash, requestHash, startArgs, subject, auditRow } = input;
  return {
    ...recordCaseStatements[subject.personalIdentityNumberHash === null ? 'anonymous' : 'identified'],
    values: [
      caseId,
      caseType,
      referral.category,
      referral.sourceAgency,
      referral.urgency ?? null,
      routing?.tableVersion ?? null,
      routing?.ruleId ?? null,
      keyHash ?? null,
      keyHash ? requestHash : null,
      JSON.stringify(startArgs),
      subject.personalIdentityNumberHash,
      subject.displayNameEnc,
      subject.personalIdentityNumberEnc,
      subject.ageYears,
      subject.narrativeEnc,
      ...auditValues(auditRow),
    ],
  };
}

/** $16–$24 of the record-case statement: the audit row's columns but its case id, which is the new row's own; all null for no row. */
function auditValues(row: ReturnType<InlineAudit['row']> | undefined) {
  if (!row) return Array<null>(9).fill(null);
  const [at, actor, roles, action, method, route, status, , taskId, detail] = auditColumns(row.at, row.entry);
  return [at, actor, roles, action, method, route, status, taskId, detail];
}

/** The workflow input apart from the policy snapshot: kept on the case row (no personal data). */
type StartArgs = Omit<CaseWorkflowInput, 'caseId' | 'policy'>;

interface CaseRowForStart {
  id: string;
  caseType: string;
  policyVersion: string;
  startArgs: unknown;
}

/**
 * Starts the case's workflow from what its row recorded. Starting twice is harmless: the workflow
 * id is the case id, and a workflow that is already there is the one this row asked for.
 */
async function startRecordedCase(deps: ApiDeps, row: CaseRowForStart): Promise<void> {
  const policy = await policyByVersion(deps, row.caseType, row.policyVersion);
  await startWorkflow(deps, row.caseType as CaseType, { caseId: row.id, policy, ...(row.startArgs as StartArgs) });
}

/** How long a request (or the reconciler) waits for Temporal to take a recorded case's start before leaving it to the reconciler. */
const startDeadlineMs = 5_000;

async function startWorkflow(deps: ApiDeps, caseType: CaseType, input: CaseWorkflowInput): Promise<void> {
  try {
    // Bounded: with Temporal away the client would retry for ~19 s, and neither a caller nor the
    // reconciler need wait for that; a start that lands after the deadline is found next time as
    // already there.
    await deps.temporal.connection.withDeadline(Date.now() + startDeadlineMs, () =>
      deps.temporal.workflow.start(workflowFor[caseType], {
        workflowId: input.caseId,
        taskQueue: deps.config.taskQueue,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        args: [input],
      }),
    );
  } catch (err) {
    // The workflow id is the id of a row this API recorded, so a workflow already there was
    // started for that row (by a retry, the reconciler, or an earlier attempt): that is success.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

/** A recorded case whose start Temporal did not take now: the reconciler starts it from its row. */
function deferStart(caseId: string, err: unknown): void {
  log.warn('case start deferred to the reconciler', { caseId, error: err instanceof Error ? err.name : 'unknown' });
}

/** What a keyed retry is answered: the case the key started, or 422 if the key meant another request. */
async function replayKeyed(deps: ApiDeps, caseId: string, keyHash: string, requestHash: string) {
  const existing = await deps.prisma.case.findUnique({ where: { idempotencyKey: keyHash } });
  if (!existing) {
    // The derived id is taken by another case (40 bits of hash): refuse rather than merge two referrals.
    const holder = await deps.prisma.case.findUnique({ where: { id: caseId }, select: { idempotencyKey: true } });
    if (holder?.idempotencyKey === null) return undefined; // written by an earlier attempt's workflow: see startCaseOfType
    throw new AppError(ErrorCode.IdempotencyKeyReused, 'the Idempotency-Key collides with another request; use a new key');
  }
  if (existing.requestHash !== requestHash) {
    throw new AppError(ErrorCode.IdempotencyKeyReused, 'the Idempotency-Key was already used for a different request');
  }
  // The first attempt may have stopped between recording the case and starting it.
  if (existing.status === 'starting' && existing.startArgs !== null) {
    try {
      await startRecordedCase(deps, existing);
    } catch (err) {
      deferStart(existing.id, err);
    }
  }
  // The routing the first answer named, tracks included, is in the recorded start input.
  const recordedRouting = existing.routingVersion
    ? ((existing.startArgs as StartArgs | null)?.routing ?? { tableVersion: existing.routingVersion, ruleId: existing.routingRule ?? '', tracks: [] })
    : undefined;
  return { replayed: true, body: createdBody(existing, recordedRouting) };
}

/** The 201 body for a created case: the first answer and every keyed replay of it say the same. */
function createdBody(c: { id: string; caseType: string; policyVersion: string; linkedCaseId: string | null }, routing: Pick<RoutingDecision, 'tableVersion' | 'ruleId' | 'tracks'> | undefined) {
  return {
    caseId: c.id,
    caseType: c.caseType,
    policyVersion: c.policyVersion,
    linkedCaseId: c.linkedCaseId,
    routing: routing ? { tableVersion: routing.tableVersion, ruleId: routing.ruleId, tracks: routing.tracks } : null,
    links: { self: `/cases/${c.id}`, ...(c.linkedCaseId ? { linkedCase: `/cases/${c.linkedCaseId}` } : {}) },
  };
}

/**
 * Records the case, then starts its workflow. The row (status "starting") is written first, in
 * one statement that also picks the active policy, finds the person's first case, stores the
 * encrypted subject and the request's audit row; the workflow gets the policy snapshot but no
 * personal data. Once that statement commits, the case is created and the caller gets 201:
 * - If Temporal cannot take the start now (down, or refusing), the row keeps saying "starting"
 *   with its start input, and the reconciler (resumeInterruptedStarts) starts it later. A referral
 *   is never turned away, or lost, because the workflow engine is away.
 * - If this process dies between the two, a keyed retry or the reconciler completes the start.
 * - If the database cannot record it, nothing is written and the caller gets the error.
 * No transaction is held open across the call to Temporal, so a slow start never pins a
 * database connection.
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
  // answer (or an API crash) reaches the same case.
  const keyHash = opts.idempotencyKey === undefined ? undefined : sha256(`${opts.actor}\n${opts.idempotencyKey}`);
  // Only a keyed request is compared with its retries.
  const requestHash = keyHash ? sha256(JSON.stringify(request)) : '';
  const now = new Date();
  const startArgs: StartArgs = {
    receivedAt: referral.receivedAt ? new Date(referral.receivedAt).toISOString() : now.toISOString(),
    receiptStated: referral.receivedAt !== undefined,
    // Cases started by type still learn whether the subject is a minor: consent then needs a guardian too.
    routing: routing ?? { tableVersion: 'none', ruleId: 'by-type', tracks: [], units: {}, subjectIsMinor: referral.subject.ageYears < 18 },
    ...(referral.subject.guardians !== undefined ? { guardians: referral.subject.guardians } : {}),
    ...(referral.dates ? { dates: referral.dates } : {}),
  };

  for (let attempt = 0; ; attempt++) {
    const caseId = keyHash ? caseIdForKey(keyHash, now) : newCaseId(now);
    const subject = subjectColumns(deps, caseId, referral);
    // Recorded is created: the answer is 201 whether or not Temporal takes the start right away.
    const { rows } = await sqlPool(deps.prisma).query<RecordedCase>(
      recordCaseQuery({ caseId, caseType, referral, routing, keyHash, requestHash, startArgs, subject, auditRow: opts.audit?.row(201) }),
    );
    const recorded = rows[0];
    if (!recorded) throw new AppError(ErrorCode.PolicyNotFound, `no active policy for case type ${caseType}`);

    if (recorded.caseId === null) {
      if (keyHash) {
        const replay = await replayKeyed(deps, caseId, keyHash, requestHash);
        if (replay) return replay;
        return completeCaseWrittenByWorkflow(deps, caseId, caseType, referral, routing, startArgs, keyHash, requestHash, subject);
      }
      // A random id already taken (1 in 2^40 per case): draw another.
      if (attempt < 3) continue;
      throw new Error('could not draw a free case id');
    }

    opts.audit?.written(201);
    // The case and its audit row are committed: from here on it is created, and the caller is told
    // so. If Temporal cannot take the start now, the reconciler starts it from the row later.
    try {
      await startWorkflow(deps, caseType, { caseId, policy: await policyById(deps, recorded.policyId), ...startArgs });
    } catch (err) {
      deferStart(caseId, err);
    }
    return { replayed: false, body: createdBody({ id: caseId, caseType, policyVersion: recorded.policyVersion, linkedCaseId: recorded.linkedCaseId }, routing) };
  }
}

/**
 * A keyed retry whose case row was written by the workflow alone: an earlier attempt started the
 * workflow, then lost its own row (Temporal answered with an error after all, and the row was
 * deleted). Add what only the request knows.
 */
async function completeCaseWrittenByWorkflow(
  deps: ApiDeps,
  caseId: string,
  caseType: CaseType,
  referral: ReferralBody,
  routing: RoutingDecision | undefined,
  startArgs: StartArgs,
  keyHash: string,
  requestHash: string,
  subject: SubjectColumns,
) {
  const row = await deps.prisma.$transaction(async (tx) => {
    const updated = await tx.case.update({
      where: { id: caseId },
      data: {
        category: referral.category,
        sourceAgency: referral.sourceAgency,
        urgency: referral.urgency ?? null,
        routingVersion: routing?.tableVersion ?? null,
        routingRule: routing?.ruleId ?? null,
        idempotencyKey: keyHash,
        requestHash,
        startArgs: startArgs as object,
      },
    });
    await tx.caseSubject.upsert({ where: { caseId }, create: { caseId, ...subject }, update: subject });
    return updated;
  });
  return { replayed: false, body: createdBody(row, routing) };
}

/**
 * Starts recorded cases that are still "starting" after `olderThanMs`: a crash cut their start
 * short, or Temporal could not take it then. Safe to run from every API replica at once. A case
 * Temporal refuses is counted and left for the next run; it does not hold up the others. If
 * Temporal cannot be reached at all, the run stops there: the rest would only wait out the same
 * deadline one by one.
 */
export async function resumeInterruptedStarts(deps: ApiDeps, opts: { olderThanMs: number }): Promise<{ started: number; refused: number }> {
  const rows = await deps.prisma.case.findMany({
    where: {
      status: 'starting',
      startArgs: { not: Prisma.DbNull },
      startConfirmedAt: null,
      createdAt: { lt: new Date(Date.now() - opts.olderThanMs) },
    },
    select: { id: true, caseType: true, policyVersion: true, startArgs: true },
    orderBy: { createdAt: 'asc' },
    take: 100,
  });
  const confirmed: string[] = [];
  let refused = 0;
  for (const row of rows) {
    try {
      await startRecordedCase(deps, row);
      confirmed.push(row.id);
    } catch (err) {
      refused++;
      if (isUnavailable(err)) break;
    }
  }
  // Its workflow exists now and will write the status itself (once a worker runs it); without
  // this mark, every pass would start the same oldest rows again, costing Temporal a call each.
  if (confirmed.length) await deps.prisma.case.updateMany({ where: { id: { in: confirmed } }, data: { startConfirmedAt: new Date() } });
  return { started: confirmed.length, refused };
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
    closeReason: row.closeReason,
    // How many guardians the referral recorded (consent for a minor needs each, under the default rule).
    guardians: (row.startArgs as { guardians?: number } | null)?.guardians ?? null,
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
      overdueSeconds: overdueSeconds(t),
      // What the deadline counts from (startedAt is that moment); null when the policy predates clocks.
      clock: t.clockFrom ? { countsFrom: t.clockFrom, ref: t.clockFromRef, since: t.startedAt.toISOString() } : null,
      openReason: t.openReason,
      openedBy: t.openedBy,
      endedAt: t.endedAt?.toISOString() ?? null,
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
  refusedAt?: Date | null;
}) {
  const expired = c.expiresAt !== null && c.expiresAt.getTime() <= Date.now();
  return {
    consentId: c.id,
    personRole: c.personRole,
    receivingAgency: c.receivingAgency,
    purpose: c.purpose,
    status: c.withdrawnAt ? 'withdrawn' : c.refusedAt ? 'refused' : expired ? 'expired' : 'given',
    givenAt: c.givenAt.toISOString(),
    expiresAt: c.expiresAt?.toISOString() ?? null,
    recordedBy: c.recordedBy,
    withdrawnAt: c.withdrawnAt?.toISOString() ?? null,
    withdrawnBy: c.withdrawnBy,
  };
}
