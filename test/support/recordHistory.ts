import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

export const historiesDir = join(__dirname, '..', 'histories');

/**
 * With SAMVERKAN_RECORD_HISTORIES=1 (npm run histories:record), saves a finished workflow's
 * history for the replay test. Saved histories are committed and never regenerated in place:
 * they stand for cases already running in production.
 */
export async function recordHistory(client: Client, workflowId: string, name: string, runId?: string): Promise<void> {
  if (!process.env.SAMVERKAN_RECORD_HISTORIES) return;
  // runId picks one run of a workflow that continued as new; the latest run otherwise.
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  mkdirSync(historiesDir, { recursive: true });
  // The workflow id is part of the name: replay must use it, since child ids derive from it.
  writeFileSync(join(historiesDir, `${name}__${workflowId}.json`), historyToJSON(history));
}

/** The workflow id a saved history was recorded under (see recordHistory's file naming). */
export function workflowIdOf(file: string): string {
  const match = /__(.+)\.json$/.exec(file);
  if (!match) throw new Error(`history file ${file} lacks its workflow id (expected NAME__WORKFLOWID.json)`);
  return match[1];
}
