import { DateTime, Duration } from 'luxon';
import type { ActivityDeps } from './deps';

export interface RetentionSweepInput {
  /** How long after closing a case its personal data is kept (ISO-8601 duration, e.g. P2Y). */
  retainAfter: string;
  /** Who performs it, for the record (the sweep's workflow id). */
  performedBy: string;
  batchSize: number;
}

export function createRetentionActivities({ prisma, clock }: ActivityDeps) {
  return {
    /**
     * Pseudonymises closed cases whose retention period has passed: the subject's encrypted name,
     * personnummer (and its lookup hash) and narrative, the names of those who consented, and the
     * free text (notes, reasons, justifications) are removed; the case, its tasks,
     * deadlines, escalations and notifications stay as the audit trail, and the action itself
     * is recorded. Safe to retry: a case already done is skipped.
     */
    async pseudonymiseExpiredCases(input: RetentionSweepInput): Promise<{ pseudonymised: string[] }> {
      const period = Duration.fromISO(input.retainAfter);
      if (!period.isValid) throw new Error('retainAfter is not an ISO-8601 duration');
      const now = clock.now();
      const cutoff = DateTime.fromJSDate(now).minus(period).toJSDate();
      const due = await prisma.case.findMany({
        where: { status: 'closed', closedAt: { lte: cutoff }, pseudonymisedAt: null },
        orderBy: { closedAt: 'asc' },
        take: input.batchSize,
        select: { id: true, closedAt: true },
      });
      const done: string[] = [];
      for (const c of due) {
        await prisma.$transaction(async (tx) => {
          const claimed = await tx.case.updateMany({ where: { id: c.id, pseudonymisedAt: null }, data: { pseudonymisedAt: now } });
          if (claimed.count === 0) return;
          await tx.caseSubject.updateMany({
            where: { caseId: c.id },
            data: { displayNameEnc: null, personalIdentityNumberEnc: null, personalIdentityNumberHash: null, narrativeEnc: null, contactEnc: null, addressEnc: null },
          });
          // What corrections replaced goes too; who corrected which fields, and when, stays. The
          // protected-identity marker (case.protected_identity_at) names no one and stays with the case.
          await tx.caseSubjectRevision.updateMany({
            where: { caseId: c.id },
            data: { displayNameEnc: null, personalIdentityNumberEnc: null, ageYears: null, narrativeEnc: null, contactEnc: null, addressEnc: null },
          });
          // Who consented (a guardian's name) is personal data too; the role, agency, purpose and dates stay.
          await tx.consent.updateMany({ where: { caseId: c.id }, data: { personName: null } });
          // Free text can name the person or tell their story: notes, acute-threat reasons and
          // escalation notes go; an extension keeps its dates and who decided, not its wording
          // (README "Retention": the agencies' own records keep the decision itself).
          await tx.task.updateMany({ where: { caseId: c.id }, data: { note: null, openReason: null } });
          await tx.escalation.updateMany({ where: { caseId: c.id }, data: { note: null } });
          await tx.deadlineExtension.updateMany({ where: { task: { caseId: c.id } }, data: { justification: '' } });
          // Notes and the free-text reasons of moves and reopenings go too; who wrote when stays.
          await tx.note.updateMany({ where: { caseId: c.id }, data: { textEnc: null } });
          await tx.taskAssignment.updateMany({ where: { task: { caseId: c.id } }, data: { reasonEnc: null } });
          await tx.caseEvent.updateMany({ where: { caseId: c.id }, data: { noteEnc: null } });
          await tx.retentionAction.create({
            data: {
              caseId: c.id,
              action: 'pseudonymised',
              retainAfter: input.retainAfter,
              closedAt: c.closedAt!,
              performedAt: now,
              performedBy: input.performedBy,
            },
          });
          done.push(c.id);
        });
      }
      return { pseudonymised: done };
    },
  };
}
