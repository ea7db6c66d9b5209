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
const WORKFLOW_TASK_COMPLETED = temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;

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
 * Resumes a closed workflow from its own history: Temporal's reset to its last completed workflow
 * task, the point where it last decided something. Everything it recorded up to then (steps done,
 * timers, children started) stands; what ended it (a terminate, a failure) is dropped and it runs
 * on. The reason names no one: Temporal histories are read by whoever operates the cluster.
 */
async function resumeFromHistory(deps: ApiDeps, workflowId: string, runId: string): Promise<void> {
  const history = await deps.temporal.workflow.getHandle(workflowId, runId).fetchHistory();
  const last = [...(history.events ?? [])].reverse().find((e) => e.eventType === WORKFLOW_TASK_COMPLETED);
  if (!last?.eventId) throw new AppError(ErrorCode.CaseHistoryGone, `workflow ${workflowId} never completed a workflow task: there is no recorded state to resume`);
  await deps.temporal.workflowService.resetWorkflowExecution({
    namespace: deps.temporal.options.namespace,
    workflowExecution: { workflowId, runId },
    workflowTaskFinishEventId: last.eventId,
    reason: 'restarted by an admin through the samverkan API (see its audit trail)',
    requestId: randomUUID(),
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

  const restarted: Restarted[] = [];
  const caseWorkflow = await statusOf(deps, row.workflowId);
  if (!caseWorkflow) {
    const tasks = await deps.prisma.task.count({ where: { caseId } });
    if (tasks > 0 || !row.startArgs) {
      throw new AppError(ErrorCode.CaseHistoryGone, "the case's workflow history is gone and the case has recorded tasks: starting it again would reopen them");
    }
    await startRecordedCase(deps, row);
    restarted.push({ workflowId: row.workflowId, kind: 'case', from: 'recorded-start' });
  } else if (caseWorkflow.status !== 'RUNNING') {
    await resumeFromHistory(deps, row.workflowId, caseWorkflow.runId);
    restarted.push({ workflowId: row.workflowId, kind: 'case', from: 'history' });
  }

  // Its live tasks too: a terminated case takes its running children with it.
  const tasks = await deps.prisma.task.findMany({ where: { caseId, status: { in: liveTaskStatuses } }, select: { id: true }, orderBy: { id: 'asc' } });
  for (const task of tasks) {
    const taskWorkflow = await statusOf(deps, task.id);
    if (!taskWorkflow || taskWorkflow.status === 'RUNNING') continue;
    await resumeFromHistory(deps, task.id, taskWorkflow.runId);
    restarted.push({ workflowId: task.id, kind: 'task', from: 'history' });
  }
  if (!restarted.length) throw new AppError(ErrorCode.CaseWorkflowRunning, "the case's workflow and its tasks' workflows are running: there is nothing to restart");
  return { caseId, restarted };
}
