import { ErrorCode } from './errors';
import type { TaskStatus } from './messages';

/**
 * Why a task cannot take a completion or an extension, said the same way by the task workflow's
 * validators and by the API (which answers from the read model once the workflow has ended).
 * The reason is the task's actual state, so that a person knows what to do next.
 */
export interface TaskFacts {
  status: TaskStatus | string;
  completedBy?: string | null;
  completedAt?: string | null;
  /** When a withdrawn, not-shared or closed task ended. */
  endedAt?: string | null;
  consent?: { agency: string; purpose: string | null } | null;
}

export interface TaskRefusal {
  code: ErrorCode;
  /** The task's state, for clients: one of TaskStatus. */
  reason: string;
  message: string;
}

const when = (at: string | null | undefined) => (at ? ` at ${at}` : '');

/** Undefined when the task is open; otherwise the code, the state and a message for developers. */
export function whyNotOpen(task: TaskFacts): TaskRefusal | undefined {
  const sharing = task.consent ? ` with ${task.consent.agency} for ${task.consent.purpose ?? 'its purpose'}` : '';
  switch (task.status) {
    case 'open':
      return undefined;
    case 'completed':
      return {
        code: ErrorCode.TaskAlreadyDone,
        reason: 'completed',
        message: `the task was already completed${task.completedBy ? ` by ${task.completedBy}` : ''}${when(task.completedAt)}`,
      };
    case 'waiting-for-consent':
      return { code: ErrorCode.TaskNotOpen, reason: 'waiting-for-consent', message: `the task is waiting for consent to share${sharing}; record the consent first` };
    case 'withdrawn':
      return { code: ErrorCode.TaskNotOpen, reason: 'withdrawn', message: `the task was withdrawn${when(task.endedAt)}: consent to share${sharing} is no longer in force` };
    case 'not-shared':
      return { code: ErrorCode.TaskNotOpen, reason: 'not-shared', message: `the task was not shared${when(task.endedAt)}: consent to share${sharing} was refused` };
    case 'closed':
      return { code: ErrorCode.TaskNotOpen, reason: 'closed', message: `the task was closed with its case${when(task.endedAt)}` };
    default:
      return { code: ErrorCode.TaskNotOpen, reason: task.status, message: `the task is ${task.status}` };
  }
}
