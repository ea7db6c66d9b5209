import { emailHeadline } from '../../activities/email';
import { failingAfterAttempts } from '../../activities/notifications';
import { fastYouthConcernPolicy } from '../support/policies';
import { eventually, startStack, type Stack } from '../support/stack';

const secs = (amount: number) => ({ amount, unit: 'seconds' as const });

describe('the mail server down for a while', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack('smtpdown', {
      policy: fastYouthConcernPolicy('test-smtpdown', {
        protectionAssessment: {
          deadline: { kind: 'span', span: secs(4) },
          reminders: [{ atFraction: 0.5 }],
          escalation: [
            { after: secs(0), target: 'unitSupervisor' },
            { after: secs(2), target: 'unitHead' },
          ],
        },
      }),
    });
  });
  afterAll(async () => {
    await stack.teardown();
  });

  it('when SMTP refuses connections through a deadline, then escalations are still recorded on time, failing mail is listed for supervisors, and every email arrives once after it is back', async () => {
    await stack.smtp.stopListening();
    const { body } = await stack.api
      .post('/cases')
      .send({ caseType: 'youth-concern', referral: { sourceAgency: 'police', category: 'threat', subject: { ageYears: 16 } } })
      .expect(201);
    const caseId: string = body.caseId;
    const task = await eventually('the first task', () => stack.db.prisma.task.findFirst({ where: { caseId } }));

    // Mail must not hold back the deadline engine: both escalations are recorded while SMTP is down.
    const escalations = await eventually(
      'both escalations with the mail server down',
      async () => {
        const rows = await stack.db.prisma.escalation.findMany({ where: { taskId: task.id }, orderBy: { level: 'asc' } });
        return rows.length === 2 && rows;
      },
      30_000,
    );
    const due = task.dueAt.getTime();
    const lateness = escalations.map((e, i) => e.raisedAt.getTime() - (due + i * 2_000));
    console.log(`escalation lateness with SMTP down: ${lateness.map((ms) => `${ms} ms`).join(', ')}`);
    for (const ms of lateness) {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThan(5_000);
    }

    // A notification that keeps failing is visible to a supervisor, with the reason but no addresses.
    const failing = await eventually(
      'the assignment notification to be listed as failing',
      async () => {
        const res = await stack.api.get('/notifications?status=failing').expect(200);
        const item = res.body.items.find((n: { caseId: string; kind: string }) => n.caseId === caseId && n.kind === 'assigned');
        return item;
      },
      40_000,
    );
    expect(failing.attempts).toBeGreaterThanOrEqual(failingAfterAttempts);
    expect(failing.lastError).toMatch(/ECONNREFUSED|ESOCKET|Error/);
    expect(JSON.stringify(failing)).not.toContain('@');
    expect(stack.smtp.messages.filter((m) => m.subject.includes(caseId))).toHaveLength(0);

    await stack.smtp.startListening();
    const backAt = Date.now();
    const mails = await stack.smtp.waitFor((m) => m.subject.includes(caseId), { count: 4, timeoutMs: 90_000 });
    console.log(`all 4 emails delivered ${Date.now() - backAt} ms after the mail server came back`);

    const notifications = await eventually('every notification recorded as sent', async () => {
      const rows = await stack.db.prisma.notification.findMany({ where: { taskId: task.id } });
      return rows.length === 4 && rows.every((n) => n.status === 'sent') && rows;
    });
    // None lost, none twice: one email per idempotency key, each with the key's Message-ID.
    await new Promise((r) => setTimeout(r, 2_000));
    const received = stack.smtp.messages.filter((m) => m.subject.includes(caseId));
    expect(received).toHaveLength(4);
    expect(new Set(received.map((m) => m.messageId)).size).toBe(4);
    expect(new Set(received.map((m) => m.messageId))).toEqual(new Set(notifications.map((n) => n.messageId)));
    expect(mails.map((m) => m.subject.replace(/^.*\((.*)\)$/, '$1')).sort()).toEqual([
      emailHeadline('escalation', 1),
      emailHeadline('escalation', 2),
      emailHeadline('assigned'),
      emailHeadline('reminder'),
    ].sort());
    const stillFailing = await stack.api.get('/notifications?status=failing').expect(200);
    expect(stillFailing.body.items.filter((n: { caseId: string }) => n.caseId === caseId)).toEqual([]);
  });
});
