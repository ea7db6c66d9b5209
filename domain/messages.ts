import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import type { PolicyDocument, StepPolicy } from './policy';

/**
 * Messages shared by the API and the workflows. Each takes one input object whose type is
 * derived from its zod schema; the workflows' update validators parse with the same schemas,
 * so bad input is rejected before it reaches history.
 */

const actorSchema = z.string().trim().min(1).max(128);
const isoInstant = z.iso.datetime({ offset: true });

export const completeTaskInputSchema = z
  .object({
    outcome: z.string().min(1).max(64),
    note: z.string().max(4000).optional(),
    actor: actorSchema,
  })
  .strict();
export type CompleteTaskInput = z.infer<typeof completeTaskInputSchema>;

export const extendDeadlineInputSchema = z
  .object({
    newDueAt: isoInstant,
    justification: z.string().trim().min(10, 'a written justification of at least 10 characters is required').max(4000),
    actor: actorSchema,
  })
  .strict();
export type ExtendDeadlineInput = z.infer<typeof extendDeadlineInputSchema>;

export const acknowledgeEscalationInputSchema = z
  .object({
    escalationId: z.string().min(1).max(200),
    note: z.string().max(4000).optional(),
    actor: actorSchema,
  })
  .strict();
export type AcknowledgeEscalationInput = z.infer<typeof acknowledgeEscalationInputSchema>;

export type TaskStatus = 'open' | 'completed';
export type EscalationStatus = 'open' | 'acknowledged' | 'resolved';

export interface EscalationView {
  id: string;
  level: number;
  target: string;
  status: EscalationStatus;
  raisedAt: string;
}

export interface ExtensionView {
  sequence: number;
  previousDueAt: string;
  newDueAt: string;
  justification: string;
  extendedBy: string;
}

export interface TaskView {
  taskId: string;
  caseId: string;
  stepKey: string;
  unitCode: string;
  status: TaskStatus;
  startedAt: string;
  dueAt: string;
  originalDueAt: string;
  outcome?: string;
  completedBy?: string;
  completedAt?: string;
  extensions: ExtensionView[];
  escalations: EscalationView[];
}

export const completeTaskUpdate = defineUpdate<TaskView, [CompleteTaskInput]>('completeTask');
export const extendDeadlineUpdate = defineUpdate<TaskView, [ExtendDeadlineInput]>('extendDeadline');
export const acknowledgeEscalationUpdate = defineUpdate<EscalationView, [AcknowledgeEscalationInput]>(
  'acknowledgeEscalation',
);
export const getTaskQuery = defineQuery<TaskView>('getTask');

export interface CaseStateView {
  caseId: string;
  caseType: string;
  policyVersion: string;
  status: 'open' | 'closed';
  currentStep: string;
  completedSteps: Array<{ stepKey: string; outcome: string }>;
}
export const getCaseStateQuery = defineQuery<CaseStateView>('getCaseState');

/** Input of the task-with-deadline engine: everything it needs, snapshotted from the policy. */
export interface TaskWorkflowInput {
  taskId: string;
  caseId: string;
  stepKey: string;
  step: StepPolicy;
  policyVersion: string;
  timeZone: string;
}

export interface TaskResult {
  taskId: string;
  stepKey: string;
  outcome: string;
  completedBy: string;
  completedAt: string;
}

/**
 * Case workflows carry no personal data: the subject's details stay in PostgreSQL.
 * Routing attributes (age, suspicion) are facts the process needs, not identities.
 */
export interface CaseWorkflowInput {
  caseId: string;
  policy: PolicyDocument;
  receivedAt: string;
}

export interface CaseResult {
  caseId: string;
  status: 'closed';
  steps: Array<{ stepKey: string; outcome: string }>;
}
