import { randomUUID } from 'node:crypto';
import { addSpan } from '../../domain/deadlines';
import { ErrorCode } from '../../domain/errors';
import type { ApiDeps } from '../context';
import { AppError } from '../errors';
import { policyByVersion } from '../publishedVersions';
import type { RecordConsentBody } from '../schemas';
import { consentView } from '../views/consent';
import { tellCaseWorkflow } from './consentSignals';

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function openCase({ prisma }: ApiDeps, caseId: string) {
  const row = await prisma.case.findUnique({ where: { id: caseId } });
  if (!row) throw new AppError(ErrorCode.CaseNotFound, 'no such case');
  if (row.status === 'closed') throw new AppError(ErrorCode.CaseNotOpen, 'the case is closed');
  return row;
}

/**
 * A consent names an agency of the registry, whether or not the case involves it yet (a consent
 * first is what lets the plan include it); any other code is refused, naming it (a registry code,
 * never personal data).
 */
async function registeredAgency({ prisma }: ApiDeps, code: string): Promise<void> {
  if (await prisma.agency.findUnique({ where: { code }, select: { id: true } })) return;
  throw new AppError(ErrorCode.AgencyNotFound, `no such agency in the registry: ${code}`, { fields: [{ field: 'receivingAgency', problem: 'is not an agency in the registry' }] });
}

/** One answer to record: a consent given (with its period) or refused. */
export interface ConsentAnswer {
  personRole: RecordConsentBody['personRole'];
  personName?: string;
  receivingAgency: string;
  purpose: string;
  /** When the answer was given (a refusal: when it was refused). */
  givenAt: Date;
  expiresAt: Date | null;
  refused: boolean;
}

/**
 * Records one answer (one person, one receiving agency, one purpose), then tells the case
 * workflow. Recorded is the answer: the row decides who sees the case at once, and the workflow
 * learns of it now or from the reconciler (see consentSignals.ts).
 */
export async function recordConsentAnswer(deps: ApiDeps, caseId: string, answer: ConsentAnswer, actor: string) {
  const kase = await openCase(deps, caseId);
  await registeredAgency(deps, answer.receivingAgency);
  const policy = await policyByVersion(deps, kase.caseType, kase.policyVersion);
  // A consent recorded without an end lasts the policy's period (SIG: a year).
  const validFor = answer.refused ? undefined : policy.consentRules?.validFor;
  const expiresAt = answer.expiresAt ?? (validFor ? addSpan(answer.givenAt, validFor, { timeZone: policy.timeZone }) : null);
  const id = randomUUID();
  const row = await deps.prisma.consent.create({
    data: {
      id,
      caseId,
      personRole: answer.personRole,
      // The name is personal data: stored encrypted, bound to this row and column.
      personName: answer.personName ? deps.fieldCrypto.encrypt(answer.personName, `consent.person_name:${id}`) : null,
      receivingAgency: answer.receivingAgency,
      purpose: answer.purpose,
      givenAt: answer.givenAt,
      expiresAt,
      refusedAt: answer.refused ? answer.givenAt : null,
      recordedBy: actor,
    },
  });
  await tellCaseWorkflow(deps, kase, row);
  return consentView(row);
}

/** POST /cases/:caseId/consents: a consent given. */
export async function recordConsent(deps: ApiDeps, caseId: string, body: RecordConsentBody, actor: string) {
  const givenAt = body.givenAt ? new Date(body.givenAt) : new Date();
  const expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
  if (expiresAt && expiresAt.getTime() <= givenAt.getTime()) {
    throw new AppError(ErrorCode.ValidationFailed, 'expiresAt must be later than givenAt');
  }
  const { personRole, personName, receivingAgency, purpose } = body;
  return recordConsentAnswer(deps, caseId, { personRole, personName, receivingAgency, purpose, givenAt, expiresAt, refused: false }, actor);
}

/**
 * Withdrawal stops sharing at once: the row is marked withdrawn (and kept), which the access check
 * reads now, then the case withdraws the affected tasks. A closed case can be withdrawn from too:
 * its tasks keep their rows, and the agencies lose what read access they had; there is no workflow
 * left to tell.
 */
export async function withdrawConsent(deps: ApiDeps, caseId: string, consentId: string, actor: string) {
  const kase = await deps.prisma.case.findUnique({ where: { id: caseId } });
  if (!kase) throw new AppError(ErrorCode.CaseNotFound, 'no such case');
  // Consent ids are UUIDs; anything else cannot exist (and would fail the uuid column's parse).
  const existing = uuidShape.test(consentId) ? await deps.prisma.consent.findFirst({ where: { id: consentId, caseId } }) : null;
  if (!existing) throw new AppError(ErrorCode.ConsentNotFound, 'no such consent on this case');
  if (existing.withdrawnAt) throw new AppError(ErrorCode.ConsentAlreadyWithdrawn, 'the consent is already withdrawn');
  const closed = kase.status === 'closed';
  const row = await deps.prisma.consent.update({
    where: { id: consentId },
    data: { withdrawnAt: new Date(), withdrawnBy: actor, ...(closed ? { signalledStatus: 'withdrawn' } : {}) },
  });
  if (!closed) await tellCaseWorkflow(deps, kase, row);
  return consentView(row);
}
