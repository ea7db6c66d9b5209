import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { missingSteps, policyDocumentSchema, type PolicyDocument } from '../domain/policy';
import { routingTableSchema, type RoutingTable } from '../domain/routing';
import type { Prisma, PrismaClient } from './client';

const registrySchema = z.object({
  agencies: z.array(z.object({ code: z.string(), name: z.string() }).strict()),
  units: z.array(
    z
      .object({
        code: z.string(),
        agency: z.string(),
        name: z.string(),
        notificationEmail: z.email(),
        supervisorEmail: z.email(),
        headEmail: z.email(),
      })
      .strict(),
  ),
});

const seedDir = join(__dirname, 'seed');

/**
 * Seed files in the order their versions activate: by name without `.json`, so a version's
 * Swedish-text twin (`youth-concern.2026.3-sv`) comes right after it, not before.
 */
export const seedOrder = (files: string[]): string[] =>
  files
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort()
    .map((name) => `${name}.json`);

/** Every seeded policy version, in the order they activate: the last of each case type is active on a fresh database. */
export function defaultPolicies(): PolicyDocument[] {
  const dir = join(seedDir, 'policies');
  return seedOrder(readdirSync(dir)).map((f) => {
    const policy = policyDocumentSchema.parse(JSON.parse(readFileSync(join(dir, f), 'utf8')));
    const missing = missingSteps(policy);
    if (missing.length) throw new Error(`seed policy ${f} lacks: ${missing.join(', ')}`);
    return policy;
  });
}

/** Every seeded routing-table version, oldest first (prisma/seed/routing/<version>.json). */
export function routingTables(): RoutingTable[] {
  const dir = join(seedDir, 'routing');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => routingTableSchema.parse(JSON.parse(readFileSync(join(dir, f), 'utf8'))));
}

/** The newest seeded routing table: the one that routes on a fresh database. */
export function defaultRoutingTable(): RoutingTable {
  return routingTables().at(-1)!;
}

/** Publishes a routing-table version; like policies, a version is immutable once published. */
export async function publishRoutingTable(prisma: PrismaClient | Prisma.TransactionClient, table: RoutingTable, activatedAt = new Date()): Promise<'created' | 'exists'> {
  const existing = await prisma.routingTable.findUnique({ where: { version: table.version } });
  if (existing) {
    if (!isDeepStrictEqual(existing.document, JSON.parse(JSON.stringify(table)))) {
      throw new Error(`routing table ${table.version} already exists with other content; publish a new version`);
    }
    return 'exists';
  }
  await prisma.routingTable.create({ data: { version: table.version, document: table, activatedAt } });
  return 'created';
}

/** Publishes a policy version. Versions are immutable: publishing a different document under a used version fails. */
export async function publishPolicy(prisma: PrismaClient | Prisma.TransactionClient, policy: PolicyDocument, activatedAt = new Date()): Promise<void> {
  const existing = await prisma.policy.findUnique({
    where: { caseType_version: { caseType: policy.caseType, version: policy.version } },
  });
  if (existing) {
    // jsonb reorders keys, so compare structurally.
    if (!isDeepStrictEqual(existing.document, JSON.parse(JSON.stringify(policy)))) {
      throw new Error(`policy ${policy.caseType} ${policy.version} already exists with other content; publish a new version`);
    }
    return;
  }
  await prisma.policy.create({
    data: { caseType: policy.caseType, version: policy.version, document: policy, activatedAt },
  });
}

/**
 * Loads the agency/unit registry and the default policies; safe to run again. The registry is
 * seeded once: an agency or unit already there is left as admins made it (names, addresses,
 * active flag are theirs to change through the API), so a deploy never undoes their changes.
 */
export async function seed(prisma: PrismaClient): Promise<{ units: number; policies: number }> {
  const registry = registrySchema.parse(JSON.parse(readFileSync(join(seedDir, 'registry.json'), 'utf8')));
  for (const agency of registry.agencies) {
    await prisma.agency.upsert({ where: { code: agency.code }, create: agency, update: {} });
  }
  for (const unit of registry.units) {
    const { agency: agencyCode, ...fields } = unit;
    const agency = await prisma.agency.findUniqueOrThrow({ where: { code: agencyCode } });
    await prisma.unit.upsert({ where: { code: unit.code }, create: { ...fields, agencyId: agency.id }, update: {} });
  }
  const policies = defaultPolicies();
  // Seeded versions activate in file order (youth-concern 2026.1, then 2026.2), all long ago,
  // so a version an admin publishes later wins. A version already stored is left as it is, so a
  // file added later (the Swedish-text versions) activates after its predecessors on an existing
  // database too: its place in the order only grows as files are added.
  for (const [i, policy] of policies.entries()) await publishPolicy(prisma, policy, new Date(i * 1000));
  // Like policies: every version long ago, in order, so the newest seeded one routes.
  for (const [i, table] of routingTables().entries()) await publishRoutingTable(prisma, table, new Date(i * 1000));
  return { units: registry.units.length, policies: policies.length };
}
