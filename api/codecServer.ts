import type { Payload, PayloadCodec } from '@temporalio/common';
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { ErrorCode } from '../domain/errors';
import { isAuthorisedOperator } from '../security/operatorAuth';
import { AppError } from './errors';

/**
 * Temporal's codec-server protocol, so an authorised operator can read payloads in the Web UI:
 * POST {base}/decode and {base}/encode with `{ payloads: [{ metadata: {k: base64}, data: base64 }] }`.
 * Set the UI's codec endpoint to `<API>/codec`. Everyone else sees ciphertext.
 */
const base64 = z.string().max(4_000_000).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const codecBody = z.object({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), base64).optional().nullable(), data: base64.optional().nullable() }))
    .max(1000),
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

export interface CodecServerOptions {
  codec: PayloadCodec;
  operatorTokenSha256?: string;
  corsOrigins: string[];
}

export function codecRouter(opts: CodecServerOptions): express.Router {
  const router = express.Router();
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
  router.use(express.json({ limit: '8mb' }));

  const handle = (direction: 'encode' | 'decode') => async (req: Request, res: Response) => {
    if (!isAuthorisedOperator(req.header('authorization'), opts.operatorTokenSha256)) {
      throw new AppError(ErrorCode.Unauthorized, 'an operator token is required for the codec endpoint');
    }
    const payloads = codecBody.parse(req.body).payloads.map(fromJson);
    let result: Payload[];
    try {
      result = direction === 'decode' ? await opts.codec.decode(payloads) : await opts.codec.encode(payloads);
    } catch {
      throw new AppError(ErrorCode.UndecodablePayload, 'the payloads could not be decoded with the configured keys');
    }
    res.json({ payloads: result.map(toJson) });
  };
  router.post('/decode', handle('decode'));
  router.post('/encode', handle('encode'));
  return router;
}
