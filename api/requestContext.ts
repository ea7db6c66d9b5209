import { randomUUID } from 'node:crypto';
import { isIPv4 } from 'node:net';
import type { Request, RequestHandler, Response } from 'express';

/**
 * Gives every request an id, answered as X-Request-Id and written on each of its audit rows, so
 * a caller's report of one answer leads to its rows (and an intent to its result).
 */
export const requestContext: RequestHandler = (_req, res, next) => {
  const id = randomUUID();
  res.locals.requestId = id;
  res.setHeader('X-Request-Id', id);
  next();
};

export const requestIdOf = (res: Response): string | undefined => res.locals.requestId as string | undefined;

/** The client's address: req.ip, read through the proxies TRUST_PROXY names; IPv4 without its IPv6 mapping. */
export function sourceAddressOf(req: Request): string | undefined {
  const ip = req.ip;
  return ip?.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
}
