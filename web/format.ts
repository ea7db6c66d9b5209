import { count } from '../domain/catalog';

/** The one place dates become text: Swedish, in Europe/Stockholm, whatever the server's zone. */
const dateTime = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' });
const localParts = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Stockholm',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

export function formatDateTime(iso: string | Date): string {
  return dateTime.format(typeof iso === 'string' ? new Date(iso) : iso);
}

export function formatDate(iso: string | Date): string {
  return dateOnly.format(typeof iso === 'string' ? new Date(iso) : iso);
}

/** The value of an <input type="datetime-local"> showing this instant in Stockholm time. */
export function toLocalInput(iso: string | Date): string {
  const parts = Object.fromEntries(localParts.formatToParts(typeof iso === 'string' ? new Date(iso) : iso).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** An <input type="datetime-local"> value read as Stockholm time, as an ISO instant; undefined when it is not a date. */
export function fromLocalInput(value: string | undefined): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/.exec(value ?? '');
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00'] = m;
  const asUtc = Date.UTC(+y, +mo - 1, +d, +h, +mi);
  // Stockholm's offset (CET or CEST) at the instant meant: guessed from the wall time read as UTC,
  // then taken again at the guess, which is right on both sides of a daylight-saving switch.
  const offsetAt = (instant: number) => fromParts(localParts.formatToParts(new Date(instant))) - instant;
  const guess = asUtc - offsetAt(asUtc);
  return new Date(asUtc - offsetAt(guess)).toISOString();
}

function fromParts(parts: Intl.DateTimeFormatPart[]): number {
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute);
}

/** How long, in words: "3 dagar", "2 timmar", "5 minuter", "40 sekunder". */
export function duration(seconds: number): string {
  if (seconds >= 86_400) return count(Math.floor(seconds / 86_400), { one: 'dag', other: 'dagar' });
  if (seconds >= 3_600) return count(Math.floor(seconds / 3_600), { one: 'timme', other: 'timmar' });
  if (seconds >= 60) return count(Math.floor(seconds / 60), { one: 'minut', other: 'minuter' });
  return count(seconds, { one: 'sekund', other: 'sekunder' });
}

/**
 * A typed day (YYYY-MM-DD) as the instant it begins in Stockholm, `days` later (1: the day after);
 * undefined when there is no such day (2026-02-30, 26-3-1).
 */
export function stockholmDayStart(value: string, days = 0): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return undefined;
  const day = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  if (day.toISOString().slice(0, 10) !== value) return undefined;
  day.setUTCDate(day.getUTCDate() + days);
  return fromLocalInput(day.toISOString().slice(0, 10));
}
