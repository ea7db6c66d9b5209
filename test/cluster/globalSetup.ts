import runDefaultSetup from '../support/globalSetup';
import { startCluster, type Cluster } from '../../dev/cluster';

declare global {
  var samverkanCluster: Cluster | undefined;
}

/** Starts one Temporal server on PostgreSQL for the whole `npm run test:cluster` run. */
export default async function globalSetup(): Promise<void> {
  await runDefaultSetup();
  const started = Date.now();
  const cluster = await startCluster({
    postgresUrl: process.env.TEST_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432',
    historyShards: 4,
    dbPrefix: 'samverkan_cluster',
    log: (line) => process.stderr.write(`[cluster] ${line}\n`),
  });
  process.stderr.write(`[cluster] ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  globalThis.samverkanCluster = cluster;
  process.env.TEMPORAL_TEST_ADDRESS = cluster.address;
}
