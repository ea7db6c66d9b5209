import { randomBytes } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Client } from '@temporalio/client';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import type { Express } from 'express';
import request, { type Test } from 'supertest';
import { createActivities, systemClock } from '../../activities';
import { createApp, type ApiDeps } from '../../api/app';
import type { ApiConfig } from '../../api/context';
import { startSmtpSink, type SmtpSink } from '../../dev/smtpSink';
import type { PolicyDocument } from '../../domain/policy';
import { publishPolicy } from '../../prisma/seed';
import { createWorker } from '../../worker/createWorker';
import { createMailer, createPooledMailer } from '../../worker/mailer';
import { startOutboxSender, type OutboxSender } from '../../worker/outbox';
import { sqlPool } from '../../prisma/client';
import { roles } from '../../domain/auth';
import { parseKeyring, type Keyring } from '../../security/keyring';
import { AesGcmPayloadCodec } from '../../security/payloadCodec';
import { checkContract } from './contract';
import { createTestDatabase, type TestDatabase } from './database';
import { testFieldCrypto, testPayloadKeysSpec } from './keys';
import { createTestIssuer, type Identity, type TestIssuer } from './tokens';

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

export async function startTestTemporal(payloadKeys?: Keyring, devServerArgs: string[] = []): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  // `npm run test:cluster` runs the same tests against a real Temporal server on PostgreSQL.
  const clusterAddress = process.env.TEMPORAL_TEST_ADDRESS;
  const client = payloadKeys ? { client: { dataConverter: { payloadCodecs: [new AesGcmPayloadCodec(payloadKeys)] } } } : {};
  if (clusterAddress) return TestWorkflowEnvironment.createFromExistingServer({ address: clusterAddress, namespace: 'default', ...client });
  // The SDK gives the dev server a fixed 5 s to open its port and kills it if not; on two busy
  // cores (two suites bundling workflows at once) it sometimes needs longer, so try again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await TestWorkflowEnvironment.createLocal({
        server: { executable: { type: 'existing-path', path: testTemporalCli() }, ip: '127.0.0.1', ui: false, extraArgs: devServerArgs },
        ...client,
      });
    } catch (err) {
      // Not `instanceof Error`: the bridge's errors come from another realm than jest's sandbox.
      if (attempt >= 5 || !String((err as { message?: unknown } | undefined)?.message).includes('did not start within')) throw err;
    }
  }
}

export interface Stack {
  label: string;
  taskQueue: string;
  env: TestWorkflowEnvironment;
  db: TestDatabase;
  smtp: SmtpSink;
  /**
   * Requests as the test superuser: every role, staff and supervisor of every unit. Existing
   * tests keep working unchanged. `.set('X-Actor-Id', id)` swaps in a superuser token whose
   * `sub` is `id` (the header itself is ignored by the app), so recorded actors stay as tests expect.
   */
  api: ReturnType<typeof request>;
  /** Requests as one identity, e.g. stack.as({ sub: 'h-1', roles: ['staff'], units: ['soc-adults'] }). */
  as(who: Identity): ReturnType<typeof request>;
  issuer: TestIssuer;
  app: Express;
  /** Another app on this stack (its database, Temporal and keys) with some configuration changed, e.g. a low rate limit. */
  appWith(config: Partial<ApiConfig>, deps?: Partial<ApiDeps>): Express;
  /** Every seeded unit code. */
  unitCodes: string[];
  /** A client with no codec: what an operator of the cluster sees. */
  rawClient: Client;
  payloadKeys: Keyring;
  worker?: Worker;
  /** The outbox's sender that runs beside the in-process worker (started and stopped with it). */
  outbox?: OutboxSender;
  /** Starts the in-process worker and its outbox sender; with `payloadKeys`, the worker and `api` switch to them (a key rotation; env.client keeps the first keys). */
  startWorker(opts?: { payloadKeys?: Keyring }): Promise<void>;
  stopWorker(): Promise<void>;
  teardown(): Promise<void>;
}

/**
 * The real stack for one test file: a Temporal dev server, a fresh PostgreSQL database, a real
 * SMTP server on loopback, an in-process worker on its own task queue and the Express app.
 */
const httpMethods = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);

/** A supertest agent whose every answer is checked against the declared operations (test/support/contract.ts). */
export function contractRequest(app: Express, prepare: (test: Test) => Test = (test) => test): ReturnType<typeof request> {
  const agent = request(app);
  return new Proxy(agent, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof prop !== 'string' || !httpMethods.has(prop) || typeof value !== 'function') return value;
      return (...args: unknown[]) => checkContract(prepare((value as (...a: unknown[]) => Test).apply(target, args)));
    },
  });
}

