import { ErrorCode } from '../../../domain/errors';
import type { ApiDeps } from '../../context';
import { AppError } from '../../errors';

/** Renames an agency; its code, which tasks and consents name, stays. */
export async function updateAgency({ prisma }: ApiDeps, code: string, body: { name: string }) {
  const updated = await prisma.agency.updateMany({ where: { code }, data: { name: body.name } });
  if (updated.count === 0) throw new AppError(ErrorCode.NotFound, 'no such agency');
  return { code, name: body.name };
}
