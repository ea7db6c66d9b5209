import { z } from 'zod';
import { roles } from '../domain/auth';
import { scopeParam } from './access';
import type { Operation } from './operation';
import { errorBodySchema } from './views/common';

/** OpenAPI 3.1 schemas are JSON Schema 2020-12; the per-schema `$schema` line is noise there. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output') {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });
  return rest;
}

/** `/cases/:caseId` → `/cases/{caseId}`. */
export const documentPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

function parameters(op: Operation) {
  const each = (where: 'path' | 'query' | 'header', shape: Record<string, z.ZodType> = {}) =>
    Object.entries(shape).map(([name, schema]) => ({
      name,
      in: where,
      // A path parameter is always required; others when their schema does not accept "absent".
      required: where === 'path' || !schema.safeParse(undefined).success,
      schema: jsonSchema(schema, 'input'),
    }));
  return [...each('path', op.params?.shape), ...each('query', op.query?.shape), ...each('header', op.headers?.shape)];
}

function accessText(op: Operation): string {
  if (op.access === 'public') return 'Public: no token.';
  const scope = op.access.scope === 'anyone' ? '' : ` Scope: ${op.access.scope}${scopeParam[op.access.scope] ? ` (path ${scopeParam[op.access.scope]})` : ''}.`;
  return `Roles: ${op.access.roles.join(', ')}.${scope} Audited as \`${op.auditAction}\`.`;
}

function response(op: Operation, status: number, description: string) {
  const own = op.responses[status as keyof typeof op.responses];
  if (!own) return { description, content: { 'application/json': { schema: jsonSchema(errorBodySchema, 'output') } } };
  return { description, content: { [op.contentType ?? 'application/json']: { schema: jsonSchema(own, 'output') } } };
}

/** The API described from its declarations: every operation, its parameters, body and every status it can answer. */
export function openApiDocument(operations: readonly Operation[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const params = parameters(op);
    (paths[documentPath(op.path)] ??= {})[op.method] = {
      operationId: op.id,
      summary: op.summary,
      description: accessText(op),
      security: op.access === 'public' ? [] : [{ bearer: [] }],
      ...(params.length ? { parameters: params } : {}),
      ...(op.body ? { requestBody: { required: !op.body.safeParse({}).success, content: { 'application/json': { schema: jsonSchema(op.body, 'input') } } } } : {}),
      responses: Object.fromEntries(Object.entries(op.statuses).map(([status, text]) => [status, response(op, Number(status), text)])),
    };
  }
  return {
    openapi: '3.1.0' as const,
    info: {
      title: 'samverkan',
      version: '0.1.0',
      description: `Bearer JWT (OIDC): claims sub, roles (${roles.join(', ')}), units, supervised_units.`,
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths,
  };
}
