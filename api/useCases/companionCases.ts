import type { QueryConfig } from 'pg';
import { ErrorCode } from '../../domain/errors';
import type { CompanionCaseType, RoutingDecision } from '../../domain/messages';
import { sqlPool } from '../../prisma/client';
import type { ApiDeps } from '../context';
import { AppError } from '../errors';
import { caseIdForKey, newCaseId, sha256, type RecordedCase } from './recordCase';

/**
 * Cases routing starts beside a referral's own (a minor's youth concern beside a voluntary
 * programme). The API is the only creator of case rows, so it records them with the case, in one
 * transaction; the case's workflow starts them as its children under these ids, and their own
 * workflows move them from "starting" on.
 */

export type CompanionIds = Partial<Record<CompanionCaseType, string>>;

/** The ids for the companions: derived from the Idempotency-Key when there is one, so a retry names the same cases. */
export function companionIdsFor(routing: RoutingDecision | undefined, keyHash: string | undefined, now: Date): CompanionIds | undefined {
  const types = routing?.alongside ?? [];
  if (!types.length) return undefined;
  return Object.fromEntries(types.map((type) => [type, keyHash ? caseIdForKey(sha256(`${keyHash}\n${type}`), now) : newCaseId(now)]));
}

/**
 * A companion row: the active policy of its type, the referral's facts without its subject (the
 * personal data stays on the first case), linked to the person's first case. No start input: the
 * reconciler leaves it to the case beside it, whose workflow starts it.
 */
const recordCompanionSql = `
  INSERT INTO "case" (id, workflow_id, case_type, policy_version, status, current_step, category, source_agency, urgency,
                      routing_version, routing_rule, linked_case_id, updated_at)
  SELECT $1, $1, $2, p.version, 'starting', 'receipt', c.category, c.source_agency, c.urgency,
         c.routing_version, c.routing_rule, coalesce(c.linked_case_id, c.id), now()
  FROM "case" c CROSS JOIN LATERAL (
    SELECT version FROM policy
    WHERE case_type = $2 AND activated_at <= now()
    ORDER BY activated_at DESC, created_at DESC
    LIMIT 1
  ) p
  WHERE c.id = $3
  RETURNING id`;

/**
 * Runs the record-case statement; with companions, in one transaction with their rows, so the
 * case is recorded with all of them or with none. Without, it stays one round trip.
 */
export async function recordCaseWith(deps: ApiDeps, recordCase: QueryConfig, companions: CompanionIds | undefined): Promise<RecordedCase | undefined> {
  const pool = sqlPool(deps.prisma);
  if (!companions) return (await pool.query<RecordedCase>(recordCase)).rows[0];
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const recorded = (await client.query<RecordedCase>(recordCase)).rows[0];
    for (const [caseType, id] of recorded?.caseId ? Object.entries(companions) : []) {
      const { rowCount } = await client.query(recordCompanionSql, [id, caseType, recorded!.caseId]);
      if (!rowCount) throw new AppError(ErrorCode.PolicyNotFound, `no active policy for case type ${caseType}, which routing starts beside this case`);
    }
    await client.query('COMMIT');
    return recorded;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
