import { createClient } from '@redis/client';
import { log } from '../config/log';

/** Redis as the rate limiters use it: raw commands, and whether it is connected now. */
export interface SharedCounters {
  /** Prepended to every key, so deployments (or test runs) can share one Redis. */
  prefix: string;
  readonly ready: boolean;
  sendCommand(args: string[]): Promise<unknown>;
  close(): Promise<void>;
}

/** A rate-limit check waits at most this long for Redis before counting in memory. */
const commandTimeoutMs = 500;

/**
 * Connects in the background and keeps reconnecting. While Redis is away, commands fail at once
 * (no offline queue), so a request never waits on it: the limiters count in memory meanwhile.
 */
export function connectSharedCounters(url: string, prefix = 'samverkan:'): SharedCounters {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2_000, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 5_000) },
  });
  let away = false;
  // Without a listener an 'error' event would end the process; say it once per outage.
  client.on('error', (err: Error) => {
    if (!away) log.warn('redis unavailable: rate limits are counted per process until it is back', { error: err.name });
    away = true;
  });
  client.on('ready', () => {
    if (away) log.info('redis is back: rate limits are shared again');
    away = false;
  });
  // Connection failures go to 'error' and the client retries; this promise settles on close.
  void client.connect().catch(() => undefined);
  return {
    prefix,
    get ready() {
      return client.isReady;
    },
    sendCommand: (args) => client.sendCommand(args, { timeout: commandTimeoutMs }),
    close: async () => {
      if (client.isReady) await client.close();
      else client.destroy();
    },
  };
}
