import { createServer, type Server } from 'node:http';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { PrismaClient } from '../prisma/client';

/**
 * Business gauges read from the read model at scrape time, so every process reports the same
 * truth and nothing has to be kept in step in memory. Temporal SDK metrics are served by the
 * SDK's own exporter on TEMPORAL_METRICS_PORT (worker/main.ts).
 */
export function createMetricsRegistry(prisma: PrismaClient, service: 'api' | 'worker'): Registry {
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
  return registry;
}

/** Serves /metrics on its own port, kept off the public API. */
export async function serveMetrics(registry: Registry, port: number, host = '0.0.0.0'): Promise<Server> {
  const server = createServer((req, res) => {
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
