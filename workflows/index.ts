// Every workflow type the worker registers. Renaming or removing one breaks running cases.
export { taskWorkflow } from './task';
export { youthConcernCase } from './youthConcern';
export { retentionSweep } from './retentionSweep';
export { socialInterventionGroupCase } from './socialInterventionGroup';
export { exitProgrammeCase } from './exitProgramme';
export { triageCase } from './triage';
export { watchdogSweep } from './watchdogSweep';
