import { freePort } from '../../dev/devServer';
import { eventually, startStack, type Stack } from '../support/stack';
import { spawnApi, type WorkerProcess } from '../support/workerProcess';

const total = 40;
const concurrency = 4;
const referral = { caseType: 'youth-concern', referral: { sourceAgency: 'police', category: 'drug-possession', subject: { ageYears: 15 } } };

describe('the API process killed under load', () => {
  let stack: Stack;
  let api: WorkerProcess | undefined;

  beforeAll(async () => {
    stack = await startStack('apirestart');
  });
  afterAll(async () => {
    await api?.kill('SIGKILL');
    await stack.teardown();
  });

  it('when the API is killed with SIGKILL mid-load and clients retry with their Idempotency-Key, then every acknowledged case exists once and no retry starts a second case', async () => {
    const port = await freePort();
    // The actor behind the key matters: the same key from another caller is another request.
    const token = stack.issuer.token({ sub: 'coordinator-load', roles: ['coordinator'] });
    api = await spawnApi(stack, port);
    const post = (key: string, body: unknown = referral) =>
      fetch(`http://127.0.0.1:${port}/cases`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key, authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });

    const acknowledged = new Map<string, string>();
    const ackedBeforeKill = new Map<string, string>();
    let failedAttempts = 0;
    let killed = false;
    const keys = Array.from({ length: total }, (_, i) => `load-${stack.taskQueue}-${i}`);
    const queue = [...keys];

    const client = async () => {
      for (let key = queue.shift(); key; key = queue.shift()) {
        for (;;) {
          try {
            const res = await post(key);
            if (res.status === 201) {
              acknowledged.set(key, ((await res.json()) as { caseId: string }).caseId);
              if (!killed) ackedBeforeKill.set(key, acknowledged.get(key)!);
              break;
            }
            failedAttempts += 1;
          } catch {
            failedAttempts += 1; // connection refused or reset while the API is down
          }
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    };
    const killer = async () => {
      await eventually('some requests to be acknowledged', async () => acknowledged.size >= 10, 60_000);
      killed = true;
      await api!.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 1_000));
      api = await spawnApi(stack, port);
    };
    await Promise.all([killer(), ...Array.from({ length: concurrency }, client)]);
    console.log(
      `${total} cases acknowledged (${ackedBeforeKill.size} before the kill), ${failedAttempts} attempts failed while the API was down and were retried`,
    );
    expect(failedAttempts).toBeGreaterThan(0);
    expect(acknowledged.size).toBe(total);

    // Every acknowledged case is in the read model with its subject, and its workflow runs; nothing else was started.
    const caseIds = [...acknowledged.values()];
    expect(new Set(caseIds).size).toBe(total);
    const rows = await stack.db.prisma.case.findMany({ include: { subject: true } });
    expect(rows.map((r) => r.id).sort()).toEqual([...caseIds].sort());
    expect(rows.every((r) => r.subject?.ageYears === 15)).toBe(true);
    // Visibility (the list) trails the workflow starts by a moment under load: wait for it to settle.
    const listWorkflows = async () => {
      const workflows: string[] = [];
      for await (const wf of stack.env.client.workflow.list({ query: `WorkflowType = 'youthConcernCase' AND TaskQueue = '${stack.taskQueue}'` })) {
        workflows.push(wf.workflowId);
      }
      return workflows.sort();
    };
    const expected = [...caseIds].sort();
    await eventually('visibility to list every started case', async () => JSON.stringify(await listWorkflows()) === JSON.stringify(expected), 30_000).catch(() => undefined);
    expect(await listWorkflows()).toEqual(expected);

    // A retry after success answers with the same case; a key reused for another referral is refused.
    const [firstKey, firstCase] = [...ackedBeforeKill.entries()][0];
    const replay = await post(firstKey);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(((await replay.json()) as { caseId: string }).caseId).toBe(firstCase);
    const reused = await post(firstKey, { ...referral, referral: { ...referral.referral, category: 'violence' } });
    expect(reused.status).toBe(422);
    expect(await stack.db.prisma.case.count()).toBe(total);
  });
});
