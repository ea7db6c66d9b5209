import { z } from 'zod';
import { defineOperation } from '../operation';
import { addPlanTaskBody, closeCaseBody, reopenCaseBody } from '../schemas';
import { caseParams } from '../querySchemas';
import { addPlanTask } from '../useCases/addPlanTask';
import { caseEvents } from '../useCases/caseEvents';
import { caseEventsSchema } from '../views/history';
import { closeCase } from '../useCases/closeCase';
import { reopenCase } from '../useCases/reopenCase';
import { closedCaseSchema, reopenedCaseSchema } from '../views/caseLifecycle';

const plannedTaskSchema = z
  .strictObject({
    caseId: z.string(),
    taskId: z.string(),
    unit: z.string(),
    /** The consent the task waits for (the unit's agency, the programme's purpose); null for the coordinators' own unit. */
    consent: z.strictObject({ agency: z.string(), purpose: z.string() }).nullable(),
  })
  .describe('the joint-plan task, started');

/** A case's course beyond its steps: joint-plan tasks, closing with a reason, reopening (domain/caseClosing.ts). */
export const caseLifecycleOperations = [
  defineOperation({
    id: 'case.close',
    method: 'post',
    path: '/cases/:caseId/close',
    summary: 'Close a running case with a reason code: every task still running ends as closed with it, its timers stop',
    access: { roles: ['coordinator'], scope: 'caseVisible' },
    params: caseParams,
    body: closeCaseBody,
    responses: { 200: closedCaseSchema },
    errors: { 409: 'the case is already closed or still starting (CASE_NOT_OPEN), or started before cases could be closed (CASE_NOT_CLOSABLE)' },
    handle: async ({ deps, caller, params, body }) => ({ status: 200, body: await closeCase(deps, params.caseId, body.reason, caller.sub) }),
  }),
  defineOperation({
    id: 'case.reopen',
    method: 'post',
    path: '/cases/:caseId/reopen',
    summary: "Reopen a closed case within its policy's period, from a chosen step, with a reason; its new deadlines count from now",
    access: { roles: ['coordinator'], scope: 'caseVisible' },
    params: caseParams,
    body: reopenCaseBody,
    responses: { 201: reopenedCaseSchema },
    errors: { 422: 'the case is not closed, closed too long ago, pseudonymised, or cannot start again from that step (CASE_NOT_REOPENABLE, the reason in error.reason)' },
    handle: async ({ deps, caller, params, body }) => ({ status: 201, body: await reopenCase(deps, params.caseId, body, caller.sub) }),
  }),
  defineOperation({
    id: 'case.plan.add',
    method: 'post',
    path: '/cases/:caseId/plan-tasks',
    summary: "Add a task for any registered unit to a SIG or exit case's joint plan; it waits for consent to share with the unit's agency like the others",
    access: { roles: ['coordinator'], scope: 'caseVisible' },
    params: caseParams,
    body: addPlanTaskBody,
    responses: { 201: plannedTaskSchema },
    errors: {
      409: 'the case is closed or still starting (CASE_NOT_OPEN)',
      422: 'not a SIG or exit case (JOINT_PLAN_NOT_ALLOWED), no such unit (UNIT_NOT_FOUND), or the unit is deactivated (UNIT_INACTIVE)',
    },
    handle: async ({ deps, caller, params, body }) => {
      const planned = await addPlanTask(deps, params.caseId, body, caller.sub);
      return { status: 201, body: planned, audit: { taskId: planned.taskId, detail: { unit: planned.unit } } };
    },
  }),
  defineOperation({
    id: 'case.events',
    method: 'get',
    path: '/cases/:caseId/events',
    summary: "A case's closings (reason, who, when) and reopenings (from which step, why), oldest first",
    access: { roles: ['coordinator'], scope: 'caseVisible' },
    params: caseParams,
    responses: { 200: caseEventsSchema },
    handle: async ({ deps, params }) => {
      const body = await caseEvents(deps, params.caseId);
      return { status: 200, body, audit: { detail: { returned: body.items.length } } };
    },
  }),
];
