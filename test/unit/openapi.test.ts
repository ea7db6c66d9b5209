import Ajv2020 from 'ajv/dist/2020';
import { documentPath, openApiDocument } from '../../api/openapi';
import { operations } from '../../api/operations';

interface DocOperation {
  operationId: string;
  parameters?: Array<{ name: string; in: string; required: boolean }>;
  responses: Record<string, { description: string; content: Record<string, { schema: object }> }>;
}

describe('the OpenAPI document, generated from the declarations', () => {
  const doc = openApiDocument(operations);
  const documented = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods as Record<string, DocOperation>).map(([method, op]) => ({ path, method, op })));

  it('when it is generated, then every operation is in it once, under its id', () => {
    expect(documented.map((d) => d.op.operationId).sort()).toEqual(operations.map((o) => o.id).sort());
    expect(new Set(operations.map((o) => o.id)).size).toBe(operations.length);
  });

  it('when any operation is read, then every status it can answer has a description and a body schema that compiles as JSON Schema 2020-12', () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    for (const op of operations) {
      const described = (doc.paths[documentPath(op.path)] as Record<string, DocOperation>)[op.method];
      expect({ id: op.id, statuses: Object.keys(described.responses).sort() }).toEqual({ id: op.id, statuses: Object.keys(op.statuses).sort() });
      for (const [status, response] of Object.entries(described.responses)) {
        expect({ id: op.id, status, description: response.description.length > 0 }).toEqual({ id: op.id, status, description: true });
        const [schema] = Object.values(response.content).map((c) => c.schema);
        expect(() => ajv.compile(schema)).not.toThrow();
      }
    }
  });

  it('when an authenticated operation is read, then it documents 401, 403, 429 and 503 with the shared error body, and a body operation 400 and 413', () => {
    for (const op of operations.filter((o) => o.access !== 'public')) {
      expect({ id: op.id, has: [401, 403, 429, 503].filter((s) => s in op.statuses) }).toEqual({ id: op.id, has: [401, 403, 429, 503] });
      if (op.body) expect({ id: op.id, has: [400, 413].filter((s) => s in op.statuses) }).toEqual({ id: op.id, has: [400, 413] });
    }
    const forbidden = (doc.paths['/cases'] as Record<string, DocOperation>).post.responses['403'].content['application/json'].schema;
    expect(forbidden).toMatchObject({ required: ['error'], additionalProperties: false });
  });

  it('when the case-start operations are read, then they document the optional Idempotency-Key header, and acknowledging answers the escalation, not the task', () => {
    for (const path of ['/cases', '/referrals']) {
      expect((doc.paths[path] as Record<string, DocOperation>).post.parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }));
    }
    const acknowledged = (doc.paths['/escalations/{escalationId}/acknowledge'] as Record<string, DocOperation>).post.responses['200'].content['application/json'].schema as { properties: object };
    expect(Object.keys(acknowledged.properties).sort()).toEqual(['id', 'level', 'raisedAt', 'status', 'target']);
  });
});
