import type { ApiDeps } from '../context';

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Ready means both backing services answer now, not that they answered once. */
export async function readiness({ prisma, temporal }: ApiDeps) {
  const check = async (fn: () => Promise<unknown>) => {
    try {
      await withTimeout(fn(), 2_000);
      return { ok: true as const };
    } catch (err) {
      return { ok: false as const, error: err instanceof Error ? err.name : 'error' };
    }
  };
  const [database, temporalCheck] = await Promise.all([
    check(() => prisma.$queryRawUnsafe('SELECT 1')),
    check(() => temporal.workflowService.getSystemInfo({})),
  ]);
  return { ready: database.ok && temporalCheck.ok, checks: { database, temporal: temporalCheck } };
}

type Readiness = Awaited<ReturnType<typeof readiness>>;
const recent = new WeakMap<ApiDeps, { until: number; answer: Promise<Readiness> }>();

/**
 * Readiness as found at most `maxAgeMs` ago: GET /ready needs no token, so however often it is
 * called, the database and Temporal are asked at most once per second per API process. Callers
 * that arrive while a check runs share it.
 */
export function recentReadiness(deps: ApiDeps, maxAgeMs = 1_000): Promise<Readiness> {
  const cached = recent.get(deps);
  if (cached && cached.until > Date.now()) return cached.answer;
  const entry = { until: Infinity, answer: readiness(deps) };
  recent.set(deps, entry);
  void entry.answer.then(() => (entry.until = Date.now() + maxAgeMs));
  return entry.answer;
}
