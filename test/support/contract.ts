import type { Test } from 'supertest';
import type { z } from 'zod';
import { operations } from '../../api/operations';
import { operationMatcher, type Operation } from '../../api/operation';
import { errorBodySchema } from '../../api/views/common';

/**
 * The contract check every test agent runs on every response (stack.api, stack.as, authedAgent,
 * contractRequest): the answer's status must be one its operation declares, and its body must
 * match the schema declared for that status (response objects are strict, so an undeclared field
 * fails too).
 */

const match = operationMatcher(operations);

export function operationFor(method: string, path: string): Operation | undefined {
  return match(method, path)?.op;
}

const issues = (error: z.ZodError) => error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');

/** What is wrong with this answer to `method url`, or undefined when it keeps the contract. */
export function contractProblem(method: string, url: string, answer: { status: number; contentType?: string; body: unknown; text?: string }): string | undefined {
  // As Express sees it: no normalising of "." segments, which the URL class would do.
  const path = url.replace(/^[a-z]+:\/\/[^/]+/i, '').split('?')[0];
  // Temporal's codec-server protocol (api/codecServer.ts), mounted beside the API, not part of it; and CORS preflights.
  if (path.startsWith('/codec/') || method.toUpperCase() === 'OPTIONS') return undefined;
  const op = operationFor(method, path);
  const where = `${method.toUpperCase()} ${path} → ${answer.status}`;
  if (!op) {
    const unrouted = answer.status === 404 && errorBodySchema.safeParse(answer.body).success;
    return unrouted ? undefined : `${where}: no operation is declared for this route`;
  }
  if (!(answer.status in op.statuses)) return `${where}: ${op.id} does not declare status ${answer.status} (it declares ${Object.keys(op.statuses).join(', ')})`;
  const own = op.responses[answer.status as keyof Operation['responses']];
  if (own && op.contentType) {
    if (!answer.contentType?.startsWith(op.contentType.split(';')[0])) return `${where}: ${op.id} answers ${op.contentType}, not ${answer.contentType}`;
    const parsed = own.safeParse(answer.text);
    return parsed.success ? undefined : `${where}: ${issues(parsed.error)}`;
  }
  const parsed = (own ?? errorBodySchema).safeParse(answer.body);
  return parsed.success ? undefined : `${where}: the body is not what ${op.id} declares for ${answer.status}: ${issues(parsed.error)}`;
}

/** Makes `test` fail with the contract problem, if its answer has one; returns it for chaining. */
export function checkContract(test: Test): Test {
  const { method, url } = test as unknown as { method: string; url: string };
  return test.expect((res) => {
    const problem = contractProblem(method, url, { status: res.status, contentType: res.headers['content-type'] as string | undefined, body: res.body, text: res.text });
    if (problem) throw new Error(`contract: ${problem}`);
  });
}
