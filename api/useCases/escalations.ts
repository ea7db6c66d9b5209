import { WorkflowNotFoundError } from '@temporalio/client';
import type { z } from 'zod';
import { ErrorCode } from '../../domain/errors';
import { acknowledgeEscalationUpdate } from '../../domain/messages';
import type { Prisma } from '../../prisma/client';
import type { ApiDeps } from '../context';
import { AppError } from '../errors';
import type { acknowledgeEscalationBody } from '../schemas';
import type { escalationListQuery } from '../querySchemas';
import { escalationView } from '../views/escalation';
import { pageOfRows } from './page';
import { staffNames } from './staffNames';

/** Escalations addressed to the given units (every unit when `addressed` is empty: coordinators), as api/caseSharing.ts addressedToWhere filters them. */
export async function listEscalations({ prisma }: ApiDeps, addressed: Prisma.EscalationWhereInput, query: z.infer<typeof escalationListQuery>) {
  const where: Prisma.EscalationWhereInput = {
    ...(query.status === 'all' ? {} : { status: query.status }),
    AND: [addressed],
  };
  const page = await pageOfRows(
    query,
    (take) => prisma.escalation.count({ where, take }),
    prisma.escalation.findMany({ where, orderBy: [{ raisedAt: 'asc' }, { id: 'asc' }], take: query.limit, skip: query.offset }),
  );
  // Who acknowledged, by name: one read of the staff directory for the page.
  const names = await staffNames({ prisma }, page.items.map((e) => e.acknowledgedBy));
  return { ...page, items: page.items.map((e) => escalationView(e, names)) };
}

export async function acknowledgeEscalation(
  deps: ApiDeps,
  escalationId: string,
  body: z.infer<typeof acknowledgeEscalationBody>,
  actor: string,
) {
  const escalation = await deps.prisma.escalation.findUnique({ where: { id: escalationId } });
  if (!escalation) throw new AppError(ErrorCode.EscalationNotFound, 'no such escalation');
  if (escalation.status !== 'open') {
    throw new AppError(ErrorCode.EscalationAlreadyAcknowledged, `the escalation is already ${escalation.status}`);
  }
  try {
    return await deps.temporal.workflow
      .getHandle(escalation.taskId)
      .executeUpdate(acknowledgeEscalationUpdate, { args: [{ ...body, escalationId, actor }] });
  } catch (err) {
    // The task closed meanwhile, which resolved its escalations.
    if (err instanceof WorkflowNotFoundError) throw new AppError(ErrorCode.EscalationAlreadyAcknowledged, 'the escalation is already resolved');
    throw err;
  }
}
