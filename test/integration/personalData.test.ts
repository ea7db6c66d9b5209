import { historyText } from '../support/historyText';
import { fastYouthConcernPolicy } from '../support/policies';
import { eventually, startStack, type Stack } from '../support/stack';

const secs = (amount: number) => ({ amount, unit: 'seconds' as const });

const subject = { displayName: 'Kalle Testsson', personalIdentityNumber: '20110312-2389', ageYears: 15 };
const narrative = 'Hittad med ett skolskåp fullt av cannabis på Tumba skola';
// Every way the personal data could leak, including the number without separator or century.
const forbidden = ['Kalle', 'Testsson', '20110312-2389', '201103122389', '110312-2389', '1103122389', 'cannabis', 'Tumba'];

function leaks(text: string): string[] {
  return forbidden.filter((needle) => text.toLowerCase().includes(needle.toLowerCase()));
}

describe('personal data stays out of email and Temporal', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack('pii', {
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
  });
  afterAll(async () => {
    await stack.teardown();
  });

  it('when a referral carries a name, a personnummer and a narrative, then no email, workflow id or history contains them', async () => {
    const { body } = await stack.api
      .post('/cases')
      .send({ caseType: 'youth-concern', referral: { sourceAgency: 'police', category: 'drug-possession', subject, narrative } })
      .expect(201);
    const caseId: string = body.caseId;

    // Assignment, reminder and two escalations for the first step, then extension and completion mail.
    await stack.smtp.waitFor((m) => m.subject.includes(caseId), { count: 4, timeoutMs: 30_000 });
    const task = await stack.db.prisma.task.findFirstOrThrow({ where: { caseId } });
    await stack.api.post(`/tasks/${task.id}/complete`).send({ outcome: 'no-immediate-risk' }).expect(200);
    const next = await eventually('decision task', () => stack.db.prisma.task.findFirst({ where: { caseId, stepKey: 'investigationDecision' } }));
    await stack.api
      .post(`/tasks/${next.id}/extend`)
      .send({ newDueAt: new Date(Date.now() + 600_000).toISOString(), justification: 'Awaiting records from the school.' })
      .expect(200);
    const mails = await stack.smtp.waitFor((m) => m.subject.includes(caseId), { count: 6, timeoutMs: 30_000 });

    for (const mail of mails) expect({ subject: mail.subject, leaks: leaks(mail.raw) }).toEqual({ subject: mail.subject, leaks: [] });
    // The email says work is waiting and links to it; that is all.
    expect(mails[0].text).toContain(`Case: ${caseId}`);
    expect(mails[0].text).toContain(`http://samverkan.test/cases/${caseId}`);

    const ids = [caseId, task.id, next.id];
    expect(ids.flatMap(leaks)).toEqual([]);
    for (const id of ids) {
      const history = await stack.env.client.workflow.getHandle(id).fetchHistory();
      const text = historyText(history);
      // Guard against a vacuous scan: the decoded history must show the payloads we put there.
      expect(text).toContain('soc-children-youth');
      expect({ id, leaks: leaks(text) }).toEqual({ id, leaks: [] });
    }

    // The data itself is kept, in the one table meant for it.
    const stored = await stack.db.prisma.caseSubject.findUniqueOrThrow({ where: { caseId } });
    expect(stored).toMatchObject({ displayName: subject.displayName, ageYears: 15 });
  });
});
