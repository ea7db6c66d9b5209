import { z } from 'zod';
import { roles } from '../domain/auth';
import { policyDocumentSchema } from '../domain/policy';
import { routingTableSchema } from '../domain/routing';
import {
  acknowledgeEscalationBody,
  auditQuery,
  completeTaskBody,
  escalationListQuery,
  notificationListQuery,
  extendDeadlineBody,
  idParam,
  raiseAcuteThreatBody,
  recordConsentBody,
  refuseConsentBody,
  reportQuery,
  routeReferralBody,
  startCaseBody,
  taskListQuery,
  taskSearchQuery,
  unitCodeSchema,
} from './schemas';

interface Operation {
  method: 'get' | 'post';
  /** Express-style path; `:name` becomes `{name}` in the document. */
  path: string;
  summary: string;
  /** Who may call it; undefined = public (no token). */
  access?: string;
  params?: Record<string, z.ZodType>;
  query?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<number, string>;
  produces?: string;
}

const authed = { 400: 'invalid input; the body names each field', 401: 'no valid bearer token', 429: 'rate limit for this token' };

/** Every route the API serves. test/api/openapi.test.ts checks this list against the Express router. */
export const operations: Operation[] = [
  { method: 'get', path: '/health', summary: 'Liveness', responses: { 200: 'the process is up' } },
  { method: 'get', path: '/ready', summary: 'Readiness: Temporal and the database answer now', responses: { 200: 'ready', 503: 'not ready' } },
  { method: 'get', path: '/openapi.json', summary: 'This document', responses: { 200: 'OpenAPI 3.1 document' } },
  {
    method: 'post',
    path: '/cases',
    summary: 'Start a case from a referral',
    access: 'coordinator',
    body: startCaseBody,
    responses: { ...authed, 201: 'the case started', 403: 'not a coordinator', 422: 'no active policy' },
  },
  {
    method: 'get',
    path: '/cases/{caseId}',
    summary: 'A case with its tasks, deadlines, extensions, escalations and notifications',
    access: 'coordinator; staff or supervisor of a unit whose agency the case is shared with',
    params: { caseId: idParam },
    responses: { ...authed, 200: 'the case', 403: 'a role that never reads cases', 404: 'no such case, or not shared with the caller' },
  },
  {
    method: 'get',
    path: '/tasks',
    summary: "Tasks the caller may see (coordinator: all; staff/supervisor: their units'), by due date",
    access: 'coordinator, staff, supervisor',
    query: taskSearchQuery,
    responses: { ...authed, 200: 'a page of tasks', 403: 'not one of your units' },
  },
  {
    method: 'get',
    path: '/units/{unitCode}/tasks',
    summary: "A unit's inbox, by due date",
    access: 'coordinator; staff or supervisor of the unit',
    params: { unitCode: unitCodeSchema },
    query: taskListQuery,
    responses: { ...authed, 200: 'a page of tasks', 403: 'not one of your units', 404: 'no such unit' },
  },
  {
    method: 'post',
    path: '/tasks/{taskId}/complete',
    summary: 'Complete a task with one of its outcomes',
    access: "staff of the task's unit",
    params: { taskId: idParam },
    body: completeTaskBody,
    responses: { ...authed, 200: 'the task', 403: 'not staff of its unit', 404: 'no such task', 409: 'already completed', 422: 'outcome not allowed' },
  },
  {
    method: 'post',
    path: '/tasks/{taskId}/extend',
    summary: 'Extend a deadline, with a written justification',
    access: "supervisor of the task's unit",
    params: { taskId: idParam },
    body: extendDeadlineBody,
    responses: { ...authed, 200: 'the task', 403: 'not supervisor of its unit', 404: 'no such task', 409: 'already completed', 422: 'not later' },
  },
  {
    method: 'get',
    path: '/escalations',
    summary: "Escalations (coordinator: all; supervisor: their units')",
    access: 'coordinator, supervisor',
    query: escalationListQuery,
    responses: { ...authed, 200: 'a page of escalations', 403: 'not a supervisor of that unit' },
  },
  {
    method: 'post',
    path: '/escalations/{escalationId}/acknowledge',
    summary: 'Acknowledge an escalation',
    access: "supervisor of the task's unit",
    params: { escalationId: idParam },
    body: acknowledgeEscalationBody,
    responses: { ...authed, 200: 'the task', 403: 'not supervisor of its unit', 404: 'no such escalation', 409: 'already acknowledged' },
  },
  {
    method: 'get',
    path: '/reports/tasks',
    summary: 'Per unit and step: open, overdue, completed, median and p90 seconds to completion, escalations, extensions',
    access: "coordinator (all units), supervisor (their units)",
    query: reportQuery,
    responses: { ...authed, 200: 'the report', 403: 'not a supervisor of that unit' },
  },
  {
    method: 'get',
    path: '/reports/tasks.csv',
    summary: 'The same report as CSV',
    access: "coordinator (all units), supervisor (their units)",
    query: reportQuery,
    produces: 'text/csv',
    responses: { ...authed, 200: 'the report as CSV', 403: 'not a supervisor of that unit' },
  },
  {
    method: 'get',
    path: '/audit',
    summary: 'The audit trail, newest first',
    access: 'auditor',
    query: auditQuery,
    responses: { ...authed, 200: 'a page of audit events', 403: 'not an auditor' },
  },
  {
    method: 'get',
    path: '/notifications',
    summary: 'Emails by delivery status (default: failing), so a supervisor sees what is not getting out',
    access: 'coordinator (all), supervisor (their units)',
    query: notificationListQuery,
    responses: { ...authed, 200: 'a page of notifications', 403: 'not one of your units' },
  },
  {
    method: 'post',
    path: '/referrals',
    summary: 'Route a referral by the decision table and start its case (a triage case when no rule matches)',
    access: 'coordinator',
    body: routeReferralBody,
    responses: { ...authed, 201: 'the case started', 403: 'not a coordinator', 422: 'no active policy or routing table' },
  },
  {
    method: 'post',
    path: '/cases/{caseId}/consents',
    summary: 'Record a consent: one person, one receiving agency, one purpose',
    access: 'coordinator',
    params: { caseId: idParam },
    body: recordConsentBody,
    responses: { ...authed, 201: 'the consent', 403: 'not a coordinator', 404: 'no such case', 409: 'the case is closed' },
  },
  {
    method: 'post',
    path: '/cases/{caseId}/consents/{consentId}/withdraw',
    summary: "Withdraw a consent; the affected agency's open tasks are withdrawn at once",
    access: 'coordinator',
    params: { caseId: idParam, consentId: idParam },
    responses: { ...authed, 200: 'the withdrawn consent', 403: 'not a coordinator', 404: 'no such case or consent', 409: 'already withdrawn' },
  },
  {
    method: 'post',
    path: '/cases/{caseId}/consent-refusals',
    summary: 'Record that consent was refused; a task waiting for it ends as not shared and the case goes on without that agency',
    access: 'coordinator',
    params: { caseId: idParam },
    body: refuseConsentBody,
    responses: { ...authed, 201: 'the refusal', 403: 'not a coordinator', 404: 'no such case', 409: 'the case is closed' },
  },
  {
    method: 'post',
    path: '/cases/{caseId}/acute-threats',
    summary: "Raise an acute threat on a running case: the police safety unit's same-day task opens, with the reason",
    access: 'coordinator; staff of a unit with a task in the case',
    params: { caseId: idParam },
    body: raiseAcuteThreatBody,
    responses: { ...authed, 201: 'the task opened', 403: 'no task of yours in the case', 404: 'no such case, or not shared with the caller', 409: 'the case is closed', 422: "the case's policy has no acute-threat step" },
  },
  {
    method: 'get',
    path: '/admin/policies',
    summary: 'Every policy version, the active one per case type, and how many cases run on each',
    access: 'admin',
    responses: { ...authed, 200: 'policy versions', 403: 'not an admin' },
  },
  {
    method: 'get',
    path: '/admin/policies/{caseType}/{version}',
    summary: 'One policy document',
    access: 'admin',
    params: { caseType: idParam, version: idParam },
    responses: { ...authed, 200: 'the policy', 403: 'not an admin', 404: 'no such policy version' },
  },
  {
    method: 'post',
    path: '/admin/policies',
    summary: 'Publish a new policy version (applies to new cases only)',
    access: 'admin',
    body: policyDocumentSchema,
    responses: { ...authed, 201: 'published', 403: 'not an admin', 409: 'that version exists', 422: 'names an unknown unit' },
  },
  {
    method: 'get',
    path: '/admin/routing',
    summary: 'The active routing table and its versions',
    access: 'admin',
    responses: { ...authed, 200: 'routing tables', 403: 'not an admin' },
  },
  {
    method: 'post',
    path: '/admin/routing',
    summary: 'Publish a new routing table version',
    access: 'admin',
    body: routingTableSchema,
    responses: { ...authed, 201: 'published', 403: 'not an admin', 409: 'that version exists', 422: 'names an unknown unit' },
  },
];

