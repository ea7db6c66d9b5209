// The catalog's emails (part of sv in domain/catalog.ts): to units about their tasks, and the watchdog's to the operations unit.

/** Spread into sv; import sv from domain/catalog, never this file. */
export const emailStrings = {
  /** Emails to units (activities/email.ts). They carry ids, a step, a date and a link; never personal data. */
  email: {
    headlines: {
      assigned: () => 'Ny uppgift för er enhet',
      reminder: () => 'Påminnelse: tidsfristen närmar sig',
      escalation: (level: number) => `Tidsfristen har passerats: eskalering nivå ${level}`,
      extended: () => 'Tidsfristen har förlängts',
      'waiting-for-consent': () => 'Uppgiften väntar på samtycke',
      withdrawn: () => 'Uppgiften har dragits tillbaka: samtycket omfattar inte längre er enhet',
      'consent-expired': () => 'Samtycket har löpt ut: en uppgift drogs tillbaka',
      closed: () => 'Uppgiften avslutades med ärendet',
      reassigned: () => 'Uppgiften har flyttats till er enhet',
    },
    case: 'Ärende',
    step: 'Steg',
    due: 'Tidsfrist',
    open: 'Öppna',
    noPersonalData: 'Meddelandet innehåller inga personuppgifter. Logga in i samverkan för att se ärendet.',
  },
  /** The watchdog's email to the operations unit (activities/watchdogEmail.ts). */
  watchdogEmail: {
    subjectPrefix: 'bevakning',
    headlines: {
      'case-workflow-not-running': 'Ett öppet ärende saknar arbetsflöde som körs',
      'task-workflow-not-running': 'En öppen uppgift saknar arbetsflöde som körs',
      'escalation-missing': 'En passerad tidsfrist eskalerades inte',
      'case-stuck-starting': 'Ett ärende har inte startat',
      'unit-unreachable': 'En enhet med öppna uppgifter saknar adress',
      'unit-mail-failing': 'E-post till en enhets adress går inte fram',
      'escalation-unacknowledged': 'En eskalering har inte kvitterats',
    },
    kind: 'Typ',
    case: 'Ärende',
    task: 'Uppgift',
    unit: 'Enhet',
    found: 'Iakttaget',
    firstSeen: 'Först sedd',
    open: 'Öppna',
    noPersonalData: 'Meddelandet innehåller inga personuppgifter. README-avsnittet "The watchdog" beskriver hur en iakttagelse besvaras.',
  },
} as const;
