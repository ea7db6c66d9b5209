import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { addSpan } from '../domain/deadlines';
import { policyDocumentSchema, type PolicyDocument } from '../domain/policy';
import { findingKey, type WatchdogKind } from '../domain/watchdog';
import type { ActivityDeps } from './deps';
import { defaultWatchdogKeep, pruneWatchdogHistory } from './watchdogPrune';
import { log } from '../config/log';
import { renderFindingEmail } from './watchdogEmail';

/** One sweep's identity: findings it sees carry its id, so those it did not see can be resolved. */
export interface SweepRun {
  runId: string;
  /** The sweep's start (ISO): every threshold is measured from it. */
  at: string;
}

export interface PageInput extends SweepRun {
  /** Resume after this id (the previous page's last); absent for the first page. */
  after?: string;
  limit: number;
}

export interface PageResult {
  checked: number;
  /** The id to resume after, or null when this was the last page. */
  next: string | null;
}

interface Observation {
  kind: WatchdogKind;
  subject: string;
  caseId?: string | null;
  taskId?: string | null;
  escalationId?: string | null;
  unitId?: string | null;
  detail: string;
}

// Task states in which a task workflow must be running (the others have ended it).
const liveTaskStatuses = ['open', 'waiting-for-consent'];
// How many workflows one visibility query asks about, and how many describes run at once.
const visibilityBatch = 100;
const describeConcurrency = 8;

