import { Client } from '@temporalio/client';
import { createActivities, systemClock } from '../../activities';
import { createApp } from '../../api/app';
import { redeliverConsentSignals } from '../../api/useCases/consentSignals';
import { AesGcmPayloadCodec } from '../../security/payloadCodec';
import { taskIn } from '../support/cases';
import { testFieldCrypto } from '../support/keys';
import { fastSigPolicy } from '../support/policies';
import { authedAgent, startStack, type Stack } from '../support/stack';
import { superuserIdentity } from '../support/testApp';

/** An adult's SIG case: its action plan waits for the subject's consent to social services. */
const referral = { caseType: 'social-intervention-group', referral: { sourceAgency: 'social-services', category: 'recruitment', subject: { ageYears: 19 } } };
const consent = { personRole: 'subject', receivingAgency: 'social-services', purpose: 'sig' };

describe('consents: recorded first, then told to the case workflow', () => {
  let stack: Stack;
  const deps = (temporal: Client) => ({ temporal, prisma: stack.db.prisma, fieldCrypto: testFieldCrypto(), config: { taskQueue: stack.taskQueue, auth: stack.issuer.auth } });
  const codecClient = () => new Client({ connection: stack.env.connection, namespace: stack.env.namespace, dataConverter: { payloadCodecs: [new AesGcmPayloadCodec(stack.payloadKeys)] } });
  // A namespace that does not exist: the real server refuses every signal.
  const refusing = () => new Client({ connection: stack.env.connection, namespace: 'no-such-namespace' });
  const signals = async (caseId: string) =>
    ((await stack.env.client.workflow.getHandle(caseId).fetchHistory()).events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes).length;

  beforeAll(async () => {
    stack = await startStack('consent-signals', { policy: fastSigPolicy('test-consent-signals', { consentWaitSeconds: 600 }) });
  });
  afterAll(async () => {
    await stack.teardown();
  });

  it('when Temporal refuses the signal, then the consent is recorded (201), and the reconciler delivers it once: the waiting task opens', async () => {
    const { body } = await stack.api.post('/cases').send(referral).expect(201);
    const caseId = body.caseId as string;
    await taskIn(stack, caseId, 'actionPlan', 'waiting-for-consent');

    const given = await authedAgent(createApp(deps(refusing())), stack.issuer, superuserIdentity('consent-refused')).post(`/cases/${caseId}/consents`).send(consent).expect(201);
    const consentId = given.body.consentId as string;
    expect((await stack.db.prisma.consent.findUniqueOrThrow({ where: { id: consentId } })).signalledStatus).toBeNull();
    expect(await signals(caseId)).toBe(0);

    // While Temporal still refuses, the row waits; once it takes the signal, the row is marked and the task opens.
    expect(await redeliverConsentSignals(deps(refusing()), { olderThanMs: 0 })).toEqual({ delivered: 0, refused: 1 });
    expect(await redeliverConsentSignals(deps(codecClient()), { olderThanMs: 0 })).toEqual({ delivered: 1, refused: 0 });
    expect((await stack.db.prisma.consent.findUniqueOrThrow({ where: { id: consentId } })).signalledStatus).toBe('given');
    await taskIn(stack, caseId, 'actionPlan', 'open');
    // Delivered is done: the next pass tells the workflow nothing again.
    expect(await redeliverConsentSignals(deps(codecClient()), { olderThanMs: 0 })).toEqual({ delivered: 0, refused: 0 });
    expect(await signals(caseId)).toBe(1);
  });

  it('when a withdrawal cannot be told at once, then the reconciler tells the row as it stands and the task is withdrawn', async () => {
    const { body } = await stack.api.post('/cases').send(referral).expect(201);
    const caseId = body.caseId as string;
    const given = await stack.api.post(`/cases/${caseId}/consents`).send(consent).expect(201);
    await taskIn(stack, caseId, 'actionPlan', 'open');

    const refused = authedAgent(createApp(deps(refusing())), stack.issuer, superuserIdentity('withdraw-refused'));
    await refused.post(`/cases/${caseId}/consents/${given.body.consentId}/withdraw`).send({}).expect(200);
    expect((await stack.db.prisma.consent.findUniqueOrThrow({ where: { id: given.body.consentId } })).signalledStatus).toBe('given');

    expect(await redeliverConsentSignals(deps(codecClient()), { olderThanMs: 0 })).toEqual({ delivered: 1, refused: 0 });
    await taskIn(stack, caseId, 'actionPlan', 'withdrawn');
    expect((await stack.db.prisma.consent.findUniqueOrThrow({ where: { id: given.body.consentId } })).signalledStatus).toBe('withdrawn');
  });

  it('when the workflow reports progress for a case the API never recorded, then no case row is created (the API is the only creator), nor for a case beside it', async () => {
    const activities = createActivities({ prisma: stack.db.prisma, mailer: { sendMail: async () => ({}) }, clock: systemClock, config: { appBaseUrl: 'x', mailFrom: 'x', timeZone: 'Europe/Stockholm' } });
    await expect(
      activities.recordCaseProgress({ caseId: 'VPC-2026-NEVERREC', caseType: 'youth-concern', policyVersion: 'x', status: 'open', currentStep: 'receipt' }),
    ).rejects.toThrow();
    // Nor for a case started beside another that the API did not record with it.
    await expect(activities.openCompanionCase({ caseId: 'VPC-2026-NEVERREC', caseType: 'youth-concern', besideCaseId: 'VPC-2026-NEVERREC' })).rejects.toThrow();
    expect(await stack.db.prisma.case.count({ where: { id: 'VPC-2026-NEVERREC' } })).toBe(0);
  });
});
