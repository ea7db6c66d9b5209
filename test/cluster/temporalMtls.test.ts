import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection, type TLSConfig } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { startCluster, type Cluster } from '../../dev/cluster';
import { createAuthority, TEMPORAL_CLIENTS, TEMPORAL_SERVER_NAME, temporalRoles, writeTemporalPki } from '../../dev/temporalPki';
import { resolveTemporalServer } from '../../dev/temporalServerBinary';
import { ensureRetentionSchedule } from '../../worker/retentionSchedule';
import { whenNamespaceServed } from '../../worker/temporalNamespace';
import { eventually, quietRuntime, testWorkflowBundle } from '../support/stack';

/**
 * Temporal behind the wall, for real: the server built from deploy/temporal-server, started with
 * the production config (deploy/temporal-server/config/production.yaml), with certificates made
 * here and now. Refusals are the server's own.
 */
const run = promisify(execFile);
const PERMISSION_DENIED = 7;
const outsider = 'someone-with-a-client-ca-certificate';

/** The server's PERMISSION_DENIED, whether the SDK hands it over bare or wrapped (client calls wrap it). */
async function expectPermissionDenied(call: Promise<unknown>): Promise<void> {
  const error = await call.then(
    () => undefined,
    (err: unknown) => err as { code?: number; cause?: { code?: number } },
  );
  expect({ code: error?.code ?? error?.cause?.code }).toEqual({ code: PERMISSION_DENIED });
}

