import { z } from 'zod';
import { sharedTasksOnly } from '../caseSharing';
import { defineOperation, listed } from '../operation';
import { assignTaskBody, completeTaskBody, emptyBody, routeTriageBody, extendDeadlineBody, reassignTaskBody } from '../schemas';
import { taskListQuery, taskParams, taskSearchQuery, unitCodeSchema } from '../querySchemas';
import { assignTask } from '../useCases/assignTask';
import { claimTask } from '../useCases/claimTask';
import { reassignTask } from '../useCases/reassignTask';
import { releaseTask } from '../useCases/releaseTask';
import { taskAssignments } from '../useCases/taskAssignments';
import { taskAssignmentsSchema } from '../views/history';
import { routeFromTriage } from '../useCases/routeFromTriage';
import { createdCaseSchema } from '../views/createdCase';
import { completeTask, extendDeadline, listTasks, listUnitTasks } from '../useCases/tasks';
import { pageOf } from '../views/common';
import { taskListItemSchema, taskStateSchema, taskStatuses } from '../views/task';
import { taskOwnerSchema } from '../views/taskOwner';
import { withProtectedIdentity } from '../useCases/protectedIdentity';

const taskPage = pageOf(taskListItemSchema);
const notOpen = 'the task is already completed, or no longer open';

