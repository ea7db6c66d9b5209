import { defineOperation } from '../operation';
import { correctSubjectBody, protectedIdentityBody } from '../schemas';
import { caseParams } from '../querySchemas';
import { correctSubject } from '../useCases/correctSubject';
import { markProtectedIdentity } from '../useCases/protectedIdentity';
import { readSubject } from '../useCases/readSubject';
import { listSubjectCorrections } from '../useCases/subjectCorrections';
import { protectedIdentityStateSchema, subjectCorrectionSchema, subjectCorrectionsSchema, subjectSchema } from '../views/subject';

/** The person a case is about (README "The person"): read by need to know, corrected and marked by coordinators. */
export const subjectOperations = [
  defineOperation({
    id: 'subject.read',
    method: 'get',
    path: '/cases/:caseId/subject',
    summary:
      "The case's subject (name, personnummer, birth date, age, guardians, narrative, contact, address), decrypted for this request; to coordinators and units the case is shared with (need to know); each read audited",
    access: { roles: ['coordinator', 'staff', 'supervisor'], scope: 'caseVisible' },
    params: caseParams,
    responses: { 200: subjectSchema },
    handle: async ({ deps, caller, params }) => ({ status: 200, body: await readSubject(deps, params.caseId, caller) }),
  }),
  defineOperation({
    id: 'subject.correct',
    method: 'post',
    path: '/cases/:caseId/subject/corrections',
    summary: "Correct the subject's data: the fields named change, what they held is kept encrypted; the audit row names the fields, never values",
    access: { roles: ['coordinator'], scope: 'caseVisible' },
    params: caseParams,
    body: correctSubjectBody,
    responses: { 201: subjectCorrectionSchema },
    errors: { 409: "retention has removed the case's personal data" },
    handle: async ({ deps, caller, params, body }) => {
      const corrected = await correctSubject(deps, params.caseId, body, caller.sub);
      return { status: 201, body: corrected, audit: { detail: { fields: corrected.fields, revisionId: corrected.revisionId } } };
    },
  }),
  defineOperation({
    id: 'subject.corrections',
    method: 'get',
    path: '/cases/:caseId/subject/corrections',
    summary: "The subject's corrections with what each replaced, decrypted for this request; audited as subject.read, a read of the person's data",
    access: { roles: ['coordinator'], scope: 'caseVisible' },
    // A read of the person's data like any other: "who read this child's data" finds it under one action.
    auditAction: 'subject.read',
    params: caseParams,
    responses: { 200: subjectCorrectionsSchema },
    handle: async ({ deps, params }) => ({ status: 200, body: await listSubjectCorrections(deps, params.caseId) }),
  }),
  defineOperation({
    id: 'case.protect',
    method: 'post',
    path: '/cases/:caseId/protected-identity',
    summary: 'Mark (or unmark) a case as protected identity: contact and address then go to coordinators only, and every view and email of the case carries the marker',
    access: { roles: ['coordinator'], scope: 'caseVisible' },
    params: caseParams,
    body: protectedIdentityBody,
    responses: { 200: protectedIdentityStateSchema },
    handle: async ({ deps, caller, params, body }) => {
      const state = await markProtectedIdentity(deps, params.caseId, body.protectedIdentity, caller.sub);
      return { status: 200, body: state, audit: { detail: { protectedIdentity: body.protectedIdentity } } };
    },
  }),
];
