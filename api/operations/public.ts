import { z } from 'zod';
import { defineOperation, type Operation } from '../operation';
import { openApiDocument } from '../openapi';
import { recentReadiness } from '../useCases/health';

const check = z.strictObject({ ok: z.boolean(), error: z.string().optional() });
const readinessSchema = z.strictObject({ ready: z.boolean(), checks: z.strictObject({ database: check, temporal: check }) });

export const healthOperations = [
  defineOperation({
    id: 'health.live',
    method: 'get',
    path: '/health',
    summary: 'Liveness: the process is up',
    access: 'public',
    responses: { 200: z.strictObject({ status: z.literal('ok') }) },
    handle: async () => ({ status: 200, body: { status: 'ok' as const } }),
  }),
  defineOperation({
    id: 'health.ready',
    method: 'get',
    path: '/ready',
    summary: 'Readiness: Temporal and the database answered within the last second (503 with the same body, and Retry-After, when not)',
    access: 'public',
    responses: { 200: readinessSchema.describe('ready'), 503: readinessSchema.describe('not ready') },
    handle: async ({ deps }) => {
      const body = await recentReadiness(deps);
      return body.ready ? { status: 200, body } : { status: 503, body, headers: { 'Retry-After': '5' } };
    },
  }),
];

/** GET /openapi.json, describing `operations()` (which include this one), built once on first request. */
export function describeOperation(operations: () => readonly Operation[]): Operation {
  let document: ReturnType<typeof openApiDocument> | undefined;
  return defineOperation({
    id: 'openapi.read',
    method: 'get',
    path: '/openapi.json',
    summary: 'This document: OpenAPI 3.1, generated from the operations the API serves',
    access: 'public',
    responses: {
      200: z.strictObject({ openapi: z.literal('3.1.0'), info: z.record(z.string(), z.unknown()), components: z.record(z.string(), z.unknown()), paths: z.record(z.string(), z.unknown()) }),
    },
    handle: async () => ({ status: 200, body: (document ??= openApiDocument(operations())) }),
  });
}
