import type { Prisma } from '../../../prisma/client';
import type { ApiDeps } from '../../context';

/** A transaction's client: the checks and the write of one registry change run on it. */
export type RegistryTx = Prisma.TransactionClient;

// One key for every change that decides whether a unit gets new work (pg advisory locks are per database).
const unitWorkLockKey = 0x5a4d_7501;

/**
 * Runs a check and the write it guards in one transaction, after every other such change has
 * committed: publishing a version checks its units are active, deactivating a unit checks no
 * active version names it. Without the lock the two checks could pass at the same instant and
 * leave an active version sending work to a deactivated unit.
 */
export function underUnitWorkLock<T>({ prisma }: ApiDeps, work: (tx: RegistryTx) => Promise<T>): Promise<T> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${unitWorkLockKey}::bigint)`;
    return work(tx);
  });
}
