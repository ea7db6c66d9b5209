import { ErrorCode } from '../../domain/errors';
import type { ApiDeps } from '../context';
import { AppError } from '../errors';

/**
 * A referral names its referring agency by registry code, as a consent names its receiving one.
 * The case start checks it inside its record statement (recordCase.ts); the preview, which
 * records nothing, looks it up here.
 */

/** The refusal of a referral whose agency is not in the registry (codes are not personal data). */
export function sourceAgencyNotFound(code: string): AppError {
  return new AppError(ErrorCode.AgencyNotFound, `referral.sourceAgency: no such agency in the registry: ${code}`, {
    fields: [{ field: 'referral.sourceAgency', problem: 'is not an agency in the registry' }],
  });
}

/** Refuses a referral whose agency is not in the registry. */
export async function requireSourceAgency({ prisma }: Pick<ApiDeps, 'prisma'>, code: string): Promise<void> {
  if (!(await prisma.agency.findUnique({ where: { code }, select: { id: true } }))) throw sourceAgencyNotFound(code);
}
