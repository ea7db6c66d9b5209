// The staff directory's writer: a sign-in (a token verified afresh) records who it was. Its reader is api/useCases/unitPeople.ts.
import { log } from '../config/log';
import type { VerifiedSignIn } from './auth';
import type { ApiDeps } from './context';

/**
 * Records a freshly verified token's person in `staff_member`: their units, supervised units and
 * roles as this token says, when they were seen, and their name when the token carries one (a
 * token without a name keeps the one seen before). Called by the token verifier on a cache miss
 * only, so a client's requests with a token already verified write nothing. A token issued before
 * the one that last wrote the row (an old token still used by another client, from before the
 * person's units changed) writes nothing. A failure is logged (its class, never who) and
 * swallowed: signing in does not depend on the directory.
 */
export function staffDirectoryRecorder(deps: Pick<ApiDeps, 'prisma'>): (seen: VerifiedSignIn) => Promise<void> {
  return async ({ principal, displayName, issuedAt }) => {
    const now = new Date();
    try {
      await deps.prisma.$executeRaw`
        INSERT INTO staff_member (user_id, display_name, units, supervised_units, roles, last_seen_at, token_issued_at)
        VALUES (${principal.sub}, ${displayName}, ${principal.units}::text[], ${principal.supervisedUnits}::text[], ${principal.roles}::text[], ${now}, ${issuedAt})
        ON CONFLICT (user_id) DO UPDATE SET
          display_name = COALESCE(EXCLUDED.display_name, staff_member.display_name),
          units = EXCLUDED.units,
          supervised_units = EXCLUDED.supervised_units,
          roles = EXCLUDED.roles,
          last_seen_at = EXCLUDED.last_seen_at,
          token_issued_at = EXCLUDED.token_issued_at
        WHERE staff_member.token_issued_at IS NULL OR EXCLUDED.token_issued_at IS NULL
           OR staff_member.token_issued_at <= EXCLUDED.token_issued_at`;
    } catch (err) {
      log.warn('staff directory not updated', { error: (err as Error)?.name, code: (err as { code?: string })?.code });
    }
  };
}
