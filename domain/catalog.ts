/**
 * Every string a person reads, in Swedish, in one typed catalog: the web app's pages and the
 * emails the worker sends. Codes the API answers (steps, outcomes, statuses, units) are named
 * here; an unknown code shows as itself. sv is one object, composed from its parts beside this
 * file (catalogPages, catalogAdmin with catalogPublish, catalogCase, catalogCodes, catalogEmail,
 * catalogWatchdog); import from here only.
 */
import { adminStrings } from './catalogAdmin';
import { caseStrings } from './catalogCase';
import { codeNames } from './catalogCodes';
import { emailStrings } from './catalogEmail';
import { pageStrings } from './catalogPages';
import { watchdogStrings } from './catalogWatchdog';

const plural = new Intl.PluralRules('sv');

/** "1 uppgift" / "3 uppgifter", chosen by Intl.PluralRules('sv'). */
export function count(n: number, forms: { one: string; other: string }): string {
  return `${n} ${plural.select(n) === 'one' ? forms.one : forms.other}`;
}

export const sv = {
  appName: 'samverkan',
  ...pageStrings,
  ...adminStrings,
  ...caseStrings,
  ...codeNames,
  ...emailStrings,
  ...watchdogStrings,
  /** The benchmark's charts (bench/charts.ts): titles, axis titles with their units, series names. */
  benchCharts: {
    latenessTitle: 'Försening för 10 kontrolltidsfrister när antalet öppna ärenden växer',
    burstTitle: 'Skurens försening mot rå Temporal, samma server och körning',
    memoryTitle: 'Workerns minne när antalet öppna ärenden växer',
    openCases: 'öppna ärenden',
    deadlinesInBurst: 'tidsfrister i skuren',
    p99LatenessMs: 'p99 försening (ms)',
    workerRssMiB: 'workerns RSS (MiB)',
    samverkan: 'samverkan',
    rawTemporal: 'rå Temporal (timer och en aktivitet)',
    goal: (seconds: number) => `mål: ${String(seconds).replace('.', ',')} s`,
    cacheBound: (workflows: number) => `cachegräns: ${workflows} arbetsflöden`,
    sdkDefaultBound: (workflows: number) => `SDK:ns standard: ${workflows} arbetsflöden`,
    run: (n: number) => `körning ${n}`,
  },
} as const;

/** A code's Swedish name from one of the catalog's tables, or the code itself when it has none. */
/** The catalog's name for a code when it has one, else `fallback` (e.g. the registry's own name for an agency an admin added). */
export function namedOr(table: Record<string, string>, code: string, fallback: string): string {
  return Object.hasOwn(table, code) ? table[code] : fallback;
}

export function named(table: Record<string, string>, code: string | null | undefined): string {
  if (!code) return '–';
  // Own keys only: a code such as "constructor" (a valid outcome code) must not reach Object's prototype.
  return Object.hasOwn(table, code) ? table[code] : code;
}

// ---- Swedish texts for what casework operations show a person ------------------------------

/** Why a case closed, as the staff read it (domain/caseClosing.ts closeReasons, and the steps' own). */
export const closeReasonText: Record<string, string> = {
  completed: 'Avslutat: insatserna är genomförda',
  declined: 'Avslutat: personen tackade nej',
  duplicate: 'Avslutat: dubblett av ett annat ärende',
  'moved-away': 'Avslutat: personen har flyttat från kommunen',
  'referred-elsewhere': 'Avslutat: hänvisat till annan aktör',
  'no-consent': 'Avslutat: samtycke saknas',
  'not-motivated': 'Avslutat: personen är inte motiverad',
};

/** Who holds a task, and how it moved (task_assignment.action). */
export const assignmentText: Record<'claimed' | 'released' | 'assigned' | 'reassigned', string> = {
  claimed: 'Tog uppgiften',
  released: 'Lämnade tillbaka uppgiften till enheten',
  assigned: 'Tilldelade uppgiften',
  reassigned: 'Flyttade uppgiften till en annan enhet',
};

/** Why a closed case cannot be reopened (CASE_NOT_REOPENABLE's reason). */
export const reopenRefusalText: Record<'open' | 'pseudonymised' | 'period-passed' | 'step' | 'reopening' | 'closing', string> = {
  open: 'Ärendet är inte avslutat.',
  pseudonymised: 'Personuppgifterna är gallrade; registrera en ny anmälan.',
  'period-passed': 'Ärendet avslutades för länge sedan för att kunna återöppnas.',
  step: 'Ärendet kan inte återöppnas från det steget.',
  reopening: 'Ärendet håller redan på att återöppnas.',
  closing: 'Ärendet håller fortfarande på att avslutas; försök igen om en stund.',
};

/**
 * The protected-identity marker (skyddade personuppgifter), on every view and email of such a
 * case. It names no person and no place, so it may go anywhere the case reference goes.
 */
export const protectedIdentityMarker =
  'Skyddade personuppgifter: hantera ärendet endast genom skyddade kanaler. Skicka ingen post och gör inga besök utan samordnarens besked.';