/** OpenAPI 3.1 schemas are JSON Schema 2020-12; the per-schema `$schema` line is noise there. */
const jsonSchema = (schema: z.ZodType) => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
  return rest;
};

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        reason: { type: 'string' },
        fields: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, problem: { type: 'string' } } } },
      },
    },
  },
};

/** OpenAPI 3.1, generated from the same zod schemas the routes validate with. */
export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const parameters = [
      ...Object.entries(op.params ?? {}).map(([name, schema]) => ({ name, in: 'path', required: true, schema: jsonSchema(schema) })),
      ...Object.entries(op.query?.shape ?? {}).map(([name, schema]) => ({
        name,
        in: 'query',
        required: false,
        schema: jsonSchema(schema as z.ZodType),
      })),
    ];
    paths[op.path] ??= {};
    paths[op.path][op.method] = {
      summary: op.summary,
      ...(op.access ? { description: `Allowed: ${op.access}.`, security: [{ bearer: [] }] } : { security: [] }),
      ...(parameters.length ? { parameters } : {}),
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body) } } } } : {}),
      responses: Object.fromEntries(
        Object.entries(op.responses).map(([status, description]) => [
          status,
          {
            description,
            content:
              Number(status) >= 400
                ? { 'application/json': { schema: errorSchema } }
                : { [op.produces ?? 'application/json']: { schema: op.produces ? { type: 'string' } : {} } },
          },
        ]),
      ),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'samverkan',
      version: '0.1.0',
      description: `Bearer JWT (OIDC): claims sub, roles (${roles.join(', ')}), units, supervised_units.`,
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths,
  };
}
