import { createServer, type Server } from 'node:http';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { watchdogKinds } from '../domain/watchdog';
import type { PrismaClient } from '../prisma/client';

/**
 * Business gauges read from the read model at scrape time, so every process reports the same
 * truth and nothing has to be kept in step in memory. Temporal SDK metrics are served by the
 * SDK's own exporter on TEMPORAL_METRICS_PORT (worker/main.ts).
 */
export function createMetricsRegistry(prisma: PrismaClient, service: 'api' | 'worker', opts: { watchdogEveryMs?: number } = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, prefix: 'samverkan_process_' });

  const gauge = (name: string, help: string, read: () => Promise<number>) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        this.set(await read());
      },
    });

  gauge('samverkan_open_cases', 'Cases not yet closed', () => prisma.case.count({ where: { status: { not: 'closed' } } }));
  gauge('samverkan_overdue_tasks', 'Open tasks past their due time', () =>
    prisma.task.count({ where: { status: 'open', dueAt: { lt: new Date() } } }),
  );
  gauge('samverkan_open_escalations', 'Escalations raised and not yet acknowledged or resolved', () =>
    prisma.escalation.count({ where: { status: 'open' } }),
  );
  gauge('samverkan_notification_failures', 'Notifications whose last delivery attempt failed and that are not sent yet', () =>
    prisma.notification.count({ where: { status: { not: 'sent' }, lastError: { not: null } } }),
  );

  new Gauge({
    name: 'samverkan_watchdog_open_findings',
    help: 'Watchdog findings not yet resolved, by kind (README "The watchdog")',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      const counts = await prisma.watchdogFinding.groupBy({ by: ['kind'], where: { resolvedAt: null }, _count: { _all: true } });
      // Every kind, zeros included, so an alert on a kind has a series to watch.
      for (const kind of watchdogKinds) this.set({ kind }, counts.find((c) => c.kind === kind)?._count._all ?? 0);
    },
  });
  gauge('samverkan_watchdog_seconds_since_sweep', 'Seconds since the last watchdog sweep finished (-1: none recorded yet)', async () => {
    const last = await lastSweepAt(prisma);
    return last ? (Date.now() - last.getTime()) / 1000 : -1;
  });
  if (opts.watchdogEveryMs) {
    const everyMs = opts.watchdogEveryMs;
    gauge('samverkan_watchdog_sweep_overdue', '1 when no watchdog sweep has finished for twice its interval', async () =>
      (await watchdogOverdue(prisma, everyMs)).overdue ? 1 : 0,
    );
  }
  return registry;
}

export async function lastSweepAt(prisma: PrismaClient): Promise<Date | undefined> {
  const last = await prisma.watchdogRun.findFirst({ orderBy: { finishedAt: 'desc' }, select: { finishedAt: true } });
  return last?.finishedAt;
}

const processStartedAt = Date.now();

/**
 * Has the watchdog gone quiet? True when no sweep has finished for twice its interval, counted
 * from this process's start when none is recorded (a fresh deployment has not swept yet).
 */
export async function watchdogOverdue(prisma: PrismaClient, everyMs: number, now = Date.now()): Promise<{ overdue: boolean; lastSweepAt: string | null }> {
  const last = await lastSweepAt(prisma);
  const since = last ? last.getTime() : processStartedAt;
  return { overdue: now - since > 2 * everyMs, lastSweepAt: last?.toISOString() ?? null };
}

export type ReadinessCheck = () => Promise<{ ready: boolean; body: unknown }>;

/** Serves /metrics on its own port, kept off the public API; with `ready`, also /ready there (the worker's). */
export async function serveMetrics(registry: Registry, port: number, host = '0.0.0.0', ready?: ReadinessCheck): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === '/ready' && ready) {
      ready()
        .then(({ ready: ok, body }) => res.writeHead(ok ? 200 : 503, { 'Content-Type': 'application/json' }).end(JSON.stringify(body)))
        .catch(() => res.writeHead(503, { 'Content-Type': 'application/json' }).end('{"ready":false}'));
      return;
    }
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry
      .metrics()
      .then((body) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(body))
      .catch(() => res.writeHead(503).end('metrics unavailable\n'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
