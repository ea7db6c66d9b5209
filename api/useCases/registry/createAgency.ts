import { ErrorCode } from '../../../domain/errors';
import type { ApiDeps } from '../../context';
import { AppError } from '../../errors';

/** Adds an agency (a school, a health-region clinic, …) to the registry: no deploy needed. */
export async function createAgency({ prisma }: ApiDeps, body: { code: string; name: string }) {
  const created = await prisma.agency.createMany({ data: [body], skipDuplicates: true });
  if (created.count === 0) throw new AppError(ErrorCode.RegistryCodeTaken, 'the registry already has an agency with that code');
  return { code: body.code, name: body.name };
}
