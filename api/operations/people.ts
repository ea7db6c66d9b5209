import { z } from 'zod';
import { defineOperation } from '../operation';
import { unitCodeSchema } from '../querySchemas';
import { staffSeenWithinDays, unitPeople } from '../useCases/unitPeople';
import { unitPeopleSchema } from '../views/people';

export const peopleOperations = [
  defineOperation({
    id: 'unit.people',
    method: 'get',
    path: '/units/:unitCode/people',
    summary: `The people seen as staff of a unit (signed in within the last ${staffSeenWithinDays} days, as their token named the unit), by name: whom a task of the unit can be assigned to`,
    access: { roles: ['coordinator', 'admin', 'staff', 'supervisor'], scope: 'unitPeople' },
    params: z.object({ unitCode: unitCodeSchema }).strict(),
    responses: { 200: unitPeopleSchema },
    errors: { 404: 'no such unit' },
    handle: async ({ deps, params }) => {
      const body = await unitPeople(deps, params.unitCode);
      return { status: 200, body, audit: { detail: { unit: params.unitCode, returned: body.items.length } } };
    },
  }),
];
