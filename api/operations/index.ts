import type { Operation } from '../operation';
import { policyOperations } from './adminPolicies';
import { registryOperations } from './adminRegistry';
import { routingOperations } from './adminRouting';
import { auditOperations } from './audit';
import { caseLifecycleOperations } from './caseLifecycle';
import { caseOperations } from './cases';
import { consentOperations } from './consents';
import { escalationOperations } from './escalations';
import { noteOperations } from './notes';
import { notificationOperations } from './notifications';
import { describeOperation, healthOperations } from './public';
import { reportOperations } from './reports';
import { taskOperations } from './tasks';
import { watchdogOperations } from './watchdog';

/** Every operation the API serves. A new route is one declaration in its resource's file (and its use-case). */
export const operations: readonly Operation[] = [
  ...healthOperations,
  describeOperation(() => operations),
  ...caseOperations,
  ...caseLifecycleOperations,
  ...consentOperations,
  ...taskOperations,
  ...noteOperations,
  ...escalationOperations,
  ...watchdogOperations,
  ...notificationOperations,
  ...reportOperations,
  ...auditOperations,
  ...policyOperations,
  ...routingOperations,
  ...registryOperations,
];
