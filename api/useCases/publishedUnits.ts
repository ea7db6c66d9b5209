import { ErrorCode } from '../../domain/errors';
import type { PolicyDocument } from '../../domain/policy';
import type { RoutingTable } from '../../domain/routing';
import type { RegistryTx } from './registry/unitWorkLock';
import { AppError } from '../errors';

/** A unit a version names, by its path in the document (the path a refusal names in `fields`). */
export interface NamedUnit {
  field: string;
  unitCode: string;
}

/** Every unit a policy version sends work to: each step's unit and, where it has one, who is told while it waits for consent. */
export const policyUnits = (policy: PolicyDocument): NamedUnit[] =>
  Object.entries(policy.steps).flatMap(([key, step]) => [
    { field: `steps.${key}.unitCode`, unitCode: step.unitCode },
    ...(step.consent?.waitUnitCode ? [{ field: `steps.${key}.consent.waitUnitCode`, unitCode: step.consent.waitUnitCode }] : []),
  ]);

/** Every unit a routing table sends work to, rule by rule. */
export const routingUnits = (table: RoutingTable): NamedUnit[] =>
  table.rules.flatMap((rule, i) => Object.entries(rule.then.units).map(([step, unitCode]) => ({ field: `rules.${i}.then.units.${step}`, unitCode })));

/**
 * Refuses a version that would send new work where none can go: a unit not in the registry
 * (UNIT_NOT_FOUND), else a deactivated one (UNIT_INACTIVE). `fields` names each path; the message
 * names the unit codes (never personal data).
 */
export async function refuseUnitsTakingNoWork(tx: RegistryTx, named: NamedUnit[]): Promise<void> {
  const codes = [...new Set(named.map((n) => n.unitCode))];
  const rows = await tx.unit.findMany({ where: { code: { in: codes } }, select: { code: true, active: true } });
  const active = new Map(rows.map((r) => [r.code, r.active]));
  const refuse = (code: ErrorCode, which: NamedUnit[], what: string, problem: string) => {
    if (!which.length) return;
    throw new AppError(code, `${what}: ${[...new Set(which.map((n) => n.unitCode))].join(', ')}`, {
      fields: which.map((n) => ({ field: n.field, problem })),
    });
  };
  refuse(ErrorCode.UnitNotFound, named.filter((n) => !active.has(n.unitCode)), 'units not in the registry', 'is not a unit in the registry');
  refuse(ErrorCode.UnitInactive, named.filter((n) => active.get(n.unitCode) === false), 'units deactivated, taking no new work', 'is a deactivated unit: it takes no new work');
}
