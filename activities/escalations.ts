import { addSpan } from '../domain/deadlines';
import type { EscalationView } from '../domain/messages';
import type { EscalationTarget, Span } from '../domain/policy';
import { sqlPool } from '../prisma/client';
import type { ActivityDeps } from './deps';
import { raiseEscalationWithEmail, type EscalateInput, type EscalationFacts } from './outbox';
import { findUnit } from './units';

export function recipientFor(
  unit: { notificationEmail: string; supervisorEmail: string; headEmail: string },
  target: EscalationTarget | 'unitInbox',
): string {
  if (target === 'unitSupervisor') return unit.supervisorEmail;
  if (target === 'unitHead') return unit.headEmail;
  return unit.notificationEmail;
}

/** A ladder that comes back: the interval, counted in local time. */
export interface RepeatInput {
  every: Span;
  timeZone: string;
}

const after = (from: Date, repeat: RepeatInput | undefined) => (repeat ? addSpan(from, repeat.every, { timeZone: repeat.timeZone }).toISOString() : undefined);

/** The escalation ladder's activities: a rung raised (with its email, or alone for older tasks) and its acknowledgement. */
export function createEscalationActivities({ prisma, clock }: ActivityDeps) {
  return {
    async raiseEscalation(
      input: EscalationFacts & {
        /** The policy repeats the ladder: the answer says when it comes back. */
        repeat?: RepeatInput;
      },
    ): Promise<EscalationView & { nextRepeatAt?: string }> {
      const task = await prisma.task.findUniqueOrThrow({ where: { id: input.taskId }, include: { unit: true } });
      const unit = input.recipientUnitCode ? await findUnit(prisma, input.recipientUnitCode) : task.unit;
      const row = await prisma.escalation.upsert({
        where: { id: input.escalationId },
        create: {
          id: input.escalationId,
          taskId: input.taskId,
          caseId: input.caseId,
          level: input.level,
          target: input.target,
          recipientEmail: recipientFor(unit, input.target),
          unitId: unit.id,
          status: 'open',
          dueAt: new Date(input.dueAt),
          raisedAt: clock.now(),
        },
        update: {},
      });
      const view: EscalationView = { id: row.id, level: row.level, target: row.target, status: 'open', raisedAt: row.raisedAt.toISOString() };
      const nextRepeatAt = after(row.raisedAt, input.repeat);
      return nextRepeatAt ? { ...view, nextRepeatAt } : view;
    },

    /**
     * One escalation and its email in one transaction (escalation-outbox): raw Temporal's shape,
     * one (local) activity per rung. raiseEscalation stays for tasks that started before.
     */
    async escalate(input: Omit<EscalateInput, 'raisedAt'> & { repeat?: RepeatInput }): Promise<EscalationView & { nextRepeatAt?: string }> {
      const { repeat, ...escalation } = input;
      const view = await raiseEscalationWithEmail(sqlPool(prisma), { ...escalation, raisedAt: clock.now() });
      const nextRepeatAt = after(new Date(view.raisedAt), repeat);
      return nextRepeatAt ? { ...view, nextRepeatAt } : view;
    },

    async recordEscalationAcknowledged(input: {
      escalationId: string;
      acknowledgedBy: string;
      acknowledgedAt: string;
      note?: string;
      /** The task is still open and its policy repeats: the answer says when the next rung comes. */
      repeat?: RepeatInput;
    }): Promise<{ rearmAt?: string }> {
      await prisma.escalation.update({
        where: { id: input.escalationId },
        data: {
          status: 'acknowledged',
          acknowledgedBy: input.acknowledgedBy,
          acknowledgedAt: new Date(input.acknowledgedAt),
          note: input.note ?? null,
        },
      });
      const rearmAt = after(new Date(input.acknowledgedAt), input.repeat);
      return rearmAt ? { rearmAt } : {};
    },
  };
}
