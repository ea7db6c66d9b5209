import { z } from 'zod';

/** A unit as admins manage it: its addresses (where its emails go) and whether it takes new work. */
export const registryUnitSchema = z
  .strictObject({
    code: z.string(),
    agency: z.string(),
    name: z.string(),
    notificationEmail: z.string(),
    supervisorEmail: z.string(),
    headEmail: z.string(),
    active: z.boolean(),
  })
  .describe('the unit');
export type RegistryUnit = z.input<typeof registryUnitSchema>;

export const registryAgencySchema = z.strictObject({ code: z.string(), name: z.string() }).describe('the agency');

export const registrySchema = z
  .strictObject({ agencies: z.array(registryAgencySchema.extend({ units: z.array(registryUnitSchema) })) })
  .describe('every agency with its units');

/** A unit as anyone working cases sees it (to pick where a task goes): no addresses. */
export const unitListSchema = z
  .strictObject({ items: z.array(z.strictObject({ code: z.string(), agency: z.string(), name: z.string() })) })
  .describe('the units that take new work');

/** The agencies as coordinators see them (to record whom a person consents to share with): codes and names. */
export const agencyListSchema = z.strictObject({ items: z.array(registryAgencySchema) }).describe('every agency in the registry');

export const deletedUnitSchema = z.strictObject({ code: z.string(), deleted: z.literal(true) }).describe('the unit, deleted');

/** The row shape the views are built from. */
export function unitView(u: { code: string; name: string; notificationEmail: string; supervisorEmail: string; headEmail: string; active: boolean; agency: { code: string } }): RegistryUnit {
  return { code: u.code, agency: u.agency.code, name: u.name, notificationEmail: u.notificationEmail, supervisorEmail: u.supervisorEmail, headEmail: u.headEmail, active: u.active };
}
