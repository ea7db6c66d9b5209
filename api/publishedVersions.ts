import { ErrorCode } from '../domain/errors';
import { missingSteps, policyDocumentSchema, type PolicyDocument } from '../domain/policy';
import { routingTableSchema, type RoutingTable } from '../domain/routing';
import type { Prisma } from '../prisma/client';
import type { ApiDeps } from './context';
import { AppError } from './errors';

/**
 * Published policies and routing tables, parsed once per version. Published versions are
 * immutable (publishing refuses a changed document), so a parsed document is kept by row id;
 * only "which row is active" is asked per request.
 */
const parsedPolicies = new Map<string, PolicyDocument>();
const parsedRoutingTables = new Map<string, RoutingTable>();
// The reconciler finds policies by (case type, version); a published version never changes its row.
const policyIdsByVersion = new Map<string, string>();

function parsedPolicy(id: string, document: unknown): PolicyDocument {
  const cached = parsedPolicies.get(id);
  if (cached) return cached;
  const policy = policyDocumentSchema.parse(document);
  const missing = missingSteps(policy);
  if (missing.length) throw new AppError(ErrorCode.PolicyNotFound, `policy ${policy.version} lacks steps: ${missing.join(', ')}`);
  parsedPolicies.set(id, policy);
  return policy;
}

export async function policyById({ prisma }: ApiDeps, id: string): Promise<PolicyDocument> {
  const cached = parsedPolicies.get(id);
  if (cached) return cached;
  const { document } = await prisma.policy.findUniqueOrThrow({ where: { id }, select: { document: true } });
  return parsedPolicy(id, document);
}

export async function policyByVersion({ prisma }: ApiDeps, caseType: string, version: string): Promise<PolicyDocument> {
  const key = `${caseType}\n${version}`;
  const id = policyIdsByVersion.get(key);
  if (id) return parsedPolicies.get(id)!;
  const row = await prisma.policy.findUniqueOrThrow({ where: { caseType_version: { caseType, version } }, select: { id: true, document: true } });
  const policy = parsedPolicy(row.id, row.document);
  policyIdsByVersion.set(key, row.id);
  return policy;
}

/** The routing table referrals are routed by now: the newest activated version. */
export async function activeRoutingTable({ prisma }: { prisma: ApiDeps['prisma'] | Prisma.TransactionClient }): Promise<RoutingTable> {
  const row = await prisma.routingTable.findFirst({
    where: { activatedAt: { lte: new Date() } },
    orderBy: [{ activatedAt: 'desc' }, { createdAt: 'desc' }],
    select: { id: true },
  });
  if (!row) throw new AppError(ErrorCode.PolicyNotFound, 'no active routing table');
  const cached = parsedRoutingTables.get(row.id);
  if (cached) return cached;
  const { document } = await prisma.routingTable.findUniqueOrThrow({ where: { id: row.id }, select: { document: true } });
  const table = routingTableSchema.parse(document);
  parsedRoutingTables.set(row.id, table);
  return table;
}
