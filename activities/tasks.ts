import { ApplicationFailure } from '@temporalio/activity';
import { computeDueAt, planDeadline, type DeadlinePlan } from '../domain/deadlines';
import { ErrorCode } from '../domain/errors';
import type { ConsentGate, EscalationView } from '../domain/messages';
import type { EscalationTarget, StepPolicy } from '../domain/policy';
import type { ActivityDeps } from './deps';

export function recipientFor(
  unit: { notificationEmail: string; supervisorEmail: string; headEmail: string },
  target: EscalationTarget | 'unitInbox',
): string {
  if (target === 'unitSupervisor') return unit.supervisorEmail;
  if (target === 'unitHead') return unit.headEmail;
  return unit.notificationEmail;
}

export interface OpenTaskInput {
  taskId: string;
  caseId: string;
  stepKey: string;
  unitCode: string;
  startAt: string;
  step: StepPolicy;
  timeZone: string;
}

export function createTaskActivities({ prisma, clock }: ActivityDeps) {
  async function findUnit(code: string) {
    const unit = await prisma.unit.findUnique({ where: { code } });
    if (!unit) {
      // Retrying cannot create a unit: the policy names one the registry lacks.
      throw ApplicationFailure.nonRetryable(`unit ${code} is not in the registry`, ErrorCode.UnitNotFound);
    }
    return unit;
  }

  return {
    /**
     * Computes the deadline plan and records the open task; idempotent on retry. A task that
     * waited for consent becomes open here, with its deadline counted from the consent.
     */
    async openTask(input: OpenTaskInput & { consent?: ConsentGate }): Promise<DeadlinePlan> {
      const unit = await findUnit(input.unitCode);
      const calendar = { timeZone: input.timeZone };
      const startAt = new Date(input.startAt);
      const dueAt = computeDueAt(input.step.deadline, startAt, calendar);
      const plan = planDeadline({ startAt, dueAt, reminders: input.step.reminders, escalation: input.step.escalation, calendar });
      const opened = { status: 'open', startedAt: startAt, dueAt, originalDueAt: dueAt };
      await prisma.$transaction(async (tx) => {
        const existing = await tx.task.findUnique({ where: { id: input.taskId } });
        if (!existing) {
          await tx.task.create({
            data: {
              id: input.taskId,
              caseId: input.caseId,
              stepKey: input.stepKey,
              unitId: unit.id,
              ...opened,
              legalBasis: input.step.legalBasis ?? null,
              consentAgency: input.consent?.agency ?? null,
              consentPurpose: input.consent?.purpose ?? null,
            },
          });
        } else if (existing.status === 'waiting-for-consent') {
          await tx.task.update({ where: { id: input.taskId }, data: opened });
          await tx.escalation.updateMany({ where: { taskId: input.taskId, status: 'open' }, data: { status: 'resolved', resolvedAt: clock.now() } });
        }
      });
      return plan;
    },

    /** Records a task that waits for consent, due by the step's own wait deadline. */
    async openWaitingTask(input: OpenTaskInput): Promise<DeadlinePlan> {
      const gate = input.step.consent;
      if (!gate) throw ApplicationFailure.nonRetryable('the step needs no consent', ErrorCode.ValidationFailed);
      const unit = await findUnit(input.unitCode);
      const startAt = new Date(input.startAt);
      const dueAt = computeDueAt(gate.waitDeadline, startAt, { timeZone: input.timeZone });
      await prisma.task.upsert({
        where: { id: input.taskId },
        create: {
          id: input.taskId,
          caseId: input.caseId,
          stepKey: input.stepKey,
          unitId: unit.id,
          status: 'waiting-for-consent',
          startedAt: startAt,
          dueAt,
          originalDueAt: dueAt,
          consentAgency: gate.agency,
          consentPurpose: gate.purpose,
        },
        update: {},
      });
      return {
        startAt: startAt.toISOString(),
        dueAt: dueAt.toISOString(),
        reminders: [],
        escalations: [{ level: 1, target: 'unitSupervisor', at: dueAt.toISOString() }],
      };
    },

    /** Withdrawal keeps the task and everything about it; it only ends the sharing. */
    async recordTaskWithdrawn(input: { taskId: string; withdrawnAt: string }): Promise<void> {
      const at = new Date(input.withdrawnAt);
      await prisma.$transaction([
        prisma.task.update({ where: { id: input.taskId }, data: { status: 'withdrawn', withdrawnAt: at } }),
        prisma.escalation.updateMany({ where: { taskId: input.taskId, status: 'open' }, data: { status: 'resolved', resolvedAt: at } }),
      ]);
    },

    /** Records an extension (old due, new due, justification) and re-plans the timers from now. */
    async extendTask(input: {
      taskId: string;
      sequence: number;
      previousDueAt: string;
      newDueAt: string;
      justification: string;
      extendedBy: string;
      startAt: string;
      step: StepPolicy;
      timeZone: string;
    }): Promise<DeadlinePlan> {
      const newDueAt = new Date(input.newDueAt);
      await prisma.$transaction([
        prisma.deadlineExtension.upsert({
          where: { taskId_sequence: { taskId: input.taskId, sequence: input.sequence } },
          create: {
            taskId: input.taskId,
            sequence: input.sequence,
            previousDueAt: new Date(input.previousDueAt),
            newDueAt,
            justification: input.justification,
            extendedBy: input.extendedBy,
          },
          update: {},
        }),
        prisma.task.update({ where: { id: input.taskId }, data: { dueAt: newDueAt } }),
      ]);
      return planDeadline({
        startAt: new Date(input.startAt),
        dueAt: newDueAt,
        reminders: input.step.reminders,
        escalation: input.step.escalation,
        calendar: { timeZone: input.timeZone },
      });
    },

    /** Completing resolves the task's open escalations: the work they chased is done. */
    async recordTaskCompleted(input: {
      taskId: string;
      outcome: string;
      note?: string;
      completedBy: string;
      completedAt: string;
    }): Promise<void> {
      const completedAt = new Date(input.completedAt);
      await prisma.$transaction([
        prisma.task.update({
          where: { id: input.taskId },
          data: { status: 'completed', outcome: input.outcome, note: input.note ?? null, completedBy: input.completedBy, completedAt },
        }),
        prisma.escalation.updateMany({
          where: { taskId: input.taskId, status: 'open' },
          data: { status: 'resolved', resolvedAt: completedAt },
        }),
      ]);
    },

    async raiseEscalation(input: {
      escalationId: string;
      taskId: string;
      caseId: string;
      level: number;
      target: EscalationTarget;
      dueAt: string;
      /** Escalate to another unit than the task's (the coordinators, for a consent wait). */
      recipientUnitCode?: string;
    }): Promise<EscalationView> {
      const task = await prisma.task.findUniqueOrThrow({ where: { id: input.taskId }, include: { unit: true } });
      const unit = input.recipientUnitCode ? await findUnit(input.recipientUnitCode) : task.unit;
      const row = await prisma.escalation.upsert({
        where: { id: input.escalationId },
        create: {
          id: input.escalationId,
          taskId: input.taskId,
          caseId: input.caseId,
          level: input.level,
          target: input.target,
          recipientEmail: recipientFor(unit, input.target),
          status: 'open',
          dueAt: new Date(input.dueAt),
          raisedAt: clock.now(),
        },
        update: {},
      });
      return { id: row.id, level: row.level, target: row.target, status: 'open', raisedAt: row.raisedAt.toISOString() };
    },

    async recordEscalationAcknowledged(input: {
      escalationId: string;
      acknowledgedBy: string;
      acknowledgedAt: string;
      note?: string;
    }): Promise<void> {
      await prisma.escalation.update({
        where: { id: input.escalationId },
        data: {
          status: 'acknowledged',
          acknowledgedBy: input.acknowledgedBy,
          acknowledgedAt: new Date(input.acknowledgedAt),
          note: input.note ?? null,
        },
      });
    },
  };
}