function quote(id: string): string {
  return `'${id.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * Which of these workflows Temporal runs now. One visibility query per batch finds the running
 * ones; as visibility lags, each one it does not list is confirmed by a describe (which does not
 * lag). Answers the ids that are not running, with what Temporal says of each.
 */
export async function notRunning(client: Client, ids: string[]): Promise<Map<string, string>> {
  const suspects: string[] = [];
  for (let i = 0; i < ids.length; i += visibilityBatch) {
    const batch = ids.slice(i, i + visibilityBatch);
    const running = new Set<string>();
    try {
      const query = `WorkflowId IN (${batch.map(quote).join(', ')}) AND ExecutionStatus = 'Running'`;
      for await (const info of client.workflow.list({ query, pageSize: visibilityBatch })) running.add(info.workflowId);
    } catch {
      // A visibility store that cannot answer this query: every id is described instead.
    }
    suspects.push(...batch.filter((id) => !running.has(id)));
  }
  const found = new Map<string, string>();
  for (let i = 0; i < suspects.length; i += describeConcurrency) {
    await Promise.all(
      suspects.slice(i, i + describeConcurrency).map(async (id) => {
        try {
          const status = (await client.workflow.getHandle(id).describe()).status.name;
          if (status !== 'RUNNING') found.set(id, status);
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
          found.set(id, 'NOT_FOUND');
        }
      }),
    );
  }
  return found;
}

export function createWatchdogActivities({ prisma, mailer, config, temporal, clock }: ActivityDeps) {
  const client = (): Client => {
    if (!temporal) throw new Error('the watchdog needs a Temporal client in its activity dependencies');
    return temporal;
  };

  /** Records that this sweep sees the condition: a new row the first time, the same row after. */
  const observe = async (run: SweepRun, o: Observation): Promise<void> => {
    const at = new Date(run.at);
    const openKey = findingKey(o.kind, o.subject);
    const fields = {
      caseId: o.caseId ?? null,
      taskId: o.taskId ?? null,
      escalationId: o.escalationId ?? null,
      unitId: o.unitId ?? null,
      detail: o.detail,
      lastSeenAt: at,
      lastSeenRunId: run.runId,
    };
    await prisma.watchdogFinding.upsert({
      where: { openKey },
      create: { kind: o.kind, subject: o.subject, openKey, firstSeenAt: at, ...fields },
      update: fields,
    });
  };

  const policies = new Map<string, PolicyDocument | null>();
  const policyOf = async (caseType: string, version: string): Promise<PolicyDocument | null> => {
    const key = `${caseType}@${version}`;
    if (!policies.has(key)) {
      const row = await prisma.policy.findUnique({ where: { caseType_version: { caseType, version } } });
      const parsed = policyDocumentSchema.safeParse(row?.document);
      policies.set(key, parsed.success ? parsed.data : null);
    }
    return policies.get(key)!;
  };

  return {
    /** Open cases, a page at a time: each must have a running case workflow. */
    async watchdogCheckCases(input: PageInput): Promise<PageResult> {
      const rows = await prisma.case.findMany({
        where: { status: 'open', ...(input.after ? { id: { gt: input.after } } : {}) },
        orderBy: { id: 'asc' },
        take: input.limit,
        select: { id: true, workflowId: true },
      });
      const gone = await notRunning(client(), rows.map((r) => r.workflowId));
      if (gone.size) {
        // Re-read: a case that closed while we asked Temporal is not a finding.
        const still = await prisma.case.findMany({ where: { workflowId: { in: [...gone.keys()] }, status: 'open' }, select: { id: true, workflowId: true } });
        for (const c of still) {
          await observe(input, { kind: 'case-workflow-not-running', subject: c.id, caseId: c.id, detail: `case workflow ${gone.get(c.workflowId)}` });
        }
      }
      return { checked: rows.length, next: rows.length === input.limit ? rows[rows.length - 1].id : null };
    },

    /**
     * Live tasks, a page at a time: each must have a running task workflow, and an open task past
     * its due time plus its first rung (and the grace) must have an escalation for that deadline.
     */
    async watchdogCheckTasks(input: PageInput & { escalationGraceMs: number }): Promise<PageResult> {
      const at = new Date(input.at);
      const rows = await prisma.task.findMany({
        where: { status: { in: liveTaskStatuses }, ...(input.after ? { id: { gt: input.after } } : {}) },
        orderBy: { id: 'asc' },
        take: input.limit,
        select: { id: true, caseId: true, unitId: true, stepKey: true, status: true, dueAt: true, case: { select: { caseType: true, policyVersion: true } } },
      });
      const gone = await notRunning(client(), rows.map((r) => r.id));
      if (gone.size) {
        const still = await prisma.task.findMany({ where: { id: { in: [...gone.keys()] }, status: { in: liveTaskStatuses } }, select: { id: true, caseId: true, unitId: true } });
        for (const t of still) {
          await observe(input, { kind: 'task-workflow-not-running', subject: t.id, caseId: t.caseId, taskId: t.id, unitId: t.unitId, detail: `task workflow ${gone.get(t.id)}` });
        }
      }

      const overdue = rows.filter((t) => t.status === 'open' && t.dueAt < at && !gone.has(t.id));
      if (overdue.length) {
        const escalated = await prisma.escalation.findMany({
          where: { taskId: { in: overdue.map((t) => t.id) } },
          select: { taskId: true, dueAt: true },
        });
        for (const t of overdue) {
          // An escalation of the current deadline (an extension moves it; older ones do not count).
          if (escalated.some((e) => e.taskId === t.id && e.dueAt.getTime() >= t.dueAt.getTime())) continue;
          const policy = await policyOf(t.case.caseType, t.case.policyVersion);
          const firstRung = policy?.steps[t.stepKey]?.escalation[0];
          if (!policy || !firstRung) continue;
          const expected = addSpan(t.dueAt, firstRung.after, { timeZone: policy.timeZone });
          if (expected.getTime() + input.escalationGraceMs > at.getTime()) continue;
          await observe(input, {
            kind: 'escalation-missing',
            subject: t.id,
            caseId: t.caseId,
            taskId: t.id,
            unitId: t.unitId,
            detail: `first escalation was due ${expected.toISOString()}`,
          });
        }
      }
      return { checked: rows.length, next: rows.length === input.limit ? rows[rows.length - 1].id : null };
    },

    /** Cases still `starting` after the limit, a page at a time (oldest first). */
    async watchdogCheckStarting(input: PageInput & { startingAfterMs: number }): Promise<PageResult> {
      const cutoff = new Date(new Date(input.at).getTime() - input.startingAfterMs);
      const rows = await prisma.case.findMany({
        where: { status: 'starting', createdAt: { lt: cutoff }, ...(input.after ? { id: { gt: input.after } } : {}) },
        orderBy: { id: 'asc' },
        take: input.limit,
        select: { id: true, createdAt: true },
      });
      for (const c of rows) {
        await observe(input, { kind: 'case-stuck-starting', subject: c.id, caseId: c.id, detail: `starting since ${c.createdAt.toISOString()}` });
      }
      return { checked: rows.length, next: rows.length === input.limit ? rows[rows.length - 1].id : null };
    },

    /** Units holding live tasks: each needs its three addresses, and mail to them must be getting out. */
    async watchdogCheckUnits(input: SweepRun): Promise<{ checked: number }> {
      const inUse = await prisma.task.groupBy({ by: ['unitId'], where: { status: { in: liveTaskStatuses } } });
      const units = await prisma.unit.findMany({ where: { id: { in: inUse.map((u) => u.unitId) } } });
      const failing = await prisma.notification.groupBy({ by: ['recipientEmail'], where: { status: 'failing' }, _count: { _all: true } });
      const failingTo = new Map(failing.map((f) => [f.recipientEmail.toLowerCase(), f._count._all]));
      for (const unit of units) {
        const addresses = { inbox: unit.notificationEmail, supervisor: unit.supervisorEmail, head: unit.headEmail };
        const missing = Object.entries(addresses).filter(([, address]) => !address.trim()).map(([role]) => role);
        if (missing.length) {
          await observe(input, { kind: 'unit-unreachable', subject: unit.code, unitId: unit.id, detail: `no ${missing.join(', ')} address` });
        }
        // Which of its addresses fail, by role: an address can name a person, so it is never written here.
        const failingRoles = Object.entries(addresses).filter(([, address]) => address.trim() && failingTo.has(address.toLowerCase()));
        if (failingRoles.length) {
          const count = failingRoles.reduce((sum, [, address]) => sum + failingTo.get(address.toLowerCase())!, 0);
          await observe(input, {
            kind: 'unit-mail-failing',
            subject: unit.code,
            unitId: unit.id,
            detail: `${count} email(s) failing to the ${failingRoles.map(([role]) => role).join(', ')} address`,
          });
        }
      }
      return { checked: units.length };
    },

    /** Escalations open and unacknowledged past the limit, a page at a time. */
    async watchdogCheckEscalations(input: PageInput & { unacknowledgedAfterMs: number }): Promise<PageResult> {
      const cutoff = new Date(new Date(input.at).getTime() - input.unacknowledgedAfterMs);
      const rows = await prisma.escalation.findMany({
        where: { status: 'open', raisedAt: { lt: cutoff }, ...(input.after ? { id: { gt: input.after } } : {}) },
        orderBy: { id: 'asc' },
        take: input.limit,
        select: { id: true, caseId: true, taskId: true, level: true, raisedAt: true, task: { select: { unitId: true } } },
      });
      for (const e of rows) {
        await observe(input, {
          kind: 'escalation-unacknowledged',
          subject: e.id,
          caseId: e.caseId,
          taskId: e.taskId,
          escalationId: e.id,
          unitId: e.task.unitId,
          detail: `level ${e.level} open since ${e.raisedAt.toISOString()}`,
        });
      }
      return { checked: rows.length, next: rows.length === input.limit ? rows[rows.length - 1].id : null };
    },

    /**
     * Ends a sweep: every open finding this sweep did not see is resolved (its condition went
     * away), and the run is recorded, the proof that the watchdog ran. Safe to retry.
     */
    async watchdogFinishRun(
      input: SweepRun & { workflowId: string; casesChecked: number; tasksChecked: number; escalationsChecked: number; unitsChecked: number },
    ): Promise<{ opened: number; resolved: number; open: number }> {
      const at = new Date(input.at);
      const finishedAt = new Date();
      const summary = await prisma.$transaction(async (tx) => {
        const existing = await tx.watchdogRun.findUnique({ where: { id: input.runId } });
        if (existing) return { opened: existing.opened, resolved: existing.resolved, open: existing.openFindings };
        const { count: resolved } = await tx.watchdogFinding.updateMany({
          where: { resolvedAt: null, lastSeenRunId: { not: input.runId } },
          data: { resolvedAt: finishedAt, openKey: null },
        });
        const [opened, open] = await Promise.all([
          tx.watchdogFinding.count({ where: { resolvedAt: null, firstSeenAt: at, lastSeenRunId: input.runId } }),
          tx.watchdogFinding.count({ where: { resolvedAt: null } }),
        ]);
        await tx.watchdogRun.create({
          data: {
            id: input.runId,
            workflowId: input.workflowId,
            startedAt: at,
            finishedAt,
            durationMs: Math.max(0, finishedAt.getTime() - at.getTime()),
            casesChecked: input.casesChecked,
            tasksChecked: input.tasksChecked,
            escalationsChecked: input.escalationsChecked,
            unitsChecked: input.unitsChecked,
            opened,
            resolved,
            openFindings: open,
          },
        });
        return { opened, resolved, open };
      });
      // Housekeeping after the run is on record: a failed prune is tried again at the next sweep, not retried here.
      await pruneWatchdogHistory(prisma, clock.now(), config.watchdogKeep ?? defaultWatchdogKeep).then(
        (pruned) => {
          if (pruned.runs || pruned.findings || pruned.staffMembers) log.info('watchdog history pruned', pruned);
        },
        (err: unknown) => log.warn('watchdog history not pruned', { error: err instanceof Error ? err.name : 'unknown' }),
      );
      return summary;
    },

    /**
     * Mails the operations unit's inbox once per open finding not yet mailed (ids and kinds only).
     * Recorded as notifications like every other email, keyed by the finding, so a retry sends once.
     */
    async watchdogNotifyFindings(input: { operationsUnitCode: string; limit: number }): Promise<{ sent: number }> {
      const unit = await prisma.unit.findUnique({ where: { code: input.operationsUnitCode } });
      if (!unit?.notificationEmail.trim()) throw new Error(`the operations unit ${input.operationsUnitCode} is not in the registry or has no inbox address`);
      const findings = await prisma.watchdogFinding.findMany({
        where: { resolvedAt: null, notifiedAt: null },
        orderBy: { firstSeenAt: 'asc' },
        take: input.limit,
      });
      const unitCodes = new Map(
        (await prisma.unit.findMany({ where: { id: { in: findings.flatMap((f) => (f.unitId ? [f.unitId] : [])) } }, select: { id: true, code: true } })).map((u) => [u.id, u.code]),
      );
      let sent = 0;
      for (const f of findings) {
        const idempotencyKey = `watchdog-finding:${f.id}`;
        const row = await prisma.notification.upsert({
          where: { idempotencyKey },
          create: { idempotencyKey, kind: 'watchdog-finding', recipientEmail: unit.notificationEmail, status: 'pending' },
          update: {},
        });
        if (row.status !== 'sent') {
          const { subject, text } = renderFindingEmail({
            kind: f.kind as WatchdogKind,
            caseId: f.caseId,
            taskId: f.taskId,
            unitCode: f.unitId ? (unitCodes.get(f.unitId) ?? null) : null,
            detail: f.detail,
            firstSeenAt: f.firstSeenAt,
            appBaseUrl: config.appBaseUrl,
            timeZone: config.timeZone,
          });
          const messageId = `<${f.id}@samverkan.watchdog>`;
          try {
            await mailer.sendMail({ from: config.mailFrom, to: unit.notificationEmail, subject, text, messageId, headers: { 'X-Samverkan-Notification': row.id } });
          } catch (err) {
            const { name, code } = (err ?? {}) as { name?: unknown; code?: unknown };
            await prisma.notification.update({
              where: { id: row.id },
              data: { attempts: { increment: 1 }, lastError: `${typeof name === 'string' ? name : 'Error'}: ${typeof code === 'string' ? code : ''}`.trim() },
            });
            throw err;
          }
          await prisma.notification.update({ where: { id: row.id }, data: { status: 'sent', sentAt: new Date(), messageId, attempts: { increment: 1 }, lastError: null } });
          sent++;
        }
        await prisma.watchdogFinding.update({ where: { id: f.id }, data: { notifiedAt: new Date() } });
      }
      return { sent };
    },
  };
}
