import type { PolicyDocument } from '../../../domain/policy';
import type { UnitUse } from '../../views/common';
import { activeRoutingTable } from '../../publishedVersions';
import type { RegistryTx } from './unitWorkLock';

/** Live tasks: open, or waiting for consent to reach the unit. */
export const liveStatuses = ['open', 'waiting-for-consent'];

/**
 * What still sends work to the unit: its live tasks, and the active policy versions and routing
 * table that name it (new tasks would go there). Empty when the unit may be deactivated.
 */
export async function whatUsesUnit(prisma: RegistryTx, code: string): Promise<UnitUse[]> {
  const [live, policies] = await Promise.all([
    prisma.task.count({ where: { unit: { code }, status: { in: liveStatuses } } }),
    prisma.policy.findMany({ where: { activatedAt: { lte: new Date() } }, orderBy: [{ caseType: 'asc' }, { activatedAt: 'desc' }, { createdAt: 'desc' }] }),
  ]);
  const uses: UnitUse[] = live ? [{ kind: 'open-tasks', count: live }] : [];
  const seen = new Set<string>();
  for (const row of policies) {
    if (seen.has(row.caseType)) continue;
    seen.add(row.caseType);
    const steps = Object.values((row.document as PolicyDocument).steps);
    if (steps.some((s) => s.unitCode === code || s.consent?.waitUnitCode === code)) uses.push({ kind: 'policy', caseType: row.caseType, version: row.version });
  }
  const routing = await activeRoutingTable({ prisma }).catch(() => undefined);
  if (routing?.rules.some((r) => Object.values(r.then.units ?? {}).includes(code))) uses.push({ kind: 'routing', version: routing.version });
  return uses;
}

/** A use in the refusal's words (the API's messages are English; the web app names each use in Swedish from `uses`). */
export function describeUse(use: UnitUse): string {
  if (use.kind === 'open-tasks') return `${use.count} open task(s): reassign them first`;
  if (use.kind === 'policy') return `the active ${use.caseType} policy ${use.version}`;
  return `the active routing table ${use.version}`;
}
