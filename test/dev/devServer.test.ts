import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { freePort, startDevServer, type DevServer } from '../../dev/devServer';
import { resolveTemporalCli } from '../../dev/temporalCli';

// The first run on a machine may build the CLI with `go install` (minutes); later runs hit the cache.
const RESOLVE_TIMEOUT_MS = 20 * 60_000;

describe('Temporal dev server', () => {
  let cliPath: string;
  let tmpDir: string;
  const servers: DevServer[] = [];
  const serverLog: string[] = [];

  beforeAll(async () => {
    cliPath = await resolveTemporalCli({ log: (line) => process.stderr.write(`${line}\n`) });
    tmpDir = await fs.mkdtemp(path.join(os.tmpdir(), 'samverkan-devserver-'));
  }, RESOLVE_TIMEOUT_MS);

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  afterAll(async () => {
    if (tmpDir) await fs.rm(tmpDir, { recursive: true, force: true });
  });

  async function describeNamespace(address: string, namespace: string): Promise<string | undefined> {
    const connection = await Connection.connect({ address, connectTimeout: 2_000 });
    try {
      const res = await connection.workflowService.describeNamespace({ namespace });
      return res.namespaceInfo?.name ?? undefined;
    } finally {
      await connection.close();
    }
  }

  test('when started on a db file, stopped and started again on the same file and port, then it is reachable both times', async () => {
    const dbFile = path.join(tmpDir, 'nested', 'temporal.db');
    const port = await freePort();
    const log = (line: string) => serverLog.push(line);

    const first = await startDevServer({ cliPath, dbFile, port, uiPort: false, namespace: 'samverkan', log });
    servers.push(first);
    expect(first.address).toBe(`127.0.0.1:${port}`);
    expect(first.uiUrl).toBeUndefined();
    expect(await describeNamespace(first.address, 'samverkan')).toBe('samverkan');
    expect((await fs.stat(dbFile)).size).toBeGreaterThan(0);

    await first.stop();
    expect(first.process.exitCode !== null || first.process.signalCode !== null).toBe(true);
    await expect(describeNamespace(first.address, 'samverkan')).rejects.toThrow();

    const second = await startDevServer({ cliPath, dbFile, port, uiPort: false, namespace: 'samverkan', log });
    servers.push(second);
    expect(second.address).toBe(first.address);
    expect(await describeNamespace(second.address, 'samverkan')).toBe('samverkan');
  }, 60_000);

  test('when the port is already taken, then start fails at once naming the port', async () => {
    const first = await startDevServer({ cliPath, uiPort: false });
    servers.push(first);
    const port = Number(first.address.split(':')[1]);
    await expect(startDevServer({ cliPath, port, uiPort: false })).rejects.toThrow(`frontend port 127.0.0.1:${port} is in use`);
  }, 30_000);

  test('when the server exits during startup, then the error includes its last stderr lines', async () => {
    // A directory is not a usable SQLite file, so the CLI exits with an error on stderr.
    await expect(startDevServer({ cliPath, dbFile: tmpDir, uiPort: false })).rejects.toThrow(
      /exited before it was ready \(exit 1\)[\s\S]*last stderr lines:\n.*SQLite/,
    );
  }, 30_000);
});
