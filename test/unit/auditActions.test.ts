import { operations } from '../../api/operations';
import { sv } from '../../domain/catalog';
import { actionChoices, actionLabel } from '../../web/views/audit';

describe('the audit actions by name', () => {
  it('when an operation is declared, then its audit action has a Swedish name in the catalog', () => {
    const unnamed = [...new Set(operations.map((op) => op.auditAction))].filter((action) => actionLabel(action) === undefined);
    expect(unnamed).toEqual([]);
  });

  it('when the web app, the codec server or a refusal writes a row of its own, then that action has a name too', () => {
    // These rows are written outside the operations (web/kit.tsx, web/app.tsx, api/codecServer.ts, api/refusalAudit.ts).
    const own = ['page.view', 'session.start', 'session.end', 'codec.decode', 'codec.encode', 'request.refused', 'audit.suppressed'];
    expect(own.filter((action) => actionLabel(action) === undefined)).toEqual([]);
  });

  it('when an action is named, then its name is Swedish text, not its code', () => {
    const odd = Object.entries(sv.auditActions).filter(([code, label]) => label.trim() === '' || label === code || !/^[A-ZÅÄÖ][a-zåäöé]+( [\p{L}()-]+)*$/u.test(label));
    expect(odd).toEqual([]);
  });

  it('when the filter lists the actions, then they come by name in Swedish order, each once', () => {
    const choices = actionChoices('');
    expect(choices.map((c) => c.label)).toEqual(Object.values(sv.auditActions).sort((a, b) => a.localeCompare(b, 'sv')));
    expect(new Set(choices.map((c) => c.code)).size).toBe(choices.length);
    // Swedish order puts Å, Ä and Ö after Z.
    const labels = choices.map((c) => c.label);
    expect(labels.indexOf('Återkallade ett samtycke')).toBeGreaterThan(labels.indexOf('Visade en sida'));
  });

  it('when a link carries a code without a name, then the filter keeps it as its own choice; a prototype key is no name', () => {
    expect(actionChoices('legacy.thing').at(-1)).toEqual({ code: 'legacy.thing', label: 'legacy.thing' });
    expect(actionChoices('case.read').filter((c) => c.code === 'case.read')).toHaveLength(1);
    expect(actionLabel('toString')).toBeUndefined();
    expect(actionLabel('case.read')).toBe('Läste ärendet');
  });
});
