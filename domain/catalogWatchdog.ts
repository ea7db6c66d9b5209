// The catalog's watchdog screen (part of sv in domain/catalog.ts): Bevakning (web/views/watchdog.tsx).
import type { WatchdogKind } from './watchdog';

const plural = new Intl.PluralRules('sv');

/** "1,2 s" / "340 ms": how long a sweep took. */
function sweepDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1).replace('.', ',')} s`;
}

/** Spread into sv; import sv from domain/catalog, never this file. */
export const watchdogStrings = {
  watchdog: {
    title: 'Bevakning',
    intro:
      'Bevakningen kontrollerar med några minuters mellanrum att varje ärende, uppgift och eskalering med en tidsfrist fortfarande drivs av något: ett arbetsflöde som körs, en e-postadress som tar emot eller en person som har kvitterat. Det som har tystnat visas här tills det är åtgärdat. Bevakningen rättar ingenting själv.',
    introAdmin: 'Som administratör ser du bevakningens körningar. Fynden visas för samordnare och arbetsledare.',
    onlyYourUnits: 'Du ser fynd om dina enheters uppgifter, eskaleringar och adresser. Fynd om ett helt ärende visas för samordnarna.',
    filters: 'Filtrera fynden',
    status: 'Status',
    statuses: { open: 'Öppna fynd', resolved: 'Åtgärdade fynd', all: 'Alla fynd' } as const,
    kind: 'Slag av fynd',
    anyKind: 'Alla slag',
    unit: 'Enhet',
    anyUnit: 'Alla enheter',
    apply: 'Visa',
    /** "1 öppet fynd" / "3 öppna fynd" / "10000+ fynd" (fynd is neuter: the adjective follows the number). */
    findingsHeading: (status: 'open' | 'resolved' | 'all', n: number, capped: boolean) => {
      const one = plural.select(n) === 'one' && !capped;
      const adjective = status === 'open' ? (one ? 'öppet ' : 'öppna ') : status === 'resolved' ? (one ? 'åtgärdat ' : 'åtgärdade ') : '';
      return `${n}${capped ? '+' : ''} ${adjective}fynd`;
    },
    caption: 'Fynd, äldst först',
    none: { open: 'Inga öppna fynd. Allt som bevakas drivs av något.', resolved: 'Inga åtgärdade fynd.', all: 'Inga fynd.' } as const,
    colKind: 'Vad som har tystnat',
    colSince: 'Sedan',
    colLastSeen: 'Senast sett',
    colResolved: 'Åtgärdat',
    colUnit: 'Enhet',
    colConcerns: 'Gäller',
    colDetail: 'Teknisk uppgift',
    stillOpen: 'Öppet',
    wholeCase: 'Hela ärendet (samordnarna)',
    taskLink: (caseId: string) => `Uppgiften i ${caseId}`,
    caseLink: (caseId: string) => `Ärende ${caseId}`,
    nothingToLink: '–',
    detailNote: 'Den tekniska uppgiften är bevakningens egen text, på engelska, för driften.',
    pages: 'Sidor med fynd',
    runPages: 'Sidor med körningar',
    previous: 'Föregående sida',
    next: 'Nästa sida',
    showing: (first: number, last: number) => `Visar ${first}–${last}.`,
    tooMany: 'Fler fynd finns än som går att bläddra fram här. Begränsa med slag eller enhet.',
    kindsHeading: 'Vad fynden betyder',
    /** One Swedish name per kind the domain defines (domain/watchdog.ts): a missing one does not compile. */
    kinds: {
      'case-workflow-not-running': 'Ärendets arbetsflöde körs inte',
      'task-workflow-not-running': 'Uppgiftens arbetsflöde körs inte',
      'escalation-missing': 'Försenad uppgift har inte eskalerats',
      'case-stuck-starting': 'Ärendet har inte kommit igång',
      'unit-unreachable': 'Enheten saknar en e-postadress',
      'unit-mail-failing': 'E-post till enheten går inte fram',
      'escalation-unacknowledged': 'Eskaleringen har inte kvitterats',
    } satisfies Record<WatchdogKind, string>,
    /** What each kind means for the people responsible, and who acts on it. */
    kindHelp: {
      'case-workflow-not-running':
        'Ärendet är öppet men ingenting driver dess tidsfrister. Driften tar reda på varför, och en administratör startar om ärendet.',
      'task-workflow-not-running':
        'Uppgiften är öppen men ingenting driver dess tidsfrist, påminnelser eller eskaleringar. En administratör startar om ärendet; håll under tiden själv koll på fristen.',
      'escalation-missing':
        'Fristen har passerat utan att arbetsledaren fick någon eskalering. Driften felsöker; säg under tiden till enhetens arbetsledare själv.',
      'case-stuck-starting': 'Ärendet registrerades men har inte startat. Driften kontrollerar att systemet tar emot arbete.',
      'unit-unreachable':
        'Enheten har öppna uppgifter men saknar inkorgens, arbetsledarens eller enhetschefens adress, så påminnelser och eskaleringar når ingen. Administratören fyller i adressen i registret.',
      'unit-mail-failing': 'E-post till en av enhetens adresser kommer inte fram. Den skickas igen av sig själv när mottagaren tar emot den.',
      'escalation-unacknowledged':
        'En eskalering har väntat länge på kvittering. Arbetsledaren kvitterar den eller förlänger fristen; är arbetsledaren borta, enhetschefen.',
    } satisfies Record<WatchdogKind, string>,
    runs: 'Bevakningens körningar',
    runsIntro: 'Varje körning lämnar ett spår: när den gick, hur länge, vad den kontrollerade och vad den hittade. Senaste först.',
    runsCaption: 'Körningar, senaste först',
    noRuns: 'Bevakningen har inte körts ännu.',
    colStarted: 'Startade',
    colDuration: 'Körtid',
    colCases: 'Ärenden',
    colTasks: 'Uppgifter',
    colEscalations: 'Eskaleringar',
    colUnits: 'Enheter',
    colOpened: 'Nya fynd',
    colResolvedCount: 'Åtgärdade fynd',
    colOpenAfter: 'Öppna efter',
    duration: sweepDuration,
    /** On Översikt: the supervisor's way to the page. */
    overviewHeading: 'Bevakning',
    overviewOpen: (n: number, capped: boolean) => `Bevakningen har ${n}${capped ? '+' : ''} ${plural.select(n) === 'one' && !capped ? 'öppet fynd' : 'öppna fynd'} som du ser.`,
    overviewNone: 'Bevakningen har inga öppna fynd som du ser.',
    overviewLink: 'Till bevakningen',
  },
};
