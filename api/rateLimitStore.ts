import { MemoryStore, type IncrementResponse, type Options, type Store } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { SharedCounters } from './redis';

/**
 * A limiter's counts: in Redis (rate-limit-redis), shared by every API process, while Redis
 * answers; in this process's memory while it does not (or when none is configured). A Redis
 * outage thus loosens a limit to per-process counting; it never stops the API or lifts the limit.
 */
export class SharedStore implements Store {
  readonly prefix: string;
  private readonly memory = new MemoryStore();
  private readonly redis?: RedisStore;
  private options?: Options;
  /** RedisStore loads its scripts in init(); a failed load would stay failed, so it is retried here. */
  private redisInit?: Promise<void>;

  constructor(
    private readonly counters: SharedCounters | undefined,
    name: string,
  ) {
    this.prefix = `${counters?.prefix ?? ''}rl:${name}:`;
    if (counters) this.redis = new RedisStore({ prefix: this.prefix, sendCommand: (...args: string[]) => counters.sendCommand(args) as Promise<RedisReply> });
  }

  /** Whether counts go to Redis now. */
  get shared(): boolean {
    return Boolean(this.redis && this.counters?.ready);
  }

  init(options: Options): void {
    this.options = options;
    this.memory.init(options);
  }

  increment(key: string): Promise<IncrementResponse> {
    return this.either((store) => store.increment(key));
  }

  decrement(key: string): Promise<void> {
    return this.either((store) => store.decrement(key));
  }

  resetKey(key: string): Promise<void> {
    return this.either((store) => store.resetKey(key));
  }

  private async either<T>(use: (store: Store) => Promise<T> | T): Promise<T> {
    if (this.redis && this.shared) {
      try {
        await (this.redisInit ??= this.redis.init(this.options!));
        return await use(this.redis);
      } catch {
        // Redis went away mid-call (or its scripts could not load): count here, and load them again next time.
        this.redisInit = undefined;
      }
    }
    return use(this.memory);
  }
}
