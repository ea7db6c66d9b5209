import { z } from 'zod';
import { addressedToWhere } from '../caseSharing';
import { defineOperation, listed } from '../operation';
import { notificationListQuery } from '../querySchemas';
import { listNotifications } from '../useCases/notifications';
import { instant, nullableInstant, pageOf } from '../views/common';

const notificationSchema = z.strictObject({
  notificationId: z.string(),
  kind: z.string(),
  status: z.enum(['pending', 'sending', 'failing', 'sent']),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  taskId: z.string().nullable(),
  caseId: z.string().nullable(),
  unit: z.string().nullable(),
  createdAt: instant,
  sentAt: nullableInstant,
  links: z.strictObject({ case: z.string().optional() }),
});

export const notificationOperations = [
  defineOperation({
    id: 'notification.list',
    method: 'get',
    path: '/notifications',
    summary: 'Emails by delivery status (default: failing), so a supervisor sees what is not getting out',
    // Emails that are not getting out are a supervisor's business, like a lapsed deadline.
    access: { roles: ['coordinator', 'supervisor'], scope: 'unitSupervisor' },
    query: notificationListQuery,
    responses: { 200: pageOf(notificationSchema) },
    handle: async ({ deps, caller, grant, query }) => listed(await listNotifications(deps, await addressedToWhere(deps, caller, grant.units), query), query.unit, query.status),
  }),
];
