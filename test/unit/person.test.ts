import { renderEmail } from '../../activities/email';
import { birthDateOf } from '../../api/useCases/readSubject';
import { protectedIdentityMarker } from '../../domain/catalog';

const facts = {
  kind: 'assigned' as const,
  caseId: 'VPC-2026-ABCDEFGH',
  taskId: 'VPC-2026-ABCDEFGH.protection-assessment',
  stepTitle: 'Protection assessment',
  dueAt: new Date('2026-12-02T12:00:00Z'),
  appBaseUrl: 'http://samverkan.test',
  timeZone: 'Europe/Stockholm',
};

describe('the person: pure parts', () => {
  it('when a case is protected identity, then its email opens with the marker; otherwise the email has none', () => {
    expect(renderEmail({ ...facts, protectedIdentity: true }).text.startsWith(protectedIdentityMarker)).toBe(true);
    expect(renderEmail(facts).text).not.toContain(protectedIdentityMarker);
  });

  it('when a birth date is read from a personnummer, then a samordningsnummer gives its day less 60', () => {
    expect(birthDateOf('201103122386')).toBe('2011-03-12');
    expect(birthDateOf('201103722383')).toBe('2011-03-12');
    expect(birthDateOf('not a number')).toBeNull();
  });
});
