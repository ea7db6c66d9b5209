import { z } from 'zod';
import { caseTypes } from '../../domain/policy';
import { defineOperation } from '../operation';
import { raiseAcuteThreatBody, routeReferralBody, startCaseBody } from '../schemas';
import { caseParams, idempotencyHeaders } from '../querySchemas';
import { raiseAcuteThreat } from '../useCases/raiseAcuteThreat';
import { readCase } from '../useCases/readCase';
import { previewReferral } from '../useCases/previewReferral';
import { routeAndStart, startCase, type StartedCase } from '../useCases/startCase';
import { caseSchema } from '../views/case';
import { createdCaseSchema } from '../views/createdCase';

const acuteThreatSchema = z
  .strictObject({ caseId: z.string(), taskId: z.string(), links: z.strictObject({ case: z.string() }) })
  .describe("the police safety unit's same-day task, opened");

const routingPreviewSchema = z
  .strictObject({
    tableVersion: z.string(),
    ruleId: z.string(),
    caseType: z.enum(caseTypes),
    tracks: z.array(z.string()),
    alongside: z.array(z.enum(caseTypes)),
  })
  .describe('the routing decision the referral would get now');

const unknownAgency = 'the referring agency is not in the registry (AGENCY_NOT_FOUND, `fields` names referral.sourceAgency)';
const notStarted = `${unknownAgency}; no active policy (or routing table) for the referral; or the Idempotency-Key was used for another request. Nothing is recorded`;

/** Created, or a keyed replay of the first answer; the audit row went in with the case unless replayed. */
function created(started: StartedCase) {
  return {
    status: 201 as const,
    body: started.body,
    audited: started.audited,
    audit: { caseId: started.body.caseId },
    ...(started.replayed ? { headers: { 'Idempotent-Replayed': 'true' } } : {}),
  };
}

export const caseOperations = [
  defineOperation({
    id: 'case.create',
    method: 'post',
    path: '/cases',
    summary: 'Start a case of a named type from a referral (no routing)',
    auditsWithChange: true,
    access: { roles: ['coordinator'], scope: 'anyone' },
    headers: idempotencyHeaders,
    body: startCaseBody,
    responses: { 201: createdCaseSchema },
    errors: { 422: notStarted },
    handle: async ({ deps, caller, headers, body, auditRow }) =>
      created(await startCase(deps, body, { actor: caller.sub, idempotencyKey: headers['Idempotency-Key'], auditRow: auditRow(201) })),
  }),
  defineOperation({
    id: 'referral.route',
    method: 'post',
    path: '/referrals',
    summary: 'Route a referral by the decision table and start its case (a triage case when no rule matches)',
    auditsWithChange: true,
    access: { roles: ['coordinator'], scope: 'anyone' },
    headers: idempotencyHeaders,
    body: routeReferralBody,
    responses: { 201: createdCaseSchema },
    errors: { 422: notStarted },
    handle: async ({ deps, caller, headers, body, auditRow }) =>
      created(await routeAndStart(deps, body.referral, { actor: caller.sub, idempotencyKey: headers['Idempotency-Key'], auditRow: auditRow(201) })),
  }),
  defineOperation({
    id: 'referral.preview',
    method: 'post',
    path: '/referrals/preview',
    summary: 'Where the routing table would send a referral (case type, rule, tracks), without starting anything',
    access: { roles: ['coordinator'], scope: 'anyone' },
    body: routeReferralBody,
    responses: { 200: routingPreviewSchema },
    errors: { 422: `${unknownAgency}, or no routing table is active` },
    handle: async ({ deps, body }) => ({ status: 200, body: await previewReferral(deps, body.referral) }),
  }),
  defineOperation({
    id: 'case.read',
    method: 'get',
    path: '/cases/:caseId',
    summary: 'A case as the caller may see it: coordinators whole; a unit its own tasks in full, what else they open as step, status and due date, consents to its agency',
    access: { roles: ['coordinator', 'staff', 'supervisor'], scope: 'caseVisible' },
    params: caseParams,
    responses: { 200: caseSchema },
    handle: async ({ deps, caller, grant, params }) => ({ status: 200, body: await readCase(deps, params.caseId, caller, grant.sight!) }),
  }),
  defineOperation({
    id: 'case.acute-threat',
    method: 'post',
    path: '/cases/:caseId/acute-threats',
    summary: "Raise an acute threat on a running case of any type: the police safety unit's same-day task opens, with the reason",
    access: { roles: ['coordinator', 'staff'], scope: 'caseTaskHolder' },
    params: caseParams,
    body: raiseAcuteThreatBody,
    responses: { 201: acuteThreatSchema },
    errors: { 409: 'the case is closed', 422: "the case's policy has no acute-threat step" },
    handle: async ({ deps, caller, params, body }) => ({ status: 201, body: await raiseAcuteThreat(deps, params.caseId, body, caller.sub) }),
  }),
];