/** A contract-checked agent whose every request carries a bearer token for `who`. */
export function authedAgent(app: Express, issuer: TestIssuer, who: Identity): ReturnType<typeof request> {
  return contractRequest(app, (test) => {
    test.set('Authorization', `Bearer ${issuer.token(who)}`);
    const set = test.set.bind(test) as (field: unknown, val?: unknown) => Test;
    test.set = ((field: unknown, val?: unknown) =>
      typeof field === 'string' && field.toLowerCase() === 'x-actor-id'
        ? set('Authorization', `Bearer ${issuer.token({ ...who, sub: String(val) })}`)
        : set(field, val)) as Test['set'];
    return test;
  });
}

export async function startStack(
  label: string,
  opts: { policy?: PolicyDocument; worker?: boolean; rateLimitPerMinute?: number; payloadKeys?: Keyring } = {},
): Promise<Stack> {
  const taskQueue = `${label}-${randomBytes(3).toString('hex')}`;
  const payloadKeys = opts.payloadKeys ?? parseKeyring(testPayloadKeysSpec);
  const [env, db, smtp] = await Promise.all([startTestTemporal(payloadKeys), createTestDatabase(label), startSmtpSink({ port: 0 })]);
  if (opts.policy) await publishPolicy(db.prisma, opts.policy);

  const mailConfig = { appBaseUrl, mailFrom: 'samverkan <no-reply@samverkan.test>', timeZone: 'Europe/Stockholm' };
  const activities = createActivities({
    prisma: db.prisma,
    mailer: createMailer({ host: smtp.host, port: smtp.port, secure: false }),
    clock: systemClock,
    config: mailConfig,
  });
  const issuer = createTestIssuer();
  const unitCodes = (await db.prisma.unit.findMany({ select: { code: true }, orderBy: { code: 'asc' } })).map((u) => u.code);
  const superuser: Identity = { sub: 'test-superuser', roles: [...roles], units: unitCodes, supervisedUnits: unitCodes };
  const appFor = (keys: Keyring, config: Partial<ApiConfig> = {}, deps: Partial<ApiDeps> = {}) => {
    const codec = new AesGcmPayloadCodec(keys);
    const temporal = new Client({ connection: env.connection, namespace: env.namespace, dataConverter: { payloadCodecs: [codec] } });
    return createApp({
      temporal,
      prisma: db.prisma,
      fieldCrypto: testFieldCrypto(),
      ...deps,
      config: {
        taskQueue,
        auth: issuer.auth,
        rateLimitPerMinute: opts.rateLimitPerMinute ?? 100_000,
        // Every test request comes from 127.0.0.1: the per-address limit is tested on its own (limits.test.ts).
        addressRateLimitPerMinute: 1_000_000,
        codec: { codec, corsOrigins: ['http://ui.samverkan.test'] },
        ...config,
      },
    });
  };
  const initialApp = appFor(payloadKeys);

  let running: Promise<void> | undefined;
  const stack: Stack = {
    label,
    taskQueue,
    env,
    db,
    smtp,
    api: authedAgent(initialApp, issuer, superuser),
    as: (who) => authedAgent(stack.app, issuer, who),
    issuer,
    app: initialApp,
    appWith: (config, deps) => appFor(stack.payloadKeys, config, deps),
    unitCodes,
    rawClient: new Client({ connection: env.connection, namespace: env.namespace }),
    payloadKeys,
    async startWorker(startOpts = {}) {
      if (startOpts.payloadKeys && startOpts.payloadKeys !== stack.payloadKeys) {
        stack.payloadKeys = startOpts.payloadKeys;
        stack.app = appFor(startOpts.payloadKeys);
        stack.api = authedAgent(stack.app, issuer, superuser);
      }
      const worker = await createWorker({
        connection: env.nativeConnection,
        namespace: env.namespace ?? 'default',
        taskQueue,
        payloadKeys: stack.payloadKeys,
        activities,
        workflowBundle: testWorkflowBundle(),
      });
      stack.worker = worker;
      running = worker.run();
      stack.outbox = startOutboxSender({ pool: sqlPool(db.prisma), databaseUrl: db.url, mailer: createPooledMailer({ host: smtp.host, port: smtp.port, secure: false }), config: mailConfig });
    },
    async stopWorker() {
      if (stack.worker && stack.worker.getState() === 'RUNNING') stack.worker.shutdown();
      await running;
      await stack.outbox?.stop();
      stack.outbox = undefined;
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
