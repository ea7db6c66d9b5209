import { randomBytes } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import request from 'supertest';
import { createActivities, systemClock } from '../../activities';
import { createApp } from '../../api/app';
import { startSmtpSink, type SmtpSink } from '../../dev/smtpSink';
import type { PolicyDocument } from '../../domain/policy';
import { publishPolicy } from '../../prisma/seed';
import { createWorker } from '../../worker/createWorker';
import { createMailer } from '../../worker/mailer';
import { createTestDatabase, type TestDatabase } from './database';

export const appBaseUrl = 'http://samverkan.test';

export function testTemporalCli(): string {
  const path = process.env.SAMVERKAN_TEST_TEMPORAL_CLI;
  if (!path) throw new Error('SAMVERKAN_TEST_TEMPORAL_CLI is unset: run tests through jest (globalSetup resolves it)');
  return path;
}

export function testWorkflowBundle(): { codePath: string } {
  const codePath = process.env.SAMVERKAN_TEST_WORKFLOW_BUNDLE;
  if (!codePath) throw new Error('SAMVERKAN_TEST_WORKFLOW_BUNDLE is unset: run tests through jest');
  return { codePath };
}

let runtimeInstalled = false;

/** The SDK logs every worker state change at INFO; tests only want warnings. */
export function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}

export async function startTestTemporal(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  return TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: testTemporalCli() }, ip: '127.0.0.1', ui: false },
  });
}

export interface Stack {
  label: string;
  taskQueue: string;
  env: TestWorkflowEnvironment;
  db: TestDatabase;
  smtp: SmtpSink;
  api: ReturnType<typeof request>;
  /** The Express app behind `api`, for tests that serve it on a port of their own. */
  app: ReturnType<typeof createApp>;
  worker?: Worker;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  teardown(): Promise<void>;
}

/**
 * The real stack for one test file: a Temporal dev server, a fresh PostgreSQL database, a real
 * SMTP server on loopback, an in-process worker on its own task queue and the Express app.
 */
export async function startStack(label: string, opts: { policy?: PolicyDocument; worker?: boolean } = {}): Promise<Stack> {
  const taskQueue = `${label}-${randomBytes(3).toString('hex')}`;
  const [env, db, smtp] = await Promise.all([startTestTemporal(), createTestDatabase(label), startSmtpSink({ port: 0 })]);
  if (opts.policy) await publishPolicy(db.prisma, opts.policy);

  const activities = createActivities({
    prisma: db.prisma,
    mailer: createMailer({ host: smtp.host, port: smtp.port, secure: false }),
    clock: systemClock,
    config: { appBaseUrl, mailFrom: 'samverkan <no-reply@samverkan.test>', timeZone: 'Europe/Stockholm' },
  });
  const app = createApp({ temporal: env.client, prisma: db.prisma, config: { taskQueue } });

  let running: Promise<void> | undefined;
  const stack: Stack = {
    label,
    taskQueue,
    env,
    db,
    smtp,
    api: request(app),
    app,
    async startWorker() {
      const worker = await createWorker({
        connection: env.nativeConnection,
        namespace: env.namespace ?? 'default',
        taskQueue,
        activities,
        workflowBundle: testWorkflowBundle(),
      });
      stack.worker = worker;
      running = worker.run();
    },
    async stopWorker() {
      if (stack.worker && stack.worker.getState() === 'RUNNING') stack.worker.shutdown();
      await running;
      stack.worker = undefined;
      running = undefined;
    },
    async teardown() {
      await stack.stopWorker();
      await env.teardown();
      await Promise.all([smtp.stop(), db.drop()]);
    },
  };
  if (opts.worker !== false) await stack.startWorker();
  return stack;
}

/** Polls the read model until `check` returns a value; fails with `what` after the timeout. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
