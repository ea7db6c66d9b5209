import type { ErrorRequestHandler } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import type { Principal } from '../domain/auth';
import { log } from '../config/log';
import type { AuditEntry, AuditWriter } from './audit';
import type { ApiDeps } from './context';
import { toHttpError } from './errors';
import { operationMatcher, type Operation } from './operation';
import { RefusalThrottle, type Suppressed } from './refusalThrottle';
import { requestIdOf, sourceAddressOf } from './requestContext';
import { wellFormedIds } from './querySchemas';

/** The audit action of the rows that count refusals not recorded one by one. */
const suppressedAction = 'audit.suppressed';

function decoded(params: Record<string, string>): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(params).map(([name, value]) => {
      try {
        return [name, decodeURIComponent(value)];
      } catch {
        return [name, undefined];
      }
    }),
  );
}

const lost = (err: unknown) => log.error('audit row not written', { error: (err as Error)?.name, code: (err as { code?: string })?.code ?? null });

/**
 * Records the refusals that happen before an operation runs (401, 429, 413, a body that is not
 * JSON), then hands the error on to the error mapper. The row names the operation the request
 * was for (found from its method and path), the ids in its path when well-formed, the client's
 * address and the refusal's code; never a header, token or body. A flood is throttled per
 * address (api/refusalThrottle.ts): the rows beyond the allowance become one count row per
 * address, status and actor (action `audit.suppressed`) when the window closes.
 */
export function auditRefusals(deps: ApiDeps, audit: AuditWriter, operations: readonly Operation[]): ErrorRequestHandler {
  const { perAddress, windowMs = 60_000 } = deps.config.auditRefusals ?? { perAddress: 20 };
  const throttle = new RefusalThrottle(perAddress, windowMs);
  const find = operationMatcher(operations);
  let timer: NodeJS.Timeout | undefined;

  const countRow = (s: Suppressed): AuditEntry => ({
    principal: s.principal,
    action: suppressedAction,
    method: '*',
    route: '*',
    status: s.status,
    sourceAddress: s.address,
    detail: { suppressed: s.count, from: s.from.toISOString(), to: s.to.toISOString() },
  });
  const writeClosed = () => {
    for (const s of throttle.roll()) audit.record(countRow(s)).catch(lost);
  };
  // Counts are written when their window closes, even if no refusal comes after it.
  const closeLater = () => {
    const at = throttle.closesAt;
    if (timer || at === undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      writeClosed();
      closeLater();
    }, Math.max(0, at - Date.now()));
    timer.unref();
  };

  return async (err, req, res, next) => {
    const { status, body } = toHttpError(err);
    // An operation's own refusals are recorded by the adapter; these came before one ran.
    if (status >= 400 && status < 500 && !res.locals.operation) {
      writeClosed();
      const address = sourceAddressOf(req);
      const principal = res.locals.principal as Principal | undefined;
      if (throttle.admit(ipKeyGenerator(address ?? 'unknown'), status, principal)) {
        const match = find(req.method, req.path);
        await audit
          .record({
            principal,
            action: match?.op.auditAction ?? 'request.refused',
            method: req.method,
            route: match?.op.path ?? '*',
            status,
            ...wellFormedIds(decoded(match?.params ?? {})),
            detail: { code: body.error.code, message: body.error.message },
            sourceAddress: address,
            requestId: requestIdOf(res),
          })
          // A refusal gives nothing away: it goes out even when its row could not be written.
          .catch(lost);
      } else closeLater();
    }
    next(err);
  };
}