describe("Temporal behind mTLS: only the application's certificates may act", () => {
  let dir: string;
  let cluster: Cluster;
  const tlsAs = (name: string): TLSConfig => ({
    serverRootCACertificate: readFileSync(join(dir, 'server-ca.pem')),
    serverNameOverride: TEMPORAL_SERVER_NAME,
    clientCertPair: { crt: readFileSync(join(dir, `${name}.pem`)), key: readFileSync(join(dir, `${name}.key`)) },
  });
  const connections: Array<{ close(): Promise<void> }> = [];
  const clientAs = async (tls: TLSConfig) => {
    const connection = await Connection.connect({ address: cluster.address, tls, connectTimeout: 5_000 });
    connections.push(connection);
    return new Client({ connection, namespace: cluster.namespace });
  };

  beforeAll(async () => {
    quietRuntime();
    dir = mkdtempSync(join(tmpdir(), 'samverkan-mtls-'));
    writeTemporalPki(dir, [...Object.values(TEMPORAL_CLIENTS), outsider]);
    cluster = await startCluster({
      postgresUrl: process.env.TEST_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432',
      historyShards: 1,
      dbPrefix: 'samverkan_mtls',
      log: (line) => process.stderr.write(`[mtls cluster] ${line}\n`),
      tls: { dir, roles: temporalRoles('default'), client: tlsAs(TEMPORAL_CLIENTS.setup) },
    });
  }, 240_000);

  afterAll(async () => {
    await Promise.all(connections.map((c) => c.close()));
    await cluster?.stop({ dropDatabases: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('when a client connects in plain TCP, or over TLS without a client certificate, then the frontend refuses the connection', async () => {
    await expect(Connection.connect({ address: cluster.address, connectTimeout: 3_000 })).rejects.toThrow();
    const { clientCertPair: _, ...noCertificate } = tlsAs(TEMPORAL_CLIENTS.api);
    await expect(Connection.connect({ address: cluster.address, tls: noCertificate, connectTimeout: 3_000 })).rejects.toThrow();
  });

  it("when a certificate from another CA bears the API's name, then the frontend refuses the connection", async () => {
    const forged = createAuthority('not our client CA').issue(TEMPORAL_CLIENTS.api);
    const tls = { ...tlsAs(TEMPORAL_CLIENTS.api), clientCertPair: { crt: Buffer.from(forged.cert), key: Buffer.from(forged.key) } };
    await expect(Connection.connect({ address: cluster.address, tls, connectTimeout: 3_000 })).rejects.toThrow();
  });

  it("when the API's certificate starts a workflow and the worker's certificate runs it, then both are served", async () => {
    const api = await clientAs(tlsAs(TEMPORAL_CLIENTS.api));
    const taskQueue = `mtls-${Date.now()}`;
    const handle = await api.workflow.start('retentionSweep', { taskQueue, workflowId: `mtls-sweep-${Date.now()}`, args: [{ retainAfter: 'P2Y' }] });
    const connection = await NativeConnection.connect({ address: cluster.address, tls: tlsAs(TEMPORAL_CLIENTS.worker) });
    try {
      const worker = await Worker.create({
        connection,
        namespace: cluster.namespace,
        taskQueue,
        workflowBundle: testWorkflowBundle(),
        // Workflow-level: the activity is not what this test is about.
        activities: { pseudonymiseExpiredCases: () => Promise.resolve({ pseudonymised: [] }) },
      });
      expect(await worker.runUntil(handle.result())).toEqual({ pseudonymised: 0 });
    } finally {
      await connection.close();
    }
  });

  it("when the Web UI's certificate reads, then it is served; when it terminates or signals a workflow, then the server refuses", async () => {
    const api = await clientAs(tlsAs(TEMPORAL_CLIENTS.api));
    const target = await api.workflow.start('retentionSweep', { taskQueue: 'nobody-polls', workflowId: `mtls-target-${Date.now()}`, args: [{ retainAfter: 'P2Y' }] });
    const ui = await clientAs(tlsAs(TEMPORAL_CLIENTS.ui));
    const handle = ui.workflow.getHandle(target.workflowId);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await expectPermissionDenied(handle.terminate('by the UI'));
    await expectPermissionDenied(handle.signal('consentChanged'));
    expect((await target.describe()).status.name).toBe('RUNNING');
    await target.terminate('test done');
  });

  it('when a certificate of our client CA has a name given no role, then it may neither list, describe nor start', async () => {
    const stranger = await clientAs(tlsAs(outsider));
    const listing = async () => {
      for await (const _ of stranger.workflow.list()) break;
    };
    await expectPermissionDenied(listing());
    await expectPermissionDenied(stranger.workflow.start('retentionSweep', { taskQueue: 'x', workflowId: `mtls-stranger-${Date.now()}`, args: [{ retainAfter: 'P2Y' }] }));
    await expectPermissionDenied(stranger.connection.workflowService.describeNamespace({ namespace: cluster.namespace }));
  });

  it("when the setup step's certificate creates the retention Schedule, then the server's own scheduler starts its sweep (system workers reach the server through the internal frontend)", async () => {
    const setup = await clientAs(tlsAs(TEMPORAL_CLIENTS.setup));
    const taskQueue = `mtls-retention-${Date.now()}`;
    const scheduleId = await whenNamespaceServed(() => ensureRetentionSchedule(setup, { taskQueue, retainAfter: 'P2Y', everyMs: 3_600_000 }));
    const schedule = setup.schedule.getHandle(scheduleId);
    await schedule.trigger();
    await eventually('the scheduler to start a sweep', async () => (await schedule.describe()).info.recentActions.length > 0, 60_000);
    await schedule.delete();
  });

  it("when the image's health check runs with a client certificate, then it reports SERVING; without our CA's certificate, then it fails", async () => {
    const { server } = await resolveTemporalServer(() => undefined);
    const health = (cert: string, key: string) =>
      run(server, ['health', '--address', cluster.address, '--ca', join(dir, 'server-ca.pem'), '--cert', cert, '--key', key, '--server-name', TEMPORAL_SERVER_NAME]);
    const ok = await health(join(dir, `${TEMPORAL_CLIENTS.ui}.pem`), join(dir, `${TEMPORAL_CLIENTS.ui}.key`));
    expect(ok.stdout.trim()).toBe('SERVING');
    const foreign = createAuthority('not our client CA').issue(TEMPORAL_CLIENTS.ui);
    writeFileSync(join(dir, 'foreign.pem'), foreign.cert);
    writeFileSync(join(dir, 'foreign.key'), foreign.key);
    await expect(health(join(dir, 'foreign.pem'), join(dir, 'foreign.key'))).rejects.toMatchObject({ code: 1 });
  });
});
