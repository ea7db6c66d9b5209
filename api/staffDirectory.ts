// The staff directory's writer: a sign-in (a token verified afresh) records who it was. Its reader is api/useCases/unitPeople.ts.
import { log } from '../config/log';
import type { VerifiedSignIn } from './auth';
import type { ApiDeps } from './context';

/**
 * Records a freshly verified token's person in `staff_member`: their units, supervised units and
 * roles as this token says, when they were seen, and their name when the token carries one (a
 * token without a name keeps the one seen before). Called by the token verifier on a cache miss
 * only, so a client's requests with a token already verified write nothing. A failure is logged
 * (its class, never who) and swallowed: signing in does not depend on the directory.
 */
export function staffDirectoryRecorder(deps: Pick<ApiDeps, 'prisma'>): (seen: VerifiedSignIn) => Promise<void> {
  return async ({ principal, displayName }) => {
    const now = new Date();
    const asTokenSays = { units: principal.units, supervisedUnits: principal.supervisedUnits, roles: principal.roles, lastSeenAt: now };
    try {
      await deps.prisma.staffMember.upsert({
        where: { userId: principal.sub },
        create: { userId: principal.sub, displayName, ...asTokenSays },
        update: { ...asTokenSays, ...(displayName ? { displayName } : {}) },
      });
    } catch (err) {
      log.warn('staff directory not updated', { error: (err as Error)?.name, code: (err as { code?: string })?.code });
    }
  };
}
