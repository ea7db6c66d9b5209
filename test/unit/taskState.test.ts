import type { DeadlinePlan } from '../../domain/deadlines';
import type { TaskWorkflowInput } from '../../domain/messages';
import { fastStep } from '../support/policies';
import { TaskSchedule } from '../../workflows/taskSchedule';
import { TaskState } from '../../workflows/taskState';

const t0 = Date.parse('2026-12-02T10:00:00Z');
const iso = (s: number) => new Date(t0 + s * 1000).toISOString();
const plan: DeadlinePlan = {
  startAt: iso(0),
  dueAt: iso(10),
  reminders: [iso(5)],
  escalations: [
    { level: 1, target: 'unitSupervisor', at: iso(10) },
    { level: 2, target: 'unitHead', at: iso(20) },
  ],
};

const input = (over: Partial<TaskWorkflowInput> = {}): TaskWorkflowInput => ({
  taskId: 'VPC-2026-UNIT0001.step',
  caseId: 'VPC-2026-UNIT0001',
  stepKey: 'step',
  step: fastStep({ outcomes: ['done', 'not-needed'], consent: { agency: 'housing', purpose: 'exit', waitDeadline: { kind: 'span', span: { amount: 60, unit: 'seconds' } }, outcomesWhileWaiting: ['not-needed'] } }),
  policyVersion: 'test',
  timeZone: 'Europe/Stockholm',
  consent: { agency: 'housing', purpose: 'exit', granted: false },
  ...over,
});

/** The coded failure a validator threw. */
function refusal(fn: () => unknown): { type?: string; message: string; details?: unknown[] } {
  try {
    fn();
  } catch (err) {
    return err as { type?: string; message: string; details?: unknown[] };
  }
  throw new Error('expected a refusal');
}

describe('TaskState: a task\'s rules without Temporal', () => {
  it('when a task waits for consent, then completing is refused naming the wait, except with an outcome allowed while waiting', () => {
    const state = new TaskState(input(), iso(0));
    state.beginWaiting();
    expect(refusal(() => state.checkComplete({ outcome: 'done', actor: 'h-1' }))).toMatchObject({
      type: 'TASK_NOT_OPEN',
      details: [{ reason: 'waiting-for-consent' }],
      message: expect.stringContaining('housing for exit'),
    });
    expect(state.checkComplete({ outcome: 'not-needed', actor: 'h-1' }).outcome).toBe('not-needed');
    expect(refusal(() => state.checkExtend({ newDueAt: iso(99999), justification: 'more time please', actor: 's-1' }, t0)).type).toBe('TASK_NOT_OPEN');
  });

  it('when a task was completed, then a second completion is refused naming by whom and when', () => {
    const state = new TaskState(input({ consent: undefined }), iso(0));
    state.opened(plan);
    state.complete({ outcome: 'done', actor: 'handlaggare-7' }, iso(3));
    const again = refusal(() => state.checkComplete({ outcome: 'done', actor: 'h-2' }));
    expect(again).toMatchObject({ type: 'TASK_ALREADY_DONE', details: [{ reason: 'completed' }] });
    expect(again.message).toBe(`the task was already completed by handlaggare-7 at ${iso(3)}`);
  });

  it('when consent is withdrawn from an open task, then it is withdrawn; a refusal while waiting ends it as not shared', () => {
    const open = new TaskState(input({ consent: { agency: 'housing', purpose: 'exit', granted: true } }), iso(0));
    open.opened(plan);
    open.consentChanged({ granted: false }, iso(4));
    expect(refusal(() => open.checkComplete({ outcome: 'done', actor: 'h-1' }))).toMatchObject({ type: 'TASK_NOT_OPEN', details: [{ reason: 'withdrawn' }] });
    expect(open.result()).toMatchObject({ outcome: 'withdrawn', withdrawn: true, completedAt: iso(4) });

    const waiting = new TaskState(input(), iso(0));
    waiting.beginWaiting();
    waiting.consentChanged({ granted: false }, iso(1));
    expect(waiting.status).toBe('waiting-for-consent');
    waiting.consentChanged({ granted: false, refused: true }, iso(2));
    expect(waiting.result()).toMatchObject({ outcome: 'not-shared', ended: 'not-shared' });
  });

  it('when a task is moved to another unit, then its view names that unit and its due time stays; a move to the same unit or of a waiting task is refused', () => {
    const waiting = new TaskState(input(), iso(0));
    waiting.beginWaiting();
    expect(refusal(() => waiting.checkReassign({ unitCode: 'soc-adults', actor: 's-1' }))).toMatchObject({ type: 'TASK_NOT_OPEN', details: [{ reason: 'waiting-for-consent' }] });

    const state = new TaskState(input({ consent: undefined }), iso(0));
    state.opened(plan);
    expect(refusal(() => state.checkReassign({ unitCode: 'soc-children-youth', actor: 's-1' })).type).toBe('INVALID_REASSIGNMENT');
    expect(state.reassign(state.checkReassign({ unitCode: 'police-local', actor: 's-1' }))).toBe(1);
    expect(state.view()).toMatchObject({ unitCode: 'police-local', dueAt: plan.dueAt, originalDueAt: plan.dueAt });
    expect(state.reassign(state.checkReassign({ unitCode: 'soc-adults', actor: 's-1' }))).toBe(2);
  });

  it('when an extension is not later than the due time, then it is refused; a valid one is kept with the old due time', () => {
    const state = new TaskState(input({ consent: undefined }), iso(0));
    state.opened(plan);
    expect(refusal(() => state.checkExtend({ newDueAt: iso(9), justification: 'more time please', actor: 's-1' }, t0)).type).toBe('INVALID_EXTENSION');
    const extension = state.extend(state.checkExtend({ newDueAt: iso(30), justification: 'more time please', actor: 's-1' }, t0));
    expect(extension).toMatchObject({ sequence: 1, previousDueAt: iso(10), newDueAt: iso(30) });
  });
});

describe('TaskSchedule: one re-datable schedule of reminders and the ladder', () => {
  it('when nothing has fired, then the reminder comes first, then the first rung', () => {
    const schedule = new TaskSchedule(plan, () => false);
    expect(schedule.next()).toMatchObject({ kind: 'reminder', at: iso(5) });
  });

  it('when the schedule is re-dated, then its keys start fresh and the ladder starts again at the first rung', () => {
    const schedule = new TaskSchedule(plan, () => false);
    schedule.redate({ ...plan, reminders: [], dueAt: iso(40), escalations: [{ level: 1, target: 'unitSupervisor', at: iso(40) }] });
    expect(schedule.next()).toEqual({ kind: 'escalation', key: 'v1:e1', at: iso(40), level: 1, target: 'unitSupervisor' });
  });

  it('when an acknowledgement re-arms the ladder, then the next rung comes by the re-arm time if that is earlier than planned', () => {
    const schedule = new TaskSchedule({ ...plan, reminders: [] }, () => false);
    schedule.rearm(iso(3));
    expect(schedule.next()).toMatchObject({ kind: 'escalation', level: 1, at: iso(3) });
    schedule.rearm(iso(50));
    expect(schedule.next()).toMatchObject({ level: 1, at: iso(10) });
  });
});
