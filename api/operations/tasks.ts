import { z } from 'zod';
import { sharedTasksOnly } from '../access';
import { defineOperation, listed } from '../operation';
import { completeTaskBody, extendDeadlineBody, taskListQuery, taskParams, taskSearchQuery, unitCodeSchema } from '../schemas';
import { completeTask, extendDeadline, listTasks, listUnitTasks } from '../useCases/tasks';
import { pageOf } from '../views/common';
import { withProtectedIdentity } from '../useCases/protectedIdentity';
import { taskListItemSchema, taskStateSchema } from '../views/task';

const taskPage = pageOf(taskListItemSchema);
const notOpen = 'the task is already completed, or no longer open';

export const taskOperations = [
  defineOperation({
    id: 'task.list',
    method: 'get',
    path: '/tasks',
    summary: "Tasks the caller may see (coordinator: all; staff/supervisor: their units' tasks that share their case, none before consent), by due date",
    access: { roles: ['coordinator', 'staff', 'supervisor'], scope: 'unitMember' },
    query: taskSearchQuery,
    responses: { 200: taskPage },
    handle: async ({ deps, caller, grant, query }) => listed(await listTasks(deps, grant.units, query, await sharedTasksOnly(deps, caller, grant.units)), query.unit, query.status),
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
    errors: { 409: notOpen, 422: 'the outcome is not one the step allows' },
    handle: async ({ deps, caller, params, body }) => ({ status: 200, body: await withProtectedIdentity(deps, await completeTask(deps, params.taskId, body, caller.sub)) }),
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
];