export const taskOperations = [
  defineOperation({
    id: 'task.list',
    method: 'get',
    path: '/tasks',
    summary: "Tasks the caller may see (coordinator: all; staff/supervisor: their units' tasks that share their case, none before consent), by due date; mine=true: the tasks the caller holds",
    access: { roles: ['coordinator', 'staff', 'supervisor'], scope: 'unitMember' },
    query: taskSearchQuery,
    responses: { 200: taskPage },
    handle: async ({ deps, caller, grant, query }) => listed(await listTasks(deps, grant.units, query, { hidden: await sharedTasksOnly(deps, caller, grant.units), caller: caller.sub }), query.unit, query.status),
  }),
  defineOperation({
    id: 'unit.tasks',
    auditAction: 'task.list',
    method: 'get',
    path: '/units/:unitCode/tasks',
    summary: "A unit's inbox, by due date",
    access: { roles: ['coordinator', 'staff', 'supervisor'], scope: 'unitMember' },
    params: z.object({ unitCode: unitCodeSchema }).strict(),
    query: taskListQuery,
    responses: { 200: z.strictObject({ unit: z.string(), ...taskPage.shape }) },
    errors: { 404: 'no such unit' },
    handle: async ({ deps, caller, params, query }) =>
      listed(await listUnitTasks(deps, params.unitCode, query, await sharedTasksOnly(deps, caller, [params.unitCode])), params.unitCode, query.status),
  }),
  defineOperation({
    id: 'task.complete',
    method: 'post',
    path: '/tasks/:taskId/complete',
    summary: 'Complete a task with one of its outcomes',
    access: { roles: ['staff'], scope: 'taskUnitStaff' },
    params: taskParams,
    body: completeTaskBody,
    responses: { 200: taskStateSchema },
    errors: { 409: `${notOpen}; or another person holds it (TASK_CLAIMED: they, or a supervisor of the unit, complete it)`, 422: 'the outcome is not one the step allows; or the task is a minor\'s triage task (CHILD_REPORT_NEEDS_CASE: route it on with POST /tasks/:taskId/route)' },
    handle: async ({ deps, caller, params, body }) => ({ status: 200, body: await withProtectedIdentity(deps, await completeTask(deps, params.taskId, body, caller)) }),
  }),
  defineOperation({
    id: 'task.extend',
    method: 'post',
    path: '/tasks/:taskId/extend',
    summary: 'Extend a deadline, with a written justification',
    access: { roles: ['supervisor'], scope: 'taskUnitSupervisor' },
    params: taskParams,
    body: extendDeadlineBody,
    responses: { 200: taskStateSchema },
    errors: { 409: notOpen, 422: 'the new deadline is not later than the current one' },
    handle: async ({ deps, caller, params, body }) => ({ status: 200, body: await withProtectedIdentity(deps, await extendDeadline(deps, params.taskId, body, caller.sub)) }),
  }),
  defineOperation({
    id: 'task.claim',
    method: 'post',
    path: '/tasks/:taskId/claim',
    summary: "Claim an open task of one's unit (\"I'll take it\"); its deadline stays",
    access: { roles: ['staff'], scope: 'taskUnitStaff' },
    params: taskParams,
    body: emptyBody,
    responses: { 200: taskOwnerSchema },
    errors: { 409: `${notOpen}; or another person holds it (TASK_CLAIMED)` },
    handle: async ({ deps, caller, params }) => ({ status: 200, body: await claimTask(deps, params.taskId, caller.sub) }),
  }),
  defineOperation({
    id: 'task.release',
    method: 'post',
    path: '/tasks/:taskId/release',
    summary: 'Give a task one holds back to the unit',
    access: { roles: ['staff'], scope: 'taskUnitStaff' },
    params: taskParams,
    body: emptyBody,
    responses: { 200: taskOwnerSchema },
    errors: { 409: `${notOpen}; or another person holds it (TASK_CLAIMED)` },
    handle: async ({ deps, caller, params }) => ({ status: 200, body: await releaseTask(deps, params.taskId, caller.sub) }),
  }),
  defineOperation({
    id: 'task.assign',
    method: 'post',
    path: '/tasks/:taskId/assign',
    summary: "A supervisor gives an open task of their unit to a named person of the unit (their user id); its deadline stays",
    access: { roles: ['supervisor'], scope: 'taskUnitSupervisor' },
    params: taskParams,
    body: assignTaskBody,
    responses: { 200: taskOwnerSchema },
    errors: { 409: notOpen },
    handle: async ({ deps, caller, params, body }) => ({ status: 200, body: await assignTask(deps, params.taskId, body.assignee, caller.sub) }),
  }),
  defineOperation({
    id: 'task.reassign',
    method: 'post',
    path: '/tasks/:taskId/reassign',
    summary: "A supervisor moves an open task of their unit to another unit, with a reason: the new unit is emailed, reminders and escalations go there, the deadline stays",
    access: { roles: ['supervisor'], scope: 'taskUnitSupervisor' },
    params: taskParams,
    body: reassignTaskBody,
    responses: { 200: taskStateSchema },
    errors: {
      409: notOpen,
      422: 'no such unit (UNIT_NOT_FOUND), the unit is deactivated (UNIT_INACTIVE), or the move is not possible (INVALID_REASSIGNMENT: the same unit, or outside the consent the task rests on)',
    },
    handle: async ({ deps, caller, params, body }) => ({ status: 200, body: await withProtectedIdentity(deps, await reassignTask(deps, params.taskId, body, caller.sub)) }),
  }),
  defineOperation({
    id: 'triage.route',
    method: 'post',
    path: '/tasks/:taskId/route',
    summary: "Complete a triage task with a routing decision: the chosen case starts from the triage case's referral (nothing re-typed), linked to it",
    access: { roles: ['coordinator', 'staff'], scope: 'taskVisible' },
    params: taskParams,
    body: routeTriageBody,
    responses: {
      201: z
        .strictObject({
          triageCaseId: z.string(),
          triageTask: z.strictObject({ taskId: z.string(), status: z.enum(taskStatuses), outcome: z.string() }),
          case: createdCaseSchema,
        })
        .describe('the triage task completed and the routed case started'),
    },
    errors: {
      409: `${notOpen}; or another person holds it (TASK_CLAIMED)`,
      422: "not a triage task (NOT_A_TRIAGE_TASK), no active policy for the case type, the triage case's referring agency is not in the registry (AGENCY_NOT_FOUND: only a case recorded before referrals were checked against the registry), or the task already started a case routed otherwise (IDEMPOTENCY_KEY_REUSED: an earlier routing started it, then could not complete the task)",
    },
    handle: async ({ deps, caller, params, body }) => {
      const routed = await routeFromTriage(deps, params.taskId, body, caller);
      return { status: 201, body: routed, audit: { detail: { routedCaseId: routed.case.caseId } } };
    },
  }),
  defineOperation({
    id: 'task.assignments',
    method: 'get',
    path: '/tasks/:taskId/assignments',
    summary: 'Who held the task and how it moved (claims, releases, assignments, moves with their reasons), oldest first',
    access: { roles: ['coordinator', 'staff', 'supervisor'], scope: 'taskVisible' },
    params: taskParams,
    responses: { 200: taskAssignmentsSchema },
    handle: async ({ deps, params }) => {
      const body = await taskAssignments(deps, params.taskId);
      return { status: 200, body, audit: { detail: { returned: body.items.length } } };
    },
  }),
];
