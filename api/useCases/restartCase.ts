import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { ErrorCode } from '../../domain/errors';
import type { ApiDeps } from '../context';
import { AppError } from '../errors';
import { startRecordedCase } from './caseWorkflow';

/** What a restart did to one workflow of the case. */
export interface Restarted {
  workflowId: string;
  kind: 'case' | 'task';
  /** `history`: resumed from its own recorded history; `recorded-start`: started from the case row's start input. */
  from: 'history' | 'recorded-start';
}

// Task states in which a task workflow must be running (as the watchdog checks).
const liveTaskStatuses = ['open', 'waiting-for-consent'];
const { EventType, ResetReapplyExcludeType } = temporal.api.enums.v1;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
// What a reset would otherwise carry over from after its point: messages the workflow was sent.
const messageEvents = new Set([
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ADMITTED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED,
]);
// Excluding every kind is the only way to keep Temporal (1.27+) from also carrying over a child's end.
const everyReapplyKind = [
  ResetReapplyExcludeType.RESET_REAPPLY_EXCLUDE_TYPE_SIGNAL,
  ResetReapplyExcludeType.RESET_REAPPLY_EXCLUDE_TYPE_UPDATE,
  ResetReapplyExcludeType.RESET_REAPPLY_EXCLUDE_TYPE_NEXUS,
  ResetReapplyExcludeType.RESET_REAPPLY_EXCLUDE_TYPE_CANCEL_REQUEST,
];

/** The child workflow an event says ended without a result (terminated, failed, timed out, cancelled), if it is one. */
function childEndedWithoutResult(e: HistoryEvent): string | undefined {
  const ended =
    e.childWorkflowExecutionTerminatedEventAttributes ??
    e.childWorkflowExecutionFailedEventAttributes ??
    e.childWorkflowExecutionTimedOutEventAttributes ??
    e.childWorkflowExecutionCanceledEventAttributes;
  return ended?.workflowExecution?.workflowId ?? undefined;
}

