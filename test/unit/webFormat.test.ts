import { duration, formatDateTime, fromLocalInput, toLocalInput } from '../../web/format';
import { count, named, namedOr, sv } from '../../domain/catalog';

describe('the web app formats dates and counts in Swedish, in Stockholm time', () => {
  it('when a date is typed in winter or summer, then it is read as Stockholm time (CET, CEST)', () => {
    expect(fromLocalInput('2026-01-15T16:00')).toBe('2026-01-15T15:00:00.000Z');
    expect(fromLocalInput('2026-07-01T08:30')).toBe('2026-07-01T06:30:00.000Z');
    expect(fromLocalInput('2026-07-01')).toBe('2026-06-30T22:00:00.000Z');
    expect(fromLocalInput('1 juli')).toBeUndefined();
  });

  it('when an instant is shown in a form, then typing it back gives the same instant', () => {
    for (const iso of ['2026-03-29T00:30:00.000Z', '2026-10-25T02:15:00.000Z', '2026-12-02T09:00:00.000Z']) {
      expect(fromLocalInput(toLocalInput(iso))).toBe(iso);
    }
  });

  it('when an instant is shown, then it is in Swedish and in Stockholm time', () => {
    expect(formatDateTime('2026-12-02T15:00:00.000Z')).toBe('2 dec. 2026 16:00');
  });

  it('when counting, then Swedish plurals are chosen by Intl.PluralRules', () => {
    expect(count(1, { one: 'uppgift', other: 'uppgifter' })).toBe('1 uppgift');
    expect(count(0, { one: 'uppgift', other: 'uppgifter' })).toBe('0 uppgifter');
    expect(duration(90_000)).toBe('1 dag');
    expect(duration(7_200)).toBe('2 timmar');
    expect(duration(1)).toBe('1 sekund');
  });
});

describe('codes named from the catalog', () => {
  it("when a code is in the catalog, then its Swedish name is shown; when it is not, or is one of Object's own names, then the code itself", () => {
    expect(named(sv.outcomes, 'no-immediate-risk')).toBe('Inget omedelbart skyddsbehov');
    expect(named(sv.outcomes, 'utredning-klar')).toBe('utredning-klar');
    expect(named(sv.outcomes, 'constructor')).toBe('constructor');
    expect(named(sv.outcomes, 'toString')).toBe('toString');
    expect(named(sv.outcomes, null)).toBe('–');
  });

  it("when an agency an admin added has a code the catalog does not name, even one of Object's own names, then the registry's name is used", () => {
    expect(namedOr(sv.agencies, 'police', 'Polisen i registret')).toBe(sv.agencies.police);
    expect(namedOr(sv.agencies, 'constructor', 'Kommunens bygglov')).toBe('Kommunens bygglov');
  });
});
