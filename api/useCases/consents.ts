import { randomUUID } from 'node:crypto';
import { addSpan } from '../../domain/deadlines';
import { ErrorCode } from '../../domain/errors';
import { consentChangedSignal, type ConsentChangedInput } from '../../domain/messages';
import { consentRulesSchema } from '../../domain/policy';
import type { ApiDeps } from '../context';
import { AppError } from '../errors';
import type { RecordConsentBody } from '../schemas';
import { consentView } from './cases';

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function openCase({ prisma }: ApiDeps, caseId: string) {
  const row = await prisma.case.findUnique({ where: { id: caseId } });
  if (!row) throw new AppError(ErrorCode.CaseNotFound, 'no such case');
  if (row.status === 'closed') throw new AppError(ErrorCode.CaseNotOpen, 'the case is closed');
  return row;
}

/** The case's consent rules (a period, a re-confirmation interval), from the policy version it runs on. */
async function consentRulesOf({ prisma }: ApiDeps, kase: { caseType: string; policyVersion: string }) {
  const row = await prisma.policy.findUnique({ where: { caseType_version: { caseType: kase.caseType, version: kase.policyVersion } }, select: { document: true } });
  return consentRulesSchema.optional().parse((row?.document as { consentRules?: unknown } | undefined)?.consentRules);
}

/** One answer to record: a consent (with its period) or a refusal. */
export interface ConsentAnswer {
  personRole: RecordConsentBody['personRole'];
  personName?: string;
  receivingAgency: string;
  purpose: string;
  givenAt: Date;
  expiresAt: Date | null;
  refused: boolean;
}

/**
 * Records one answer (one person, one receiving agency, one purpose) and tells the case workflow
 * in the same transaction, so the row and the workflow never disagree. The signal carries the
 * person's role only, never a name.
 */
export async function recordConsentAnswer(deps: ApiDeps, caseId: string, answer: ConsentAnswer, actor: string) {
  const kase = await openCase(deps, caseId);
  const rules = answer.refused ? undefined : await consentRulesOf(deps, kase);
  const timeZone = 'Europe/Stockholm';
  // A consent recorded without an end lasts the policy's period (SIG: a year), and the coordinators
  // are asked to re-confirm it the policy's interval before it ends.
  const expiresAt = answer.expiresAt ?? (rules?.validFor ? addSpan(answer.givenAt, rules.validFor, { timeZone }) : null);
  const reconfirmAt = expiresAt && rules?.reconfirmBefore ? addSpan(expiresAt, rules.reconfirmBefore, { timeZone }, -1) : undefined;
  const row = await deps.prisma.$transaction(
    async (tx) => {
      // The name is personal data: stored encrypted, bound to this row and column.
      const id = randomUUID();
      const created = await tx.consent.create({
        data: {
          id,
          caseId,
          personRole: answer.personRole,
          personName: answer.personName ? deps.fieldCrypto.encrypt(answer.personName, `consent.person_name:${id}`) : null,
          receivingAgency: answer.receivingAgency,
          purpose: answer.purpose,
          givenAt: answer.givenAt,
          expiresAt,
          refusedAt: answer.refused ? answer.givenAt : null,
          recordedBy: actor,
        },
      });
      const change: ConsentChangedInput = {
        consentId: created.id,
        personRole: answer.personRole,
        agency: answer.receivingAgency,
        purpose: answer.purpose,
        status: answer.refused ? 'refused' : 'given',
        givenAt: answer.givenAt.toISOString(),
        expiresAt: expiresAt?.toISOString(),
        reconfirmAt: reconfirmAt?.toISOString(),
      };
      await deps.temporal.workflow.getHandle(kase.workflowId).signal(consentChangedSignal, change);
      return created;
    },
    { timeout: 20_000, maxWait: 10_000 },
  );
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

/** Withdrawal stops sharing at once: the case withdraws the affected tasks. The row is kept, marked withdrawn. */
export async function withdrawConsent(deps: ApiDeps, caseId: string, consentId: string, actor: string) {
  const kase = await openCase(deps, caseId);
  // Consent ids are UUIDs; anything else cannot exist (and would fail the uuid column's parse).
  const existing = uuidShape.test(consentId) ? await deps.prisma.consent.findFirst({ where: { id: consentId, caseId } }) : null;
  if (!existing) throw new AppError(ErrorCode.ConsentNotFound, 'no such consent on this case');
  if (existing.withdrawnAt) throw new AppError(ErrorCode.ConsentAlreadyWithdrawn, 'the consent is already withdrawn');
  const row = await deps.prisma.$transaction(
    async (tx) => {
      const updated = await tx.consent.update({ where: { id: consentId }, data: { withdrawnAt: new Date(), withdrawnBy: actor } });
      await deps.temporal.workflow.getHandle(kase.workflowId).signal(consentChangedSignal, {
        consentId,
        personRole: existing.personRole as ConsentChangedInput['personRole'],
        agency: existing.receivingAgency,
        purpose: existing.purpose,
        status: 'withdrawn',
      });
      return updated;
    },
    { timeout: 20_000, maxWait: 10_000 },
  );
  return consentView(row);
}
