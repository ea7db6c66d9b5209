// The zod pieces the environment schema (config/index.ts) builds its variables from: paths, proxies, durations.
import { accessSync, constants } from 'node:fs';
import { isIP } from 'node:net';
import { Duration } from 'luxon';
import { z } from 'zod';
import type { TrustProxy } from './types';

export const readableFile = z.string().refine((p) => {
  try {
    accessSync(p, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}, 'must be the path of a readable file');
/** One entry of TRUST_PROXY: Express's named ranges, an address, or address/prefix. */
function isProxyAddress(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}
/**
 * Express's `trust proxy`: false (the socket's peer is the client), a hop count, or the proxies'
 * addresses. `true` is refused: it would take the client's address from any X-Forwarded-For.
 */
export const trustProxy = z
  .string()
  .trim()
  .refine((v) => v !== 'true' && v !== '*', 'must be a hop count or the proxies\' addresses: "true" would trust any client\'s X-Forwarded-For')
  .refine((v) => v === '' || v === 'false' || /^\d{1,2}$/.test(v) || v.split(',').every((e) => isProxyAddress(e.trim())), 'must be false, a hop count, or a comma-separated list of addresses, address/prefix, loopback, linklocal or uniquelocal')
  .transform((v): TrustProxy => (v === '' || v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v.split(',').map((e) => e.trim())));

export const isoDuration = z
  .string()
  .refine((s) => Duration.fromISO(s).isValid && Duration.fromISO(s).toMillis() > 0, 'must be a positive ISO-8601 duration such as P2Y or PT1H');

/** A duration as ISO-8601 (PT10S) or as whole milliseconds (10000), in milliseconds. */
export const isoOrMs = z
  .string()
  .trim()
  .refine((s) => (/^\d+$/.test(s) ? Number(s) > 0 : Duration.fromISO(s).isValid && Duration.fromISO(s).toMillis() > 0), 'must be a positive ISO-8601 duration such as PT10S, or whole milliseconds such as 10000')
  .transform((s) => (/^\d+$/.test(s) ? Number(s) : Duration.fromISO(s).toMillis()));
