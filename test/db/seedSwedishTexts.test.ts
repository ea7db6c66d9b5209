import { Client } from 'pg';
import type { ApiDeps } from '../../api/context';
import { listPolicies } from '../../api/useCases/admin';
import { policyTextLanguage } from '../../domain/policy';
import { defaultPolicies, publishPolicy, seed } from '../../prisma/seed';
import { createTestDatabase, type TestDatabase } from '../support/database';

/** Every stored version as it is: what a later seed must never change. */
async function storedVersions(db: TestDatabase) {
  const rows = await db.prisma.policy.findMany({ orderBy: [{ caseType: 'asc' }, { version: 'asc' }] });
  return rows.map((r) => ({ caseType: r.caseType, version: r.version, document: r.document, activatedAt: r.activatedAt.toISOString() }));
}

async function activeVersions(db: TestDatabase): Promise<Record<string, string>> {
  const { items } = await listPolicies({ prisma: db.prisma } as ApiDeps);
  return Object.fromEntries(items.filter((i) => i.active).map((i) => [i.caseType, i.version]));
}

describe('seeding the Swedish-text policy versions', () => {
  // Each test has its own database: one reads it as seeded, the other rebuilds it as an older seed left it.
  const dbs: TestDatabase[] = [];
  const database = async (label: string) => {
    const db = await createTestDatabase(label);
    dbs.push(db);
    return db;
  };
  afterAll(async () => {
    await Promise.all(dbs.map((db) => db.drop()));
  });

  it('when a fresh database is seeded, then each case type starts on its Swedish-text version', async () => {
    const db = await database('seed_sv_fresh');
    expect(await activeVersions(db)).toEqual({ 'youth-concern': '2026.3-sv', 'social-intervention-group': '2026.2-sv', 'exit-programme': '2026.2-sv', triage: '2026.2-sv' });
  });

  it('when the seed runs again on a database seeded before the Swedish versions, one of whose case types has a version an admin published, then the Swedish versions are added and active, the admin\'s stays active and no stored version changes', async () => {
    const db = await database('seed_sv_existing');
    // The database as the seed left it before the Swedish versions: the English ones in file order, long ago.
    const admin = new Client({ connectionString: db.adminUrl });
    await admin.connect();
    await admin.query('DELETE FROM policy');
    await admin.end();
    const english = defaultPolicies().filter((p) => policyTextLanguage(p) === 'en');
    for (const [i, policy] of english.entries()) await publishPolicy(db.prisma, policy, new Date(i * 1000));
    const triage = english.filter((p) => p.caseType === 'triage').at(-1)!;
    await publishPolicy(db.prisma, { ...triage, version: 'admin-triage' });
    const before = await storedVersions(db);
    expect(await activeVersions(db)).toEqual({ 'youth-concern': '2026.3', 'social-intervention-group': '2026.2', 'exit-programme': '2026.2', triage: 'admin-triage' });

    await seed(db.prisma);
    const after = await storedVersions(db);
    expect(after.filter((r) => !r.version.endsWith('-sv'))).toEqual(before);
    expect(after.filter((r) => r.version.endsWith('-sv')).map((r) => `${r.caseType} ${r.version}`)).toEqual([
      'exit-programme 2026.2-sv',
      'social-intervention-group 2026.2-sv',
      'triage 2026.2-sv',
      'youth-concern 2026.3-sv',
    ]);
    // Seeded versions are active since the epoch, so the one an admin published still wins.
    expect(await activeVersions(db)).toEqual({ 'youth-concern': '2026.3-sv', 'social-intervention-group': '2026.2-sv', 'exit-programme': '2026.2-sv', triage: 'admin-triage' });

    // And again: nothing more changes.
    await seed(db.prisma);
    expect(await storedVersions(db)).toEqual(after);
  });
});
