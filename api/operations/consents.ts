import { defineOperation } from '../operation';
import { recordConsentBody, refuseConsentBody } from '../schemas';
import { caseParams, idParam } from '../querySchemas';
import { recordConsent, withdrawConsent } from '../useCases/consents';
import { refuseConsent } from '../useCases/refuseConsent';
import { consentSchema } from '../views/consent';

export const consentOperations = [
  defineOperation({
    id: 'consent.record',
    method: 'post',
    path: '/cases/:caseId/consents',
    summary: 'Record a consent: one person, one receiving agency, one purpose',
    access: { roles: ['coordinator'], scope: 'anyone' },
    params: caseParams,
    body: recordConsentBody,
    responses: { 201: consentSchema },
    errors: { 404: 'no such case', 409: 'the case is closed', 422: 'the receiving agency is not in the registry (AGENCY_NOT_FOUND, `fields` names receivingAgency)' },
    handle: async ({ deps, caller, params, body }) => ({ status: 201, body: await recordConsent(deps, params.caseId, body, caller.sub) }),
  }),
  defineOperation({
    id: 'consent.refuse',
    method: 'post',
    path: '/cases/:caseId/consent-refusals',
    summary: 'Record that consent was refused; a task waiting for it ends as not shared and the case goes on without that agency',
    access: { roles: ['coordinator'], scope: 'anyone' },
    params: caseParams,
    body: refuseConsentBody,
    responses: { 201: consentSchema.describe('the refusal, as a consent with status "refused"') },
    errors: { 404: 'no such case', 409: 'the case is closed', 422: 'the receiving agency is not in the registry (AGENCY_NOT_FOUND, `fields` names receivingAgency)' },
    handle: async ({ deps, caller, params, body }) => ({ status: 201, body: await refuseConsent(deps, params.caseId, body, caller.sub) }),
  }),
  defineOperation({
    id: 'consent.withdraw',
    method: 'post',
    path: '/cases/:caseId/consents/:consentId/withdraw',
    summary: "Withdraw a consent, on an open or a closed case; the agency loses read access at once, and its open tasks are withdrawn",
    access: { roles: ['coordinator'], scope: 'anyone' },
    params: caseParams.extend({ consentId: idParam }).strict(),
    responses: { 200: consentSchema },
    errors: { 404: 'no such case or consent', 409: 'the consent is already withdrawn' },
    handle: async ({ deps, caller, params }) => ({ status: 200, body: await withdrawConsent(deps, params.caseId, params.consentId, caller.sub) }),
  }),
];
