import { ErrorCode } from '../../domain/errors';
import type { RoutingDecision } from '../../domain/messages';
import type { CaseType } from '../../domain/policy';
import { alongsideOf, routeReferral } from '../../domain/routing';
import type { AuditRow } from '../audit';
import type { ApiDeps } from '../context';
import { AppError } from '../errors';
import { activeRoutingTable, policyById } from '../publishedVersions';
import type { ReferralBody, StartCaseBody } from '../schemas';
import { createdCaseView, type CreatedCase } from '../views/createdCase';
import { deferStart, startRecordedCase, startWorkflow } from './caseWorkflow';
import { companionIdsFor, recordCaseWith } from './companionCases';
import { caseIdForKey, newCaseId, recordCaseQuery, sha256, subjectColumns, type StartArgs } from './recordCase';
import { sourceAgencyNotFound } from './sourceAgency';

export interface StartCaseOptions {
  actor: string;
  /** From the Idempotency-Key header: the same key (for the same actor) starts at most one case. */
  idempotencyKey?: string;
  /** The request's audit row for a 201, committed with the case it records. */
  auditRow?: AuditRow;
}

export interface StartedCase {
  body: CreatedCase;
  /** A keyed retry answered with the case its key started. */
  replayed: boolean;
  /** The request's audit row was committed with the case (not so for a replay, which records nothing). */
  audited: boolean;
}

/** POST /cases: the coordinator names the case type; no routing tracks apply. */
export async function startCase(deps: ApiDeps, body: StartCaseBody, opts: StartCaseOptions): Promise<StartedCase> {
  return startCaseOfType(deps, body.caseType, body.referral, undefined, opts, body);
}

/** The active routing table and the rule it picks for a referral (none: a triage case). */
export async function matchReferral(deps: ApiDeps, referral: ReferralBody) {
  const table = await activeRoutingTable(deps);
  const rule = routeReferral(table, {
    sourceAgency: referral.sourceAgency,
    ageYears: referral.subject.ageYears,
    category: referral.category,
    district: referral.district,
    suspectedOfCrime: referral.suspectedOfCrime,
    urgency: referral.urgency,
  });
  return { table, rule };
}

/**
 * POST /referrals: the active routing table decides the case type, tracks and units. A referral
 * no rule matches becomes a coordinator's triage case: it is never dropped.
 */