/** The workflow's status now, or undefined when Temporal has no such workflow (or its history has expired). */
async function statusOf(deps: ApiDeps, workflowId: string): Promise<{ status: string; runId: string } | undefined> {
  try {
    const d = await deps.temporal.workflow.getHandle(workflowId).describe();
    return { status: d.status.name, runId: d.runId };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/**
 * Where a closed workflow resumes: its last completed workflow task, the point where it last
 * decided something. A case that failed because a task it awaits ended without a result (a task
 * workflow terminated, say) would decide the same again from there; when that task is one of the
 * case's live tasks, it resumes from its last decision before it heard the task end instead, and
 * hears the task's own resumed run. Temporal would carry the task's end over to the reset run
 * (it re-applies a pending child's events), so nothing after the point is carried over: if the
 * case was sent a message after it, resuming would lose the message, and the admin is told so.
 */
function resumePoint(workflowId: string, events: HistoryEvent[], liveChildren: ReadonlySet<string>): { eventId: HistoryEvent['eventId']; beforeChildEnded: boolean } {
  const childEnded = events.find((e) => liveChildren.has(childEndedWithoutResult(e) ?? ''));
  const candidates = childEnded ? events.filter((e) => Number(e.eventId) < Number(childEnded.eventId)) : events;
  const last = [...candidates].reverse().find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  if (!last?.eventId) throw new AppError(ErrorCode.CaseHistoryGone, `workflow ${workflowId} never completed a workflow task: there is no recorded state to resume`);
  if (childEnded) {
    const kept = Number(last.workflowTaskCompletedEventAttributes?.startedEventId ?? last.eventId);
    const lost = events.filter((e) => Number(e.eventId) > kept && messageEvents.has(e.eventType ?? EventType.EVENT_TYPE_UNSPECIFIED));
    if (lost.length) {
      throw new AppError(
        ErrorCode.CaseResumeLosesMessages,
        `workflow ${workflowId} was sent ${lost.length} message(s) after its last decision before task ${childEndedWithoutResult(childEnded)} ended: resuming it would lose them`,
      );
    }
  }
  return { eventId: last.eventId, beforeChildEnded: childEnded !== undefined };
}

/**
 * Resumes a closed workflow from its own history: Temporal's reset to `resumePoint`. Everything
 * it recorded up to then (steps done, timers, children started) stands; what ended it (a
 * terminate, a failure) is dropped and it runs on. The reason names no one: Temporal histories
 * are read by whoever operates the cluster.
 */
async function resumeFromHistory(deps: ApiDeps, workflowId: string, runId: string, liveChildren: ReadonlySet<string> = new Set()): Promise<void> {
  const history = await deps.temporal.workflow.getHandle(workflowId, runId).fetchHistory();
  const point = resumePoint(workflowId, history.events ?? [], liveChildren);
  await deps.temporal.workflowService.resetWorkflowExecution({
    namespace: deps.temporal.options.namespace,
    workflowExecution: { workflowId, runId },
    workflowTaskFinishEventId: point.eventId,
    reason: 'restarted by an admin through the samverkan API (see its audit trail)',
    requestId: randomUUID(),
    ...(point.beforeChildEnded ? { resetReapplyExcludeTypes: everyReapplyKind } : {}),
  });
}

/**
 * An admin's repair of a case the watchdog found without its workflow (README "The watchdog"):
 * the read model says the case is open, Temporal runs no workflow for it (or for one of its live
 * tasks). Each such workflow is resumed from its recorded history. A case whose history has
 * expired is started from its recorded start input only when it has recorded no task yet;
 * otherwise starting it again would reopen work already done, and the answer says so. Never
 * called automatically: the operation is audited like every change.
 */
export async function restartCase(deps: ApiDeps, caseId: string): Promise<{ caseId: string; restarted: Restarted[] }> {
  const row = await deps.prisma.case.findUnique({ where: { id: caseId }, select: { id: true, workflowId: true, caseType: true, policyVersion: true, status: true, startArgs: true } });
  if (!row) throw new AppError(ErrorCode.CaseNotFound, 'no such case');
  if (row.status !== 'open') throw new AppError(ErrorCode.CaseNotOpen, `the case is ${row.status}: only an open case is restarted`);

  // Its live tasks: a terminated case takes its running tasks with it, and a task whose workflow
  // ended alone fails the case awaiting it. Known before the case resumes, to choose its point.
  const tasks = await deps.prisma.task.findMany({ where: { caseId, status: { in: liveTaskStatuses } }, select: { id: true }, orderBy: { id: 'asc' } });
  const taskWorkflows = new Map<string, { status: string; runId: string }>();
  for (const task of tasks) {
    const taskWorkflow = await statusOf(deps, task.id);
    if (taskWorkflow) taskWorkflows.set(task.id, taskWorkflow);
  }

  const restarted: Restarted[] = [];
  const caseWorkflow = await statusOf(deps, row.workflowId);
  if (!caseWorkflow) {
    const recorded = await deps.prisma.task.count({ where: { caseId } });
    if (recorded > 0 || !row.startArgs) {
      throw new AppError(ErrorCode.CaseHistoryGone, "the case's workflow history is gone and the case has recorded tasks: starting it again would reopen them");
    }
    await startRecordedCase(deps, row);
    restarted.push({ workflowId: row.workflowId, kind: 'case', from: 'recorded-start' });
  } else if (caseWorkflow.status !== 'RUNNING') {
    // The case first: a task's resumed run reports its result to the case's resumed run.
    await resumeFromHistory(deps, row.workflowId, caseWorkflow.runId, new Set(taskWorkflows.keys()));
    restarted.push({ workflowId: row.workflowId, kind: 'case', from: 'history' });
  }

  for (const [taskId, taskWorkflow] of taskWorkflows) {
    if (taskWorkflow.status === 'RUNNING') continue;
    await resumeFromHistory(deps, taskId, taskWorkflow.runId);
    restarted.push({ workflowId: taskId, kind: 'task', from: 'history' });
  }
  if (!restarted.length) throw new AppError(ErrorCode.CaseWorkflowRunning, "the case's workflow and its tasks' workflows are running: there is nothing to restart");
  return { caseId, restarted };
}
