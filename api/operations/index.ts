import type { Operation } from '../operation';
import { policyOperations } from './adminPolicies';
import { registryOperations } from './adminRegistry';
import { routingOperations } from './adminRouting';
import { auditOperations } from './audit';
import { caseLifecycleOperations } from './caseLifecycle';
import { caseOperations } from './cases';
import { caseSearchOperations } from './caseSearch';
import { consentOperations } from './consents';
import { escalationOperations } from './escalations';
import { noteOperations } from './notes';
import { notificationOperations } from './notifications';
import { peopleOperations } from './people';
import { describeOperation, healthOperations } from './public';
import { reportOperations } from './reports';
import { subjectOperations } from './subject';
import { taskOperations } from './tasks';
import { watchdogOperations } from './watchdog';

/** Every operation the API serves. A new route is one declaration in its resource's file (and its use-case). */
export const operations: readonly Operation[] = [
  ...healthOperations,
  describeOperation(() => operations),
  ...caseOperations,
  ...caseLifecycleOperations,
  ...subjectOperations,
  ...caseSearchOperations,
  ...consentOperations,
  ...taskOperations,
  ...peopleOperations,
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
