import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { policyDocumentSchema, type PolicyDocument } from '../domain/policy';
import type { PrismaClient } from './client';

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

export function defaultPolicies(): PolicyDocument[] {
  const dir = join(seedDir, 'policies');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => policyDocumentSchema.parse(JSON.parse(readFileSync(join(dir, f), 'utf8'))));
}

/** Publishes a policy version. Versions are immutable: publishing a different document under a used version fails. */
export async function publishPolicy(prisma: PrismaClient, policy: PolicyDocument, activatedAt = new Date()): Promise<void> {
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

/** Loads the agency/unit registry and the default policies; safe to run again. */
export async function seed(prisma: PrismaClient): Promise<{ units: number; policies: number }> {
  const registry = registrySchema.parse(JSON.parse(readFileSync(join(seedDir, 'registry.json'), 'utf8')));
  for (const agency of registry.agencies) {
    await prisma.agency.upsert({ where: { code: agency.code }, create: agency, update: { name: agency.name } });
  }
  for (const unit of registry.units) {
    const { agency: agencyCode, ...fields } = unit;
    const agency = await prisma.agency.findUniqueOrThrow({ where: { code: agencyCode } });
    await prisma.unit.upsert({
      where: { code: unit.code },
      create: { ...fields, agencyId: agency.id },
      update: { ...fields, agencyId: agency.id },
    });
  }
  const policies = defaultPolicies();
  for (const policy of policies) await publishPolicy(prisma, policy, new Date(0));
  return { units: registry.units.length, policies: policies.length };
}
