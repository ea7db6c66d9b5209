import { z } from 'zod';
import { watchdogKinds } from '../../domain/watchdog';
import { instant, nullableInstant } from './common';

/** A watchdog finding as the API shows it: ids, codes and times, never personal data. */
export const watchdogFindingSchema = z.strictObject({
  findingId: z.string(),
  kind: z.enum(watchdogKinds),
  status: z.enum(['open', 'resolved']),
  caseId: z.string().nullable(),
  taskId: z.string().nullable(),
  escalationId: z.string().nullable(),
  unit: z.string().nullable(),
  detail: z.string().nullable(),
  firstSeenAt: instant,
  lastSeenAt: instant,
  resolvedAt: nullableInstant,
});

export function watchdogFindingView(
  f: {
    id: string;
    kind: string;
    caseId: string | null;
    taskId: string | null;
    escalationId: string | null;
    unitId: string | null;
    detail: string | null;
    firstSeenAt: Date;
    lastSeenAt: Date;
    resolvedAt: Date | null;
  },
  unitCode: string | null,
): z.infer<typeof watchdogFindingSchema> {
  return {
    findingId: f.id,
    kind: f.kind as z.infer<typeof watchdogFindingSchema>['kind'],
    status: f.resolvedAt ? 'resolved' : 'open',
    caseId: f.caseId,
    taskId: f.taskId,
    escalationId: f.escalationId,
    unit: unitCode,
    detail: f.detail,
    firstSeenAt: f.firstSeenAt.toISOString(),
    lastSeenAt: f.lastSeenAt.toISOString(),
    resolvedAt: f.resolvedAt?.toISOString() ?? null,
  };
}

/** One sweep: the proof that the watchdog ran, and what it covered. */
export const watchdogRunSchema = z.strictObject({
  runId: z.string(),
  startedAt: instant,
  finishedAt: instant,
  durationMs: z.number().int(),
  casesChecked: z.number().int(),
  tasksChecked: z.number().int(),
  escalationsChecked: z.number().int(),
  unitsChecked: z.number().int(),
  opened: z.number().int(),
  resolved: z.number().int(),
  openFindings: z.number().int(),
});

export function watchdogRunView(r: {
  id: string;
  startedAt: Date;
  finishedAt: Date;
  durationMs: number;
  casesChecked: number;
  tasksChecked: number;
  escalationsChecked: number;
  unitsChecked: number;
  opened: number;
  resolved: number;
  openFindings: number;
}): z.infer<typeof watchdogRunSchema> {
  const { id, startedAt, finishedAt, ...counts } = r;
  return { runId: id, startedAt: startedAt.toISOString(), finishedAt: finishedAt.toISOString(), ...counts };
}
