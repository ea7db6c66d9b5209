import { ErrorCode } from '../../domain/errors';
import { missingSafetyOutcomes, missingSteps, type CaseType, type PolicyDocument } from '../../domain/policy';
import { routingTableSchema, type RoutingTable } from '../../domain/routing';
import { publishPolicy, publishRoutingTable } from '../../prisma/seed';
import type { ApiDeps } from '../context';
import { AppError } from '../errors';
import { activeRoutingTable } from '../publishedVersions';
import { policyView } from '../views/policy';
import { policyUnits, refuseUnitsTakingNoWork, routingUnits } from './publishedUnits';
import { underUnitWorkLock } from './registry/unitWorkLock';

/** Every policy version, which one is active per case type, and how many cases run on each. */
export async function listPolicies({ prisma }: ApiDeps) {
  const [rows, counts] = await Promise.all([
    prisma.policy.findMany({ orderBy: [{ caseType: 'asc' }, { activatedAt: 'desc' }, { createdAt: 'desc' }] }),
    prisma.case.groupBy({ by: ['caseType', 'policyVersion', 'status'], _count: { _all: true } }),
  ]);
  const now = Date.now();
  const activeByType = new Map<string, string>();
  for (const row of rows) {
    if (row.activatedAt.getTime() <= now && !activeByType.has(row.caseType)) activeByType.set(row.caseType, row.id);
  }
  return {
    items: rows.map((row) => {
      const cases: Record<string, number> = {};
      for (const c of counts) if (c.caseType === row.caseType && c.policyVersion === row.version) cases[c.status] = c._count._all;
      return {
        caseType: row.caseType as CaseType,
        version: row.version,
        active: activeByType.get(row.caseType) === row.id,
        activatedAt: row.activatedAt.toISOString(),
        cases,
      };
    }),
  };
}

export async function getPolicy({ prisma }: ApiDeps, caseType: string, version: string) {
  const row = await prisma.policy.findUnique({ where: { caseType_version: { caseType, version } } });
  if (!row) throw new AppError(ErrorCode.PolicyNotFound, 'no such policy version');
  return policyView(row);
}

async function refuseExisting(exists: Promise<unknown>, what: string) {
  if (await exists) throw new AppError(ErrorCode.VersionExists, `${what} already exists; versions are immutable, publish a new one`);
}

/** Publishes a new policy version: it applies to cases started from now on; running cases keep theirs. */
export async function publishPolicyVersion(deps: ApiDeps, policy: PolicyDocument) {
  const missing = missingSteps(policy);
  if (missing.length) throw new AppError(ErrorCode.InvalidPolicy, `the policy lacks: ${missing.join(', ')}`);
  // Only for a new version: versions already published (seeded ones too) keep running as they are.
  const unsafe = missingSafetyOutcomes(policy);
  if (unsafe.length) {
    const fields = unsafe.map(({ step, outcome }) => ({ field: `steps.${step}.outcomes`, problem: `must offer "${outcome}": the case's workflow acts on it` }));
    throw new AppError(ErrorCode.InvalidPolicy, `the policy drops outcomes the case type's workflow acts on: ${fields.map((f) => f.field).join(', ')}`, { fields });
  }
  // Checked and written with no deactivation in between (underUnitWorkLock).
  await underUnitWorkLock(deps, async (tx) => {
    await refuseExisting(tx.policy.findUnique({ where: { caseType_version: { caseType: policy.caseType, version: policy.version } } }), `policy ${policy.caseType} ${policy.version}`);
    await refuseUnitsTakingNoWork(tx, policyUnits(policy));
    await publishPolicy(tx, policy);
  });
  return getPolicy(deps, policy.caseType, policy.version);
}

export async function getRouting(deps: ApiDeps) {
  const [active, versions] = await Promise.all([
    activeRoutingTable(deps),
    deps.prisma.routingTable.findMany({ orderBy: [{ activatedAt: 'desc' }, { createdAt: 'desc' }], select: { version: true, activatedAt: true } }),
  ]);
  return { active, versions: versions.map((v) => ({ version: v.version, activatedAt: v.activatedAt.toISOString() })) };
}

/**
 * One routing-table version as it was published, with when it activates and whether it routes
 * now: the newest version activated by now is the active one, as activeRoutingTable finds it.
 */
export async function getRoutingVersion(deps: ApiDeps, version: string) {
  const [row, active] = await Promise.all([
    deps.prisma.routingTable.findUnique({ where: { version }, select: { document: true, activatedAt: true } }),
    deps.prisma.routingTable.findFirst({ where: { activatedAt: { lte: new Date() } }, orderBy: [{ activatedAt: 'desc' }, { createdAt: 'desc' }], select: { version: true } }),
  ]);
  if (!row) throw new AppError(ErrorCode.RoutingVersionNotFound, 'no routing-table version by that name');
  return { table: routingTableSchema.parse(row.document), activatedAt: row.activatedAt.toISOString(), active: active?.version === version };
}

/** Publishes a routing-table version; referrals from now on are routed by it. */
export async function publishRoutingVersion(deps: ApiDeps, table: RoutingTable) {
  await underUnitWorkLock(deps, async (tx) => {
    await refuseExisting(tx.routingTable.findUnique({ where: { version: table.version } }), `routing table ${table.version}`);
    await refuseUnitsTakingNoWork(tx, routingUnits(table));
    await publishRoutingTable(tx, table);
  });
  return getRouting(deps);
}
