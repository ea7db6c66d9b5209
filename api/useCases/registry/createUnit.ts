import { ErrorCode } from '../../../domain/errors';
import type { ApiDeps } from '../../context';
import { AppError } from '../../errors';
import { unitView } from '../../views/registry';

/** Adds a unit to an agency, with the addresses its emails go to; it takes work at once. */
export async function createUnit({ prisma }: ApiDeps, body: { code: string; agency: string; name: string; notificationEmail: string; supervisorEmail: string; headEmail: string }) {
  const { agency: agencyCode, ...fields } = body;
  const agency = await prisma.agency.findUnique({ where: { code: agencyCode }, select: { id: true } });
  if (!agency) throw new AppError(ErrorCode.AgencyNotFound, 'no such agency in the registry');
  const created = await prisma.unit.createMany({ data: [{ ...fields, agencyId: agency.id }], skipDuplicates: true });
  if (created.count === 0) throw new AppError(ErrorCode.RegistryCodeTaken, 'the registry already has a unit with that code');
  return unitView(await prisma.unit.findUniqueOrThrow({ where: { code: body.code }, include: { agency: { select: { code: true } } } }));
}
