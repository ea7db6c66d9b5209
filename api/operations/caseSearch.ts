import { defineOperation } from '../operation';
import { caseSearchBody } from '../schemas';
import { caseSearchQuery } from '../querySchemas';
import { searchAuditDetail, searchCases } from '../useCases/searchCases';
import { caseSearchPageSchema } from '../views/caseSearch';

/** Finding cases (README "Finding cases"): each search is a list read whose audit row names the cases returned. */
export const caseSearchOperations = [
  defineOperation({
    id: 'case.list',
    method: 'get',
    path: '/cases',
    summary: 'Find cases by id, status, type, unit, overdue and date range: coordinators every case, others those they may see (need to know); newest first',
    access: { roles: ['coordinator', 'staff', 'supervisor'], scope: 'unitMember' },
    query: caseSearchQuery,
    responses: { 200: caseSearchPageSchema },
    handle: async ({ deps, caller, grant, query }) => {
      const found = await searchCases(deps, caller, grant.units, query);
      return { status: 200, body: found, audit: { detail: searchAuditDetail(query, found) } };
    },
  }),
  defineOperation({
    id: 'case.search',
    method: 'post',
    path: '/cases/search',
    summary: "Find a person's cases by personnummer (exact, through its keyed hash), with the same filters as GET /cases; the number travels in the body so no URL or log holds it",
    access: { roles: ['coordinator'], scope: 'anyone' },
    body: caseSearchBody,
    responses: { 200: caseSearchPageSchema },
    handle: async ({ deps, caller, body }) => {
      const found = await searchCases(deps, caller, body.unit ? [body.unit] : undefined, body);
      return { status: 200, body: found, audit: { detail: searchAuditDetail(body, found) } };
    },
  }),
];
