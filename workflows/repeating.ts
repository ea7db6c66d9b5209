import { sleep } from '@temporalio/workflow';
import type { CaseWorkflowInput, TaskResult } from '../domain/messages';
import type { Span } from '../domain/policy';
import { act } from './activityProxies';
import type { CaseCarry, createCaseKit } from './caseKit';
import { stepKebab } from './caseSteps';

type CaseKit = ReturnType<typeof createCaseKit>;

export interface RepeatOptions {
  stepKey: string;
  /** The gap before each occurrence (in local time); none: the next opens when the last is done. */
  interval?: Span;
  /** Continue as new after this many occurrences, so a case running for years keeps a bounded history. */
  perRun: number;
  /** Occurrences so far (their task ids end in -1, -2, …). */
  cycle: number;
  /** The occurrence done last, if any: its clock may count from it. */
  last?: TaskResult;
  /** Whether an occurrence's outcome asks for another. */
  again: (result: TaskResult) => boolean;
  /** Nothing else runs in this run: hand over now (tracks and tasks beside the steps would be cut short). */
  mayHandOver: () => boolean;
  handOver: (cycle: number, last?: TaskResult) => Promise<never>;
}

/** A step repeated (SIG reviews, exit and youth-concern follow-ups) until an outcome asks for no more. */
export async function repeatStep(kit: CaseKit, timeZone: string, opts: RepeatOptions): Promise<void> {
  const label = stepKebab(opts.stepKey);
  let { cycle, last } = opts;
  for (let inThisRun = 0; ; inThisRun++) {
    // Hand over before the next wait: the new run starts with only what it needs.
    if (inThisRun >= opts.perRun && opts.mayHandOver()) return opts.handOver(cycle, last);
    if (opts.interval) {
      kit.state.currentStep = `waiting-for-${label}`;
      await kit.progress('open', `waiting-for-${label}`);
      // The next date in local time (months keep the wall-clock day), computed by an activity.
      const nextAt = await act.addSpan({ from: new Date().toISOString(), span: opts.interval, timeZone });
      await sleep(Math.max(0, Date.parse(nextAt) - Date.now()));
    }
    cycle += 1;
    await kit.progress('open', label);
    last = await kit.runStep(opts.stepKey, { idSuffix: `-${cycle}`, after: last });
    if (!opts.again(last)) return;
  }
}

/**
 * A voluntary programme's repeated step (SIG reviews, exit follow-ups): every `intervals[stepKey]`
 * until one is completed with "close-case"; continues as new every `cyclesPerRun`.
 */
export function repeatUntilClosed(
  kit: CaseKit,
  input: CaseWorkflowInput & { carry?: CaseCarry },
  stepKey: string,
  handOver: (carry: CaseCarry) => Promise<never>,
): Promise<void> {
  const interval = input.policy.intervals?.[stepKey];
  if (!interval) throw new Error(`policy lacks intervals.${stepKey}`); // the API refuses such policies
  return repeatStep(kit, input.policy.timeZone, {
    stepKey,
    interval,
    perRun: input.policy.cyclesPerRun ?? 4,
    cycle: input.carry?.cycle ?? 0,
    again: (result) => result.outcome !== 'close-case',
    mayHandOver: kit.idle,
    handOver: (cycle) => handOver(kit.carryOver(cycle)),
  });
}
