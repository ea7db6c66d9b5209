import { RefusalThrottle } from '../../api/refusalThrottle';
import type { Principal } from '../../domain/auth';

const someone: Principal = { sub: 'u-1', roles: ['staff'], units: [], supervisedUnits: [] };

describe('the refusal throttle (which refusals get an audit row of their own)', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('when one address is refused more often than its allowance, then the rest are counted by status and actor, and handed back when the window closes', () => {
    const throttle = new RefusalThrottle(2, 60_000, { now: clock });
    const admitted = Array.from({ length: 5 }, () => throttle.admit('192.0.2.1', 401, undefined));
    admitted.push(throttle.admit('192.0.2.1', 429, someone), throttle.admit('192.0.2.2', 401, undefined));
    expect(admitted).toEqual([true, true, false, false, false, false, true]);
    expect(throttle.closesAt).toBe(1_060_000);
    now += 59_999;
    expect(throttle.roll()).toEqual([]);
    now += 1;
    expect(throttle.roll()).toEqual([
      { address: '192.0.2.1', status: 401, principal: undefined, count: 3, from: new Date(1_000_000), to: new Date(1_060_000) },
      { address: '192.0.2.1', status: 429, principal: someone, count: 1, from: new Date(1_000_000), to: new Date(1_060_000) },
    ]);
    // A new window: the address has its allowance again, and nothing is pending.
    expect(throttle.closesAt).toBeUndefined();
    expect(throttle.admit('192.0.2.1', 401, undefined)).toBe(true);
  });

  it('when a flood comes from many addresses, then the rows of a window stay bounded: a total allowance, and counts beyond the kept ones pooled under "*"', () => {
    const throttle = new RefusalThrottle(5, 60_000, { now: clock, maxRows: 10, maxCounters: 3 });
    const admitted = Array.from({ length: 100 }, (_, i) => throttle.admit(`198.51.100.${i}`, 401, undefined)).filter(Boolean);
    expect(admitted).toHaveLength(10);
    now += 60_000;
    const counted = throttle.roll();
    expect(counted.map((c) => [c.address, c.count, c.principal?.sub])).toEqual([
      ['198.51.100.10', 1, undefined],
      ['198.51.100.11', 1, undefined],
      ['198.51.100.12', 1, undefined],
      ['*', 87, '*'],
    ]);
  });
});
