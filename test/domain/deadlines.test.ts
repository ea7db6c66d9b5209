import { addSpan, computeDueAt, isWorkingDay } from '../../domain/deadlines';
import { DateTime } from 'luxon';

const sthlm = { timeZone: 'Europe/Stockholm' };
const at = (iso: string) => new Date(iso);

describe('deadline arithmetic in Europe/Stockholm', () => {
  it('when working days span Easter and the switch to summer time, then holidays are skipped and the local time is kept', () => {
    // Fri 27 March 2026 10:00 CET; summer time starts Sun 29 March; Good Friday 3 April and Easter Monday 6 April.
    const due = addSpan(at('2026-03-27T10:00:00+01:00'), { amount: 5, unit: 'workingDays' }, sthlm);
    // Mon 30, Tue 31, Wed 1, Thu 2, (Fri 3, Mon 6 holidays), Tue 7 April at 10:00 CEST.
    expect(due.toISOString()).toBe('2026-04-07T08:00:00.000Z');
  });

  it('when a same-day step is received after the cut-off before Christmas, then it is due on the next working day', () => {
    // Wed 23 Dec 16:00: julafton (24th) is a de facto closed day, 25th and 26th are public holidays, 27th is Sunday.
    const due = computeDueAt({ kind: 'sameWorkingDay', cutoffLocalTime: '15:00', dueLocalTime: '17:00' }, at('2026-12-23T16:00:00+01:00'), sthlm);
    expect(due.toISOString()).toBe('2026-12-28T16:00:00.000Z');
  });

  it('when a same-day step is received late on the Friday before the switch to summer time, then it is due Monday 17:00 summer time', () => {
    const rule = { kind: 'sameWorkingDay' as const, cutoffLocalTime: '15:00', dueLocalTime: '17:00' };
    expect(computeDueAt(rule, at('2026-03-27T10:00:00+01:00'), sthlm).toISOString()).toBe('2026-03-27T16:00:00.000Z');
    expect(computeDueAt(rule, at('2026-03-27T16:00:00+01:00'), sthlm).toISOString()).toBe('2026-03-30T15:00:00.000Z');
  });

  it('when a day is added across the switch back to winter time, then calendar days keep the wall clock and hours stay elapsed time', () => {
    const start = at('2026-10-24T12:00:00+02:00'); // Saturday; winter time from Sunday 25 October 03:00
    expect(addSpan(start, { amount: 1, unit: 'calendarDays' }, sthlm).toISOString()).toBe('2026-10-25T11:00:00.000Z'); // 12:00 CET
    expect(addSpan(start, { amount: 24, unit: 'hours' }, sthlm).toISOString()).toBe('2026-10-25T10:00:00.000Z'); // 11:00 CET
  });

  it('when the Swedish calendar is asked, then holidays come from date-holidays and ordinary weekdays are working days', () => {
    const day = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Stockholm' });
    expect(isWorkingDay(day('2026-06-19'))).toBe(false); // midsommarafton
    expect(isWorkingDay(day('2026-06-06'))).toBe(false); // national day (a Saturday too)
    expect(isWorkingDay(day('2026-05-14'))).toBe(false); // Ascension Day
    expect(isWorkingDay(day('2026-05-13'))).toBe(true);
    expect(addSpan(at('2026-01-31T09:00:00+01:00'), { amount: 1, unit: 'months' }, sthlm).toISOString()).toBe('2026-02-28T08:00:00.000Z');
  });
});
