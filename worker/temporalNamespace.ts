import type { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';

const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;

/**
 * Registers the namespace when the server does not have it (a fresh self-hosted cluster has only
 * its system namespace). Run by the setup step, whose certificate administers the namespace.
 * Returns whether it registered it: the frontend then takes a few seconds to serve it.
 */
export async function ensureNamespace(connection: Connection, namespace: string, retentionMs: number): Promise<boolean> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return false;
  } catch (err) {
    if ((err as { code?: number }).code !== NOT_FOUND) throw err;
  }
  try {
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(retentionMs) });
  } catch (err) {
    if ((err as { code?: number }).code !== ALREADY_EXISTS) throw err;
  }
  return true;
}

/** Retries `action` while the frontend does not know a just-registered namespace yet (its cache refreshes every ~10 s). */
export async function whenNamespaceServed<T>(action: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await action();
    } catch (err) {
      const unknownNamespace = (err as { code?: number }).code === NOT_FOUND || (err as Error).name === 'NamespaceNotFoundError';
      if (!unknownNamespace || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}
