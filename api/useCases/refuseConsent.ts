import type { ApiDeps } from '../context';
import type { RefuseConsentBody } from '../schemas';
import { recordConsentAnswer } from './consents';

/**
 * POST /cases/:caseId/consent-refusals: a coordinator records that consent was refused (by whom,
 * for what). A task waiting for that consent ends as not shared, and the case goes on without
 * that agency; no one is left waiting.
 */
export async function refuseConsent(deps: ApiDeps, caseId: string, body: RefuseConsentBody, actor: string) {
  const { personRole, personName, receivingAgency, purpose } = body;
  const givenAt = body.refusedAt ? new Date(body.refusedAt) : new Date();
  return recordConsentAnswer(deps, caseId, { personRole, personName, receivingAgency, purpose, givenAt, expiresAt: null, refused: true }, actor);
}
