import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { resolveTemporalCli } from '../../dev/temporalCli';

/**
 * Runs once per jest run: finds (or builds) the Temporal CLI and bundles the workflows once,
 * so each test file's worker starts in well under a second.
 */
export default async function globalSetup(): Promise<void> {
  process.env.SAMVERKAN_LOG = process.env.SAMVERKAN_LOG ?? 'silent';
  process.env.SAMVERKAN_TEST_TEMPORAL_CLI = await resolveTemporalCli({ log: (line) => process.stderr.write(`${line}\n`) });
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: (m) => console.error(m), log() {} },
  });
  const dir = join(tmpdir(), `samverkan-test-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const codePath = join(dir, 'workflow-bundle.js');
  writeFileSync(codePath, bundle.code);
  process.env.SAMVERKAN_TEST_WORKFLOW_BUNDLE = codePath;
}
