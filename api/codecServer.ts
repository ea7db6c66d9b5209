import type { Payload } from '@temporalio/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { hasRole } from '../domain/auth';
import { ErrorCode } from '../domain/errors';
import { isEncrypted } from '../security/payloadCodec';
import { createAuditWriter } from './audit';
import { authenticate, principalOf } from './auth';
import type { ApiDeps } from './context';
import { AppError } from './errors';
import { codecLimiter } from './rateLimits';
import { requestIdOf, sourceAddressOf } from './requestContext';

/**
 * Temporal's codec-server protocol, so an operator can read payloads in the Web UI:
 * POST {base}/decode and {base}/encode with `{ payloads: [{ metadata: {k: base64}, data: base64 }] }`.
 * Set the UI's codec endpoint to `<API>/codec` and let it pass the user's access token. Decoded
 * payloads hold outcomes, notes and justifications, so in this order: the operator's token is
 * verified (role `operator`) before the body is read; then a rate limit per operator; then a small
 * body; and every decode leaves an audit row naming the operator. Everyone else sees ciphertext.
 */
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const codecBody = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).optional().nullable(), data: base64.optional().nullable() })).max(1000),
});

type JsonPayload = z.infer<typeof codecBody>['payloads'][number];

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

export function codecRouter(deps: ApiDeps): express.Router {
  const opts = deps.config.codec!;
  const router = express.Router();
  const audit = createAuditWriter(deps.prisma);
  router.use((req, res, next) => {
    // The Web UI calls from the browser: answer its preflight, for the configured origins only.
    const origin = req.header('origin');
    if (origin && opts.corsOrigins.includes(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
      res.setHeader('Vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  });
  // Headers only: nothing of the body is read until the caller is a verified operator.
  router.use(authenticate(deps.config.auth));
  router.use((_req: Request, res: Response, next: NextFunction) => {
    if (!hasRole(principalOf(res), 'operator')) throw new AppError(ErrorCode.Forbidden, 'the codec endpoint needs the role operator');
    next();
  });
  router.use(codecLimiter(deps, opts.perMinute ?? 60));
  router.use(express.json({ limit: opts.bodyLimit ?? '256kb' }));

  const handle = (direction: 'encode' | 'decode') => async (req: Request, res: Response) => {
    const operator = principalOf(res);
    const payloads = codecBody.parse(req.body).payloads.map(fromJson);
    let result: Payload[];
    try {
      // A payload recorded in clear (a history older than encryption) is shown as it is: it is no secret.
      result =
        direction === 'decode'
          ? await Promise.all(payloads.map(async (p) => (isEncrypted(p) ? (await opts.codec.decode([p]))[0] : p)))
          : await opts.codec.encode(payloads);
    } catch {
      throw new AppError(ErrorCode.UndecodablePayload, 'the payloads could not be decoded with the configured keys');
    }
    // Before the answer leaves: if the row cannot be written, the operator gets the error, not the data.
    await audit.record({
      principal: operator,
      action: `codec.${direction}`,
      method: 'POST',
      route: `/codec/${direction}`,
      status: 200,
      detail: { payloads: payloads.length, namespace: req.header('x-namespace')?.slice(0, 100) ?? null },
      sourceAddress: sourceAddressOf(req),
      requestId: requestIdOf(res),
    });
    res.json({ payloads: result.map(toJson) });
  };
  router.post('/decode', handle('decode'));
  router.post('/encode', handle('encode'));
  return router;
}
