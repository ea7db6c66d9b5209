import { condition } from '@temporalio/workflow';
import type { DeadlinePlan } from '../domain/deadlines';
import type { EscalationTarget } from '../domain/policy';

export type ScheduledEvent =
  | { kind: 'reminder'; key: string; at: string; index: number }
  | { kind: 'escalation'; key: string; at: string; level: number; target: EscalationTarget };

/**
 * One deadline's reminders and escalation ladder as a single re-datable schedule (the idea of
 * Temporal's updatable-timer sample): each `await schedule` resolves with the next event once it
 * is due, or with undefined when something woke it first: a re-date (an extension), a re-arm (an
 * acknowledgement), or the end of what it watches. Escalations climb one level at a time; after
 * the last rung they repeat when the raise said when (a policy with repeatEscalationEvery).
 */
export class TaskSchedule implements PromiseLike<ScheduledEvent | undefined> {
  #plan: DeadlinePlan;
  /** Bumped by redate(); event keys carry it, so a re-dated schedule starts fresh. */
  #version = 0;
  #wakes = 0;
  #fired = new Set<string>();
  /** The last escalation level raised under this version. */
  #level = 0;
  #repeatAt: string | undefined;
  #rearmAt: string | undefined;

  constructor(
    plan: DeadlinePlan,
    /** When what the schedule watches is over (the task ended, or the wait did). */
    readonly done: () => boolean,
  ) {
    this.#plan = plan;
  }

  get plan(): DeadlinePlan {
    return this.#plan;
  }

  /** How many times the deadline was re-dated. */
  get version(): number {
    return this.#version;
  }

  /** A new deadline: every pending timer is re-dated and the ladder starts again at its first rung. */
  redate(plan: DeadlinePlan): void {
    this.#plan = plan;
    this.#version += 1;
    this.#level = 0;
    this.#repeatAt = undefined;
    this.#rearmAt = undefined;
  }

  /** After an escalation was raised: when the ladder comes back past its last rung, if it repeats. */
  escalated(nextRepeatAt: string | undefined): void {
    this.#repeatAt = nextRepeatAt;
  }

  /** An acknowledged escalation of a task still open: the next rung comes by `at` at the latest. */
  rearm(at: string): void {
    this.#rearmAt = at;
    this.#wakes += 1;
  }

  /** The next event due, without waiting: the earliest unfired reminder or the next rung. */
  next(): ScheduledEvent | undefined {
    const v = this.#version;
    const reminders = this.#plan.reminders.map((at, i) => ({ kind: 'reminder' as const, key: `v${v}:r${i + 1}`, at, index: i + 1 }));
    return [...reminders, ...this.nextEscalation()]
      .filter((e) => !this.#fired.has(e.key))
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))[0];
  }

  private nextEscalation(): ScheduledEvent[] {
    const rungs = this.#plan.escalations;
    if (!rungs.length) return [];
    const level = this.#level + 1;
    const planned = level <= rungs.length ? rungs[level - 1].at : this.#repeatAt;
    const times = [planned, this.#rearmAt].filter((t): t is string => t !== undefined);
    if (!times.length) return [];
    const at = times.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b));
    const target = rungs[Math.min(level, rungs.length) - 1].target;
    return [{ kind: 'escalation', key: `v${this.#version}:e${level}`, at, level, target }];
  }

  private async due(): Promise<ScheduledEvent | undefined> {
    const next = this.next();
    const version = this.#version;
    const wakes = this.#wakes;
    const woken = () => this.done() || this.#version !== version || this.#wakes !== wakes;
    if (!next) {
      await condition(woken);
      return undefined;
    }
    const wait = Date.parse(next.at) - Date.now();
    if (wait > 0 && (await condition(woken, wait))) return undefined;
    this.#fired.add(next.key);
    if (next.kind === 'escalation') {
      this.#level = next.level;
      this.#repeatAt = undefined;
      this.#rearmAt = undefined;
    }
    return next;
  }

  then<A = ScheduledEvent | undefined, B = never>(
    onfulfilled?: ((value: ScheduledEvent | undefined) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): PromiseLike<A | B> {
    return this.due().then(onfulfilled, onrejected);
  }
}
