import type { Payload } from '@temporalio/common';
import { subjectContext } from '../../api/useCases/recordCase';
import { ENCRYPTED_ENCODING } from '../../security/payloadCodec';
import { historyText } from '../support/historyText';
import { onceOpened } from '../support/cases';
import { testFieldCrypto } from '../support/keys';
import { fastYouthConcernPolicy } from '../support/policies';
import { contractRequest, eventually, startStack, type Stack } from '../support/stack';
import { spawnWorker, type WorkerProcess } from '../support/workerProcess';

const secs = (amount: number) => ({ amount, unit: 'seconds' as const });

const subject = { displayName: 'Kalle Testsson', personalIdentityNumber: '20110312-2386', ageYears: 15 };
const narrative = 'Hittad med ett skolskåp fullt av cannabis på Tumba skola';
// A coordination number (samordningsnummer: day + 60) for a second person.
const coordinationNumber = '20110372-2383';
// Every way the personal data could leak, including the numbers without separator or century.
const forbidden = [
  'Kalle', 'Testsson', '20110312-2386', '201103122386', '110312-2386', '1103122386',
  '20110372-2383', '201103722383', '110372-2383', '1103722383', 'cannabis', 'Tumba',
];

function leaks(text: string): string[] {
  return forbidden.filter((needle) => text.toLowerCase().includes(needle.toLowerCase()));
}

/** Every payload in a history, for checking that each is encrypted. */
function payloadsOf(value: unknown, out: Payload[] = [], seen = new Set<unknown>()): Payload[] {
  if (!value || typeof value !== 'object' || value instanceof Uint8Array || seen.has(value)) return out;
  seen.add(value);
  const v = value as Record<string, unknown>;
  if (v.data instanceof Uint8Array && v.metadata && typeof v.metadata === 'object') out.push(v as Payload);
  else for (const child of Object.values(v)) payloadsOf(child, out, seen);
  return out;
}

const b64 = (u: Uint8Array | null | undefined) => Buffer.from(u ?? new Uint8Array()).toString('base64');

