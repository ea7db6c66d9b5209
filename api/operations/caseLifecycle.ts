import { defineOperation } from '../operation';
import { caseParams, closeCaseBody, reopenCaseBody } from '../schemas';
import { closeCase } from '../useCases/closeCase';
import { reopenCase } from '../useCases/reopenCase';
import { closedCaseSchema, reopenedCaseSchema } from '../views/caseLifecycle';

/** Closing a case with a reason, and reopening it (domain/caseClosing.ts). */
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
];
