import Holidays from 'date-holidays';
import { DateTime } from 'luxon';
import type { DeadlineRule, EscalationRule, EscalationTarget, ReminderRule, Span } from './policy';

/**
 * Deadline arithmetic in local (Europe/Stockholm) time. It runs in activities, never in
 * workflow code: the computed instants are recorded in history, so a later update of the
 * holiday library or the time-zone database cannot change a running case on replay.
 */

// Public holidays plus the de facto closed days (midsommarafton, julafton, nyårsafton).
const nonWorkingTypes = new Set(['public', 'bank']);
const holidayCache = new Map<string, Set<string>>();

function holidaysFor(calendar: string, year: number): Set<string> {
  const key = `${calendar}:${year}`;
  let days = holidayCache.get(key);
  if (!days) {
    const hd = new Holidays(calendar);
    days = new Set(
      hd
        .getHolidays(year)
        .filter((h) => nonWorkingTypes.has(h.type))
        .map((h) => h.date.slice(0, 10)),
    );
    holidayCache.set(key, days);
  }
  return days;
}

export interface CalendarOptions {
  timeZone: string;
  holidayCalendar?: string;
}

export function isWorkingDay(local: DateTime, calendar = 'SE'): boolean {
  if (local.weekday > 5) return false;
  return !holidaysFor(calendar, local.year).has(local.toISODate() ?? '');
}

function addWorkingDays(local: DateTime, days: number, calendar: string): DateTime {
  let cursor = local;
  let left = Math.round(days);
  const step = left >= 0 ? 1 : -1;
  while (left !== 0) {
    cursor = cursor.plus({ days: step });
    if (isWorkingDay(cursor, calendar)) left -= step;
  }
  return cursor;
}

/** Adds (or, with sign -1, subtracts) a span. Calendar units keep the local wall-clock time across DST. */
export function addSpan(at: Date, span: Span, opts: CalendarOptions, sign: 1 | -1 = 1): Date {
  const local = DateTime.fromJSDate(at, { zone: opts.timeZone });
  const n = span.amount * sign;
  let result: DateTime;
  switch (span.unit) {
    case 'seconds':
      return new Date(at.getTime() + n * 1000);
    case 'minutes':
      return new Date(at.getTime() + n * 60_000);
    case 'hours':
      // Hours are elapsed time: 24 hours across the spring switch is 24 real hours.
      return new Date(at.getTime() + n * 3_600_000);
    case 'calendarDays':
      result = local.plus({ days: n });
      break;
    case 'weeks':
      result = local.plus({ weeks: n });
      break;
    case 'months':
      result = local.plus({ months: n });
      break;
    case 'workingDays':
      result = addWorkingDays(local, n, opts.holidayCalendar ?? 'SE');
      break;
  }
  return result.toJSDate();
}

function atLocalTime(day: DateTime, hhmm: string): DateTime {
  const [hour, minute] = hhmm.split(':').map(Number);
  return day.set({ hour, minute, second: 0, millisecond: 0 });
}

export function computeDueAt(rule: DeadlineRule, startAt: Date, opts: CalendarOptions): Date {
  if (rule.kind === 'span') return addSpan(startAt, rule.span, opts);
  const calendar = opts.holidayCalendar ?? 'SE';
  const local = DateTime.fromJSDate(startAt, { zone: opts.timeZone });
  const cutoff = atLocalTime(local, rule.cutoffLocalTime);
  let day = local.startOf('day');
  if (!isWorkingDay(day, calendar) || local >= cutoff) {
    do day = day.plus({ days: 1 });
    while (!isWorkingDay(day, calendar));
  }
  return atLocalTime(day, rule.dueLocalTime).toJSDate();
}

export interface PlannedEscalation {
  level: number;
  target: EscalationTarget;
  at: string;
}

export interface DeadlinePlan {
  startAt: string;
  dueAt: string;
  reminders: string[];
  escalations: PlannedEscalation[];
}

/** Reminders that fall outside (start, due) are dropped: a reminder after the deadline is an escalation's job. */
export function planDeadline(args: {
  startAt: Date;
  dueAt: Date;
  reminders: ReminderRule[];
  escalation: EscalationRule[];
  calendar: CalendarOptions;
}): DeadlinePlan {
  const { startAt, dueAt, calendar } = args;
  const window = dueAt.getTime() - startAt.getTime();
  const reminderTimes = args.reminders.map((rule): number => {
    if ('atFraction' in rule) return startAt.getTime() + Math.round(window * rule.atFraction);
    if ('afterStart' in rule) return addSpan(startAt, rule.afterStart, calendar).getTime();
    if ('beforeDue' in rule) return addSpan(dueAt, rule.beforeDue, calendar, -1).getTime();
    const dueDay = DateTime.fromJSDate(dueAt, { zone: calendar.timeZone });
    return atLocalTime(dueDay, rule.atLocalTimeOnDueDay).toMillis();
  });
  const reminders = [...new Set(reminderTimes)]
    .filter((t) => t > startAt.getTime() && t < dueAt.getTime())
    .sort((a, b) => a - b)
    .map((t) => new Date(t).toISOString());
  const escalations = args.escalation.map((rule, i) => ({
    level: i + 1,
    target: rule.target,
    at: addSpan(dueAt, rule.after, calendar).toISOString(),
  }));
  return { startAt: startAt.toISOString(), dueAt: dueAt.toISOString(), reminders, escalations };
}