describe('personal data end to end', () => {
  let stack: Stack;
  let worker: WorkerProcess | undefined;
  const apiLog: string[] = [];
  const savedLogSetting = process.env.SAMVERKAN_LOG;

  beforeAll(async () => {
    stack = await startStack('pii', {
      worker: false,
      policy: fastYouthConcernPolicy('test-pii', {
        protectionAssessment: {
          deadline: { kind: 'span', span: secs(2) },
          reminders: [{ atFraction: 0.5 }],
          escalation: [
            { after: secs(0), target: 'unitSupervisor' },
            { after: secs(1), target: 'unitHead' },
          ],
        },
      }),
    });
    // A real worker process, so its whole output (our logs and the SDK's) can be scanned.
    worker = await spawnWorker(stack, stack.smtp);
    // Capture what the in-process API logs (it writes JSON lines to the console).
    process.env.SAMVERKAN_LOG = 'info';
    jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void apiLog.push(args.map(String).join(' ')));
    jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void apiLog.push(args.map(String).join(' ')));
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    process.env.SAMVERKAN_LOG = savedLogSetting;
    await worker?.kill('SIGTERM');
    await stack.teardown();
  });

  it('when a referral carries a name, a personnummer and a narrative, then no history (read without the codec), database column, log line or email contains them', async () => {
    const { body } = await stack.api
      .post('/cases')
      .send({ caseType: 'youth-concern', referral: { sourceAgency: 'police', category: 'drug-possession', subject, narrative } })
      .expect(201);
    const caseId: string = body.caseId;
    expect(body.linkedCaseId).toBeNull();

    // Assignment, reminder and two escalations for the first step, then extension and completion mail.
    await stack.smtp.waitFor((m) => m.subject.includes(caseId), { count: 4, timeoutMs: 30_000 });
    const task = await stack.db.prisma.task.findFirstOrThrow({ where: { caseId } });
    await stack.api.post(`/tasks/${task.id}/complete`).send({ outcome: 'no-immediate-risk' }).expect(200);
    const next = await eventually('decision task', () => stack.db.prisma.task.findFirst({ where: { caseId, stepKey: 'investigationDecision' } }));
    const extended = await onceOpened(() =>
      stack.api.post(`/tasks/${next.id}/extend`).send({ newDueAt: new Date(Date.now() + 600_000).toISOString(), justification: 'Awaiting records from the school.' }),
    );
    expect(extended.status).toBe(200);
    const mails = await stack.smtp.waitFor((m) => m.subject.includes(caseId), { count: 6, timeoutMs: 30_000 });
    // A bad personnummer is refused without repeating it.
    const refused = await stack.api
      .post('/cases')
      .send({ caseType: 'youth-concern', referral: { sourceAgency: 'police', category: 'other', subject: { ...subject, personalIdentityNumber: '20110312-2387' } } })
      .expect(400);
    expect(refused.body.error.fields).toEqual([expect.objectContaining({ field: 'referral.subject.personalIdentityNumber' })]);
    expect(JSON.stringify(refused.body)).not.toContain('2387');

    // Emails: say that work is waiting and link to it; nothing else.
    for (const mail of mails) expect({ subject: mail.subject, leaks: leaks(mail.raw) }).toEqual({ subject: mail.subject, leaks: [] });
    expect(mails[0].text).toContain(`http://samverkan.test/app/arenden/${caseId}/uppgifter/`);

    // Workflow ids, histories and search attributes, as the cluster's operator sees them (no codec).
    const ids = [caseId, task.id, next.id];
    expect(ids.flatMap(leaks)).toEqual([]);
    for (const id of ids) {
      const handle = stack.rawClient.workflow.getHandle(id);
      const history = await handle.fetchHistory();
      const description = await handle.describe();
      const text = historyText(history) + historyText(description.raw);
      expect({ id, leaks: leaks(text) }).toEqual({ id, leaks: [] });
      // Not vacuous: the payloads are there, every one encrypted, so even the unit code is unreadable.
      // patched('…') writes a marker and upserts the TemporalChangeVersion search attribute; the SDK
      // core writes both outside the data converter. They carry only patch ids, which this proves.
      // A local activity's marker (escalation-outbox) adds the core's own record of the call (ids,
      // activity type, times); its result is a payload like any other, encrypted.
      const sdkOwned = (history.events ?? []).filter((e) => e.markerRecordedEventAttributes || e.upsertWorkflowSearchAttributesEventAttributes);
      const time = '\\{"seconds":\\d+,"nanos":\\d+\\}';
      const localActivityCall = new RegExp(
        `^\\{"seq":\\d+,"attempt":\\d+,"activity_id":"\\d+","activity_type":"[A-Za-z]+","complete_time":${time},"backoff":(null|${time}),"original_schedule_time":${time}\\}$`,
      );
      const patchOrAttribute = /^\{"id":"[a-z-]+","deprecated":(true|false)\}$|^\["[a-z-]+"(,"[a-z-]+")*\]$/;
      for (const p of payloadsOf(sdkOwned)) {
        if (Buffer.from(p.metadata!.encoding!).toString() === ENCRYPTED_ENCODING) continue;
        expect(Buffer.from(p.data!).toString()).toMatch(new RegExp(`${patchOrAttribute.source}|${localActivityCall.source}`));
      }
      const payloads = payloadsOf((history.events ?? []).filter((e) => !sdkOwned.includes(e)));
      expect(payloads.length).toBeGreaterThan(3);
      const encodings = new Set(payloads.map((p) => Buffer.from(p.metadata!.encoding!).toString()));
      expect([...encodings]).toEqual([ENCRYPTED_ENCODING]);
      expect(text).not.toContain('soc-children-youth');
    }

    // An operator (a verified token with the role operator) can decode through the codec endpoint; nobody else can.
    const started = payloadsOf((await stack.rawClient.workflow.getHandle(task.id).fetchHistory()).events![0]);
    const request = { payloads: started.map((p) => ({ metadata: Object.fromEntries(Object.entries(p.metadata!).map(([k, v]) => [k, b64(v)])), data: b64(p.data) })) };
    await contractRequest(stack.app).post('/codec/decode').send(request).expect(401);
    await contractRequest(stack.app).post('/codec/decode').set('authorization', 'Bearer not-the-operator-token-at-all').send(request).expect(401);
    await stack.as({ sub: 'pd-staff', roles: ['staff', 'coordinator'], units: ['soc-children-youth'] }).post('/codec/decode').send(request).expect(403);
    const decoded = await stack.as({ sub: 'pd-operator', roles: ['operator'] }).post('/codec/decode').send(request).expect(200);
    const decodedText = decoded.body.payloads.map((p: { data: string }) => Buffer.from(p.data, 'base64').toString()).join('\n');
    expect(decodedText).toContain('soc-children-youth');
    // The Web UI's browser preflight is answered for the configured origin only.
    const preflight = await stack.api.options('/codec/decode').set('origin', 'http://ui.samverkan.test').expect(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('http://ui.samverkan.test');
    expect(preflight.headers['access-control-allow-headers']).toMatch(/Authorization/);
    const foreign = await stack.api.options('/codec/decode').set('origin', 'http://evil.test').expect(204);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();

    // Every column of every table in the database.
    const tables = await stack.db.prisma.$queryRawUnsafe<Array<{ table_name: string }>>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['case', 'case_subject', 'task', 'notification']));
    let rowsScanned = 0;
    for (const { table_name } of tables) {
      const rows = await stack.db.prisma.$queryRawUnsafe<Array<{ row: string }>>(`SELECT row_to_json(t)::text AS row FROM "${table_name}" t`);
      rowsScanned += rows.length;
      for (const { row } of rows) expect({ table_name, leaks: leaks(row) }).toEqual({ table_name, leaks: [] });
    }
    expect(rowsScanned).toBeGreaterThan(10);
    // The data itself is kept, encrypted, in the one table meant for it.
    const stored = await stack.db.prisma.caseSubject.findUniqueOrThrow({ where: { caseId } });
    const crypto = testFieldCrypto();
    expect(crypto.decrypt(stored.displayNameEnc!, subjectContext(caseId, 'display_name'))).toBe(subject.displayName);
    expect(crypto.decrypt(stored.personalIdentityNumberEnc!, subjectContext(caseId, 'personal_identity_number'))).toBe('201103122386');
    expect(crypto.decrypt(stored.narrativeEnc!, subjectContext(caseId, 'narrative'))).toBe(narrative);
    // A ciphertext moved to another row does not decrypt.
    expect(() => crypto.decrypt(stored.displayNameEnc!, subjectContext('VPC-2026-OTHER000', 'display_name'))).toThrow();

    // Logs: the API's lines and the worker process's whole output.
    expect(apiLog.some((line) => line.includes(caseId))).toBe(true);
    expect(leaks(apiLog.join('\n'))).toEqual([]);
    expect(worker!.output()).toContain('worker started');
    expect(leaks(worker!.output())).toEqual([]);
  });

  it('when a second referral names the same person, then it is linked to the first case, whatever way the number is written', async () => {
    const post = (personalIdentityNumber: string) =>
      stack.api
        .post('/cases')
        .send({ caseType: 'youth-concern', referral: { sourceAgency: 'school', category: 'violence', subject: { personalIdentityNumber, ageYears: 15 } } })
        .expect(201);
    const first = (await post(coordinationNumber)).body;
    expect(first.linkedCaseId).toBeNull();
    const second = (await post('110372-2383')).body;
    const third = (await post('201103722383')).body;
    expect(second.linkedCaseId).toBe(first.caseId);
    expect(third.linkedCaseId).toBe(first.caseId);
    expect(second.links.linkedCase).toBe(`/cases/${first.caseId}`);

    const view = (await stack.api.get(`/cases/${first.caseId}`).expect(200)).body;
    expect(view.relatedCases.map((c: { caseId: string }) => c.caseId)).toEqual([second.caseId, third.caseId]);
    const secondView = (await stack.api.get(`/cases/${second.caseId}`).expect(200)).body;
    expect(secondView.linkedCaseId).toBe(first.caseId);
    expect(secondView.relatedCases.map((c: { caseId: string }) => c.caseId)).toEqual([first.caseId, third.caseId]);
    // Another person is not linked.
    const other = (await post('20090505-4573')).body;
    expect(other.linkedCaseId).toBeNull();
    expect(JSON.stringify([first, second, third, view, secondView]).match(/2383/)).toBeNull();
  });

  it('when callers without need to know ask, then they receive nothing of the case: not found, in no list, and no personal data anywhere', async () => {
    const { body } = await stack.api
      .post('/cases')
      .send({ caseType: 'youth-concern', referral: { sourceAgency: 'police', category: 'drug-possession', subject, narrative } })
      .expect(201);
    const caseId: string = body.caseId;
    await eventually('the protection assessment', () => stack.db.prisma.task.findFirst({ where: { caseId, status: 'open' } }), 60_000);
    // Another unit of social services, and the police, hold no task in it.
    for (const unit of ['soc-adults', 'police-local']) {
      const agent = stack.as({ sub: `pd-${unit}`, roles: ['staff', 'supervisor'], units: [unit], supervisedUnits: [unit] });
      const answers = [
        await agent.get(`/cases/${caseId}`).expect(404),
        await agent.get('/tasks?status=all&limit=200').expect(200),
        await agent.get('/escalations?status=all&limit=200').expect(200),
        await agent.get('/notifications?status=all&limit=200').expect(200),
        await agent.get('/reports/tasks').expect(200),
      ];
      const text = JSON.stringify(answers.map((a) => a.body));
      expect({ unit, leaks: leaks(text), mentionsCase: text.includes(caseId) }).toEqual({ unit, leaks: [], mentionsCase: false });
    }
    // The unit that holds the task reads the case, and still no personal data: it stays in PostgreSQL.
    const holder = await stack.as({ sub: 'pd-holder', roles: ['staff'], units: ['soc-children-youth'] }).get(`/cases/${caseId}`).expect(200);
    expect(leaks(JSON.stringify(holder.body))).toEqual([]);
  });
});
