import type { Principal } from '../domain/auth';

/** Refusals a closed window did not record one by one: from one address, with one status, by one actor. */
export interface Suppressed {
  address: string;
  status: number;
  principal: Principal | undefined;
  count: number;
  from: Date;
  to: Date;
}

/** Stands for the actors of refusals counted together once the per-address counters are all taken. */
const everyone: Principal = { sub: '*', roles: [], units: [], supervisedUnits: [] };

/**
 * Decides which refusals get an audit row of their own, so that a flood cannot flood the table:
 * per window, at most `perAddress` rows per client address and `maxRows` in all; every other
 * refusal is counted, by address, status and actor, and the counts are handed back when the
 * window closes, to be written as one row each. At most `maxCounters` counts are kept; refusals
 * beyond them are counted by status alone, under the address `*`. So a window writes at most
 * maxRows + maxCounters + (a few statuses) rows, however many addresses a flood comes from.
 */
export class RefusalThrottle {
  private windowStart: number;
  private readonly rowsByAddress = new Map<string, number>();
  private rows = 0;
  private readonly suppressed = new Map<string, Omit<Suppressed, 'from' | 'to'>>();
  private readonly maxRows: number;
  private readonly maxCounters: number;
  private readonly now: () => number;

  constructor(
    private readonly perAddress: number,
    private readonly windowMs: number,
    opts: { maxRows?: number; maxCounters?: number; now?: () => number } = {},
  ) {
    this.maxRows = opts.maxRows ?? 1_000;
    this.maxCounters = opts.maxCounters ?? 1_000;
    this.now = opts.now ?? Date.now;
    this.windowStart = this.now();
  }

  /** Whether this refusal gets a row of its own; if not, it is counted for the window's count rows. */
  admit(address: string, status: number, principal: Principal | undefined): boolean {
    const written = this.rowsByAddress.get(address) ?? 0;
    if (written < this.perAddress && this.rows < this.maxRows) {
      this.rowsByAddress.set(address, written + 1);
      this.rows += 1;
      return true;
    }
    let key = `${address}\n${status}\n${principal?.sub ?? ''}`;
    if (!this.suppressed.has(key) && this.suppressed.size >= this.maxCounters) key = `*\n${status}`;
    const count = this.suppressed.get(key) ?? (key.startsWith('*\n') ? { address: '*', status, principal: everyone, count: 0 } : { address, status, principal, count: 0 });
    count.count += 1;
    this.suppressed.set(key, count);
    return false;
  }

  /** When the window closes with counts to write; undefined when it has none. */
  get closesAt(): number | undefined {
    return this.suppressed.size ? this.windowStart + this.windowMs : undefined;
  }

  /** Once the window's time is up: closes it, starts the next, and returns what it counted. */
  roll(): Suppressed[] {
    const now = this.now();
    if (now < this.windowStart + this.windowMs) return [];
    const from = new Date(this.windowStart);
    const to = new Date(now);
    const closed = [...this.suppressed.values()].map((s) => ({ ...s, from, to }));
    this.windowStart = now;
    this.rowsByAddress.clear();
    this.rows = 0;
    this.suppressed.clear();
    return closed;
  }
}