export async function routeAndStart(deps: ApiDeps, referral: ReferralBody, opts: StartCaseOptions): Promise<StartedCase> {
  const { table, rule } = await matchReferral(deps, referral);
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
 * A referral a coordinator routed by hand (from a triage task): the case type and tracks they
 * chose; a minor's voluntary programme still gets its youth concern beside it.
 */
export async function startManuallyRouted(deps: ApiDeps, referral: ReferralBody, decision: { caseType: CaseType; tracks: string[]; triageCaseId: string }, opts: StartCaseOptions): Promise<StartedCase> {
  const routing: RoutingDecision = {
    tableVersion: 'manual',
    ruleId: `triage:${decision.triageCaseId}`,
    tracks: decision.tracks,
    units: {},
    subjectIsMinor: referral.subject.ageYears < 18,
  };
  return startCaseOfType(deps, decision.caseType, referral, routing, opts, { referral, decision });
}

/** What a keyed retry is answered: the case the key started, or 422 if the key meant another request. */
async function replayKeyed(deps: ApiDeps, keyHash: string, requestHash: string): Promise<StartedCase> {
  const existing = await deps.prisma.case.findUnique({ where: { idempotencyKey: keyHash } });
  // No row holds the key, so the derived id is taken by another case (40 bits of hash): refuse rather than merge two referrals.
  if (!existing) throw new AppError(ErrorCode.IdempotencyKeyReused, 'the Idempotency-Key collides with another request; use a new key');
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
  return { replayed: true, audited: false, body: createdCaseView(existing, recordedRouting) };
}

/**
 * Records the case, then starts its workflow (the README's "record first, then tell Temporal").
 * The row (status "starting") is written first, in one statement that also picks the active
 * policy, checks the referring agency is in the registry, finds the person's first case, stores
 * the encrypted subject and the request's audit row; the workflow gets the policy snapshot but no
 * personal data. Once that statement commits, the case is created and the caller gets 201:
 * - If Temporal cannot take the start now (down, or refusing), the row keeps saying "starting"
 *   with its start input, and the reconciler (resumeInterruptedStarts) starts it later. A referral
 *   is never turned away, or lost, because the workflow engine is away.
 * - If this process dies between the two, a keyed retry or the reconciler completes the start.
 * - If the database cannot record it, nothing is written and the caller gets the error.
 * No transaction is held open across the call to Temporal, so a slow start never pins a
 * database connection. Only this statement (with the companions routing starts beside the case,
 * in the same transaction) creates case rows; the workflow's activities only move status and step.
 */
async function startCaseOfType(
  deps: ApiDeps,
  caseType: CaseType,
  referral: ReferralBody,
  routing: RoutingDecision | undefined,
  opts: StartCaseOptions,
  request: unknown,
): Promise<StartedCase> {
  // With an Idempotency-Key the case id is derived from the key, so a client retrying after a lost
  // answer (or an API crash) reaches the same case.
  const keyHash = opts.idempotencyKey === undefined ? undefined : sha256(`${opts.actor}\n${opts.idempotencyKey}`);
  // Only a keyed request is compared with its retries.
  const requestHash = keyHash ? sha256(JSON.stringify(request)) : '';
  const now = new Date();
  // Cases started by type still learn whether the subject is a minor: consent then needs a guardian too.
  const decided = routing ?? { tableVersion: 'none', ruleId: 'by-type', tracks: [], units: {}, subjectIsMinor: referral.subject.ageYears < 18 };
  // However the case came to start, a minor's voluntary programme has its youth concern beside it
  // (recorded with the case, see companionCases.ts).
  const alongside = alongsideOf(caseType, referral.subject);
  const effectiveRouting: RoutingDecision = alongside.length ? { ...decided, alongside } : decided;
  const startArgs: StartArgs = {
    receivedAt: referral.receivedAt ? new Date(referral.receivedAt).toISOString() : now.toISOString(),
    receiptStated: referral.receivedAt !== undefined,
    routing: effectiveRouting,
    ...(referral.subject.guardians !== undefined ? { guardians: referral.subject.guardians } : {}),
    ...(referral.dates ? { dates: referral.dates } : {}),
  };

  for (let attempt = 0; ; attempt++) {
    const caseId = keyHash ? caseIdForKey(keyHash, now) : newCaseId(now);
    const subject = subjectColumns(deps, caseId, referral);
    const companionIds = companionIdsFor(effectiveRouting, keyHash, now);
    const args: StartArgs = companionIds ? { ...startArgs, companionIds } : startArgs;
    const recorded = await recordCaseWith(
      deps,
      recordCaseQuery({ caseId, caseType, referral, routing, keyHash, requestHash, startArgs: args, subject, auditRow: opts.auditRow }),
      companionIds,
    );
    if (!recorded) throw new AppError(ErrorCode.PolicyNotFound, `no active policy for case type ${caseType}`);
    if (!recorded.agencyKnown) throw sourceAgencyNotFound(referral.sourceAgency);

    if (recorded.caseId === null) {
      if (keyHash) return replayKeyed(deps, keyHash, requestHash);
      // A random id already taken (1 in 2^40 per case): draw another.
      if (attempt < 3) continue;
      throw new Error('could not draw a free case id');
    }

    // The case and its audit row are committed: from here on it is created, and the caller is told
    // so. If Temporal cannot take the start now, the reconciler starts it from the row later.
    try {
      await startWorkflow(deps, caseType, { caseId, policy: await policyById(deps, recorded.policyId), ...args });
    } catch (err) {
      deferStart(caseId, err);
    }
    const body = createdCaseView({ id: caseId, caseType, policyVersion: recorded.policyVersion, linkedCaseId: recorded.linkedCaseId }, routing);
    return { replayed: false, audited: opts.auditRow !== undefined, body };
  }
}
