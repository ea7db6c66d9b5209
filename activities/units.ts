import { ApplicationFailure } from '@temporalio/activity';
import { ErrorCode } from '../domain/errors';
import type { PrismaClient } from '../prisma/client';

/** The registry's unit by code, for the task and escalation activities. */
export async function findUnit(prisma: PrismaClient, code: string) {
  const unit = await prisma.unit.findUnique({ where: { code } });
  if (!unit) {
    // Retrying cannot create a unit: the policy names one the registry lacks.
    throw ApplicationFailure.nonRetryable(`unit ${code} is not in the registry`, ErrorCode.UnitNotFound);
  }
  return unit;
}
