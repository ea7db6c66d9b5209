import { eventually, type Stack } from './stack';

export interface TaskRow {
  taskId: string;
  stepKey: string;
  unit: string;
  status: string;
  dueAt: string;
  startedAt: string;
  legalBasis: string | null;
  consent: { agency: string; purpose: string } | null;
  withdrawnAt: string | null;
  notifications: Array<{ kind: string; status: string }>;
  escalations: Array<{ status: string; target: string }>;
}

/** The case as the API shows it. */
export async function caseView(stack: Stack, caseId: string) {
  const res = await stack.api.get(`/cases/${caseId}`).expect(200);
  return res.body as { status: string; currentStep: string; policyVersion: string; caseType: string; tasks: TaskRow[]; consents: Array<{ consentId: string; status: string }> };
}

/** Waits until the case has a task for `stepKey` (optionally with this id suffix) in `status`. */
export async function taskIn(stack: Stack, caseId: string, stepKey: string, status: string, opts: { taskId?: string; timeoutMs?: number } = {}): Promise<TaskRow> {
  return eventually(
    `${stepKey} ${status} on ${caseId}`,
    async () => (await caseView(stack, caseId)).tasks.find((t) => t.stepKey === stepKey && t.status === status && (!opts.taskId || t.taskId === opts.taskId)),
    opts.timeoutMs ?? 30_000,
  );
}

/**
 * Sends a change to a task whose row has just appeared. The row is written while the task
 * workflow is still opening, and the task answers 409 TASK_NOT_OPEN (reason `open`, "try again
 * in a moment") until the opening is done; a person would retry, and so does this.
 */
export async function onceOpened<R extends { status: number; body: { error?: { reason?: string } } }>(send: () => PromiseLike<R>): Promise<R> {
  return eventually('the task to finish opening', async () => {
    const res = await send();
    return res.status === 409 && res.body.error?.reason === 'open' ? undefined : res;
  });
}

export async function complete(stack: Stack, taskId: string, outcome: string): Promise<void> {
  await stack.api.post(`/tasks/${taskId}/complete`).set('X-Actor-Id', 'handlaggare-1').send({ outcome }).expect(200);
}

export async function giveConsent(
  stack: Stack,
  caseId: string,
  body: { personRole: 'subject' | 'guardian'; receivingAgency: string; purpose: string; personName?: string; expiresAt?: string },
): Promise<string> {
  const res = await stack.api.post(`/cases/${caseId}/consents`).set('X-Actor-Id', 'coordinator-1').send(body).expect(201);
  return res.body.consentId as string;
}
