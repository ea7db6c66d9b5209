import { consentInForce, type ConsentFact, type ConsentQuestion } from '../../domain/consent';

const now = Date.parse('2026-12-02T10:00:00Z');
const at = (h: number) => new Date(now + h * 3_600_000).toISOString();
const fact = (over: Partial<ConsentFact>): ConsentFact => ({ personRole: 'subject', agency: 'police', purpose: 'sig', status: 'given', givenAt: at(-5), ...over });
const ask = (over: Partial<ConsentQuestion> = {}): ConsentQuestion => ({ agency: 'police', purpose: 'sig', subjectIsMinor: false, now, ...over });

describe('the consent rule', () => {
  it('when an adult subject has consented to that agency and purpose, then sharing is in force since the consent', () => {
    expect(consentInForce([fact({})], ask())).toEqual({ inForce: true, since: at(-5) });
  });

  it('when consent was given for another purpose or agency, then it never covers this one', () => {
    expect(consentInForce([fact({ purpose: 'exit' }), fact({ agency: 'school' })], ask())).toEqual({ inForce: false, reason: 'no-consent' });
  });

  it('when the consent is withdrawn or has expired, then it is not in force, and the reason says which', () => {
    expect(consentInForce([fact({ status: 'withdrawn' })], ask())).toEqual({ inForce: false, reason: 'withdrawn' });
    expect(consentInForce([fact({ expiresAt: at(-1) })], ask())).toEqual({ inForce: false, reason: 'expired' });
    expect(consentInForce([fact({ expiresAt: at(1) })], ask()).inForce).toBe(true);
  });

  it('when the subject refused, then the answer is a refusal until a later consent replaces it', () => {
    expect(consentInForce([fact({ status: 'refused', givenAt: at(-2) })], ask())).toEqual({ inForce: false, reason: 'refused' });
    expect(consentInForce([fact({ status: 'refused', givenAt: at(-2) }), fact({ givenAt: at(-1) })], ask()).inForce).toBe(true);
    // A consent older than the refusal does not outweigh it.
    expect(consentInForce([fact({ givenAt: at(-3) }), fact({ status: 'refused', givenAt: at(-2) })], ask())).toEqual({ inForce: false, reason: 'refused' });
  });

  describe('for a minor', () => {
    const minor = (over: Partial<ConsentQuestion> = {}) => ask({ subjectIsMinor: true, ...over });

    it('when only the subject consented, then a guardian is missing', () => {
      expect(consentInForce([fact({})], minor())).toEqual({ inForce: false, reason: 'guardian-missing' });
    });

    it('when the case records two guardians and the rule is all-registered (the default), then one guardian is not enough', () => {
      const one = [fact({}), fact({ personRole: 'guardian', givenAt: at(-4) })];
      expect(consentInForce(one, minor({ registeredGuardians: 2 }))).toEqual({ inForce: false, reason: 'guardian-missing' });
      expect(consentInForce(one, minor({ registeredGuardians: 2, guardianRule: 'all-registered' })).inForce).toBe(false);
      const both = [...one, fact({ personRole: 'guardian', givenAt: at(-3) })];
      expect(consentInForce(both, minor({ registeredGuardians: 2 }))).toEqual({ inForce: true, since: at(-3) });
    });

    it('when the policy says one guardian, then one is enough whatever the count', () => {
      expect(consentInForce([fact({}), fact({ personRole: 'guardian' })], minor({ registeredGuardians: 2, guardianRule: 'one' })).inForce).toBe(true);
    });

    it('when the case records no count, then one guardian is needed', () => {
      expect(consentInForce([fact({}), fact({ personRole: 'guardian' })], minor()).inForce).toBe(true);
    });

    it('when a guardian refuses, then under all-registered the answer is a refusal, and under one only when every guardian refused', () => {
      const refusedByOne = [fact({}), fact({ personRole: 'guardian', status: 'refused' })];
      expect(consentInForce(refusedByOne, minor({ registeredGuardians: 2 }))).toEqual({ inForce: false, reason: 'refused' });
      expect(consentInForce(refusedByOne, minor({ registeredGuardians: 2, guardianRule: 'one' }))).toEqual({ inForce: false, reason: 'guardian-missing' });
      const refusedByBoth = [...refusedByOne, fact({ personRole: 'guardian', status: 'refused', givenAt: at(-4) })];
      expect(consentInForce(refusedByBoth, minor({ registeredGuardians: 2, guardianRule: 'one' }))).toEqual({ inForce: false, reason: 'refused' });
    });

    it('when a guardian\'s consent expired, then the reason says so', () => {
      expect(consentInForce([fact({}), fact({ personRole: 'guardian', expiresAt: at(-1) })], minor())).toEqual({ inForce: false, reason: 'expired' });
    });
  });
});
