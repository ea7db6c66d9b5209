import { Client } from '@temporalio/client';
import type { Express } from 'express';
import { createApp } from '../../api/app';
import { staffSeenWithinDays } from '../../api/useCases/unitPeople';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { testFieldCrypto } from '../support/keys';
import { contractRequest } from '../support/stack';
import { createTestIssuer, type Identity, type TestIssuer } from '../support/tokens';

/**
 * The staff directory: a token verified afresh records its person (api/staffDirectory.ts), a
 * cached one writes nothing, and `unit.people` lists a unit's people to those who may know them.
 * No workflow is involved, so the app runs on a database of its own with a Temporal client that
 * never connects.
 */
const unit = 'soc-children-youth';
const dayMs = 86_400_000;

describe('the staff directory', () => {
  let db: TestDatabase;
  let issuer: TestIssuer;
  let app: Express;
  const withToken = (on: Express, token: string) => contractRequest(on, (test) => test.set('Authorization', `Bearer ${token}`));
  const peopleOf = (who: Identity, unitCode = unit) => withToken(app, issuer.token(who)).get(`/units/${unitCode}/people`);
  const row = (userId: string) => db.prisma.staffMember.findUnique({ where: { userId } });

  beforeAll(async () => {
    db = await createTestDatabase('staff-directory');
    issuer = createTestIssuer();
    app = createApp({ temporal: new Client(), prisma: db.prisma, fieldCrypto: testFieldCrypto(), config: { taskQueue: 'staff-directory', auth: issuer.auth, rateLimitPerMinute: 100_000, addressRateLimitPerMinute: 1_000_000 } });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('when a token is verified for the first time, then its person is recorded with name, units, supervised units, roles and when they were seen', async () => {
    const before = Date.now();
    const who: Identity = { sub: 'sd-first', name: 'Åsa Nilsson', roles: ['staff', 'supervisor'], units: [unit], supervisedUnits: ['soc-adults'] };
    await peopleOf(who).expect(200);
    const seen = await row('sd-first');
    expect(seen).toMatchObject({ displayName: 'Åsa Nilsson', units: [unit], supervisedUnits: ['soc-adults'], roles: ['staff', 'supervisor'] });
    expect(seen!.lastSeenAt.getTime()).toBeGreaterThanOrEqual(before - 1_000);
  });

  it('when a client sends a token already verified, then the directory is not written again: the request is served from the token cache', async () => {
    const token = issuer.token({ sub: 'sd-cached', name: 'Bo Ek', roles: ['staff'], units: [unit] });
    await withToken(app, token).get(`/units/${unit}/people`).expect(200);
    expect(await row('sd-cached')).not.toBeNull();
    // Gone from the table: a write on the next request would bring it back.
    await db.prisma.staffMember.delete({ where: { userId: 'sd-cached' } });
    await withToken(app, token).get(`/units/${unit}/people`).expect(200);
    await withToken(app, token).get('/tasks').expect(200);
    expect(await row('sd-cached')).toBeNull();
  });

  it('when the same person signs in later with other units and roles, then the directory holds what the later token says, and a token without a name keeps the name seen before', async () => {
    await peopleOf({ sub: 'sd-moved', name: 'Cecilia Berg', roles: ['staff'], units: [unit] }).expect(200);
    const first = await row('sd-moved');
    await new Promise((r) => setTimeout(r, 20));
    await peopleOf({ sub: 'sd-moved', roles: ['staff', 'supervisor'], units: ['soc-adults'], supervisedUnits: ['soc-adults'] }, 'soc-adults').expect(200);
    const later = await row('sd-moved');
    expect(later).toMatchObject({ displayName: 'Cecilia Berg', units: ['soc-adults'], supervisedUnits: ['soc-adults'], roles: ['staff', 'supervisor'] });
    expect(later!.lastSeenAt.getTime()).toBeGreaterThan(first!.lastSeenAt.getTime());
    expect(later!.firstSeenAt).toEqual(first!.firstSeenAt);
    // No longer the first unit's: not offered there.
    const listed = await peopleOf({ sub: 'sd-coordinator', roles: ['coordinator'] }).expect(200);
    expect(listed.body.items.map((p: { userId: string }) => p.userId)).not.toContain('sd-moved');
  });

  it('when a token issued before the one that last wrote the row is verified, then it writes nothing: an old token still in use does not bring back the units the person had', async () => {
    const now = Math.floor(Date.now() / 1000);
    const newer = issuer.token({ sub: 'sd-old-token', roles: ['staff'], units: ['soc-adults'] }, { iat: now });
    const older = issuer.token({ sub: 'sd-old-token', roles: ['staff'], units: [unit] }, { iat: now - 600 });
    await withToken(app, newer).get('/units/soc-adults/people').expect(200);
    await withToken(app, older).get(`/units/${unit}/people`).expect(200);
    expect(await row('sd-old-token')).toMatchObject({ units: ['soc-adults'], tokenIssuedAt: new Date(now * 1000) });
    // A token issued later than both does write.
    await withToken(app, issuer.token({ sub: 'sd-old-token', roles: ['staff'], units: [unit] }, { iat: now + 1 })).get(`/units/${unit}/people`).expect(200);
    expect(await row('sd-old-token')).toMatchObject({ units: [unit] });
  });

  it('when the directory cannot be written, then the request is served all the same', async () => {
    const write = jest.spyOn(db.prisma, '$executeRaw').mockRejectedValue(new Error('the directory is away'));
    try {
      await peopleOf({ sub: 'sd-unrecorded', roles: ['staff'], units: [unit] }).expect(200);
      expect(write).toHaveBeenCalled();
    } finally {
      write.mockRestore();
    }
    expect(await row('sd-unrecorded')).toBeNull();
  });

  it("when a unit's people are listed, then they are the unit's staff seen within the window, by name in Swedish order with the nameless last by id, and the read is audited", async () => {
    const people = 'soc-addiction';
    const seenBy = (who: Identity) => peopleOf(who, people).expect(200);
    for (const who of [
      { sub: 'sd-p-orjan', name: 'Örjan Ek' },
      { sub: 'sd-p-asa', name: 'Åsa Berg' },
      { sub: 'sd-p-zara', name: 'Zara Holm' },
      { sub: 'sd-p-anna', name: 'anna Lind' },
      { sub: 'sd-p-b-nameless' },
      { sub: 'sd-p-a-nameless' },
    ]) {
      await seenBy({ ...who, roles: ['staff'], units: [people] });
    }
    await seenBy({ sub: 'sd-p-boss', name: 'Bertil Boss', roles: ['staff', 'supervisor'], units: [people], supervisedUnits: [people] });
    // Not the unit's staff: its supervisor only, staff of another unit, and one not seen for longer than the window.
    await seenBy({ sub: 'sd-p-supervisor-only', name: 'Signe Chef', roles: ['supervisor'], supervisedUnits: [people] });
    await peopleOf({ sub: 'sd-p-elsewhere', name: 'Erik Annan', roles: ['staff'], units: ['soc-adults'] }, 'soc-adults').expect(200);
    await seenBy({ sub: 'sd-p-gone', name: 'Gunnar Borta', roles: ['staff'], units: [people] });
    await db.prisma.staffMember.update({ where: { userId: 'sd-p-gone' }, data: { lastSeenAt: new Date(Date.now() - (staffSeenWithinDays + 1) * dayMs) } });

    const coordinator = { sub: 'sd-p-coordinator', roles: ['coordinator'] } satisfies Identity;
    const { body, headers } = await peopleOf(coordinator, people).expect(200);
    expect(body).toMatchObject({ unit: people, seenWithinDays: staffSeenWithinDays, capped: false });
    expect(body.items.map((p: { userId: string; name: string | null }) => [p.name, p.userId])).toEqual([
      ['anna Lind', 'sd-p-anna'],
      ['Bertil Boss', 'sd-p-boss'],
      ['Zara Holm', 'sd-p-zara'],
      ['Åsa Berg', 'sd-p-asa'],
      ['Örjan Ek', 'sd-p-orjan'],
      [null, 'sd-p-a-nameless'],
      [null, 'sd-p-b-nameless'],
    ]);
    expect(body.items.find((p: { userId: string }) => p.userId === 'sd-p-boss').supervisor).toBe(true);
    const audited = await db.prisma.auditEvent.findFirst({ where: { requestId: headers['x-request-id'] } });
    expect(audited).toMatchObject({ actor: coordinator.sub, action: 'unit.people', status: 200, route: '/units/:unitCode/people', detail: { unit: people, returned: 7 } });
  });

  it('when an auditor reads the audit trail, then each row names its actor as the directory knows them (null for one it has no name for, or no person), and the read of the trail is itself audited as before', async () => {
    const named = { sub: 'sd-a-named', name: 'Ylva Granskad', roles: ['staff'], units: [unit] } satisfies Identity;
    const nameless = { sub: 'sd-a-nameless', roles: ['staff'], units: [unit] } satisfies Identity;
    await peopleOf(named).expect(200);
    await peopleOf(nameless).expect(200);
    const auditor = { sub: 'sd-a-auditor', roles: ['auditor'] } satisfies Identity;
    const trailOf = async (actor: string) => {
      const { body } = await withToken(app, issuer.token(auditor)).get(`/audit?actor=${actor}`).expect(200);
      return body.items.map((r: { actor: string; actorName: string | null; action: string }) => [r.actor, r.actorName, r.action]);
    };

    expect(await trailOf(named.sub)).toEqual([[named.sub, 'Ylva Granskad', 'unit.people']]);
    expect(await trailOf(nameless.sub)).toEqual([[nameless.sub, null, 'unit.people']]);
    // The auditor's own reads are on record, one row each, as before names were added.
    const reads = await db.prisma.auditEvent.findMany({ where: { actor: auditor.sub }, orderBy: { at: 'asc' } });
    expect(reads.map((r) => [r.action, r.status, r.route])).toEqual([
      ['audit.read', 200, '/audit'],
      ['audit.read', 200, '/audit'],
    ]);
  });

  it("when callers of each role ask for a unit's people, then its staff and supervisors, coordinators and admins may; another unit's or agency's staff and supervisors, and auditors, get 403; a unit that does not exist is 404", async () => {
    const callers: Array<[Identity, number]> = [
      [{ sub: 'sd-a-coordinator', roles: ['coordinator'] }, 200],
      [{ sub: 'sd-a-admin', roles: ['admin'] }, 200],
      [{ sub: 'sd-a-staff', roles: ['staff'], units: [unit] }, 200],
      [{ sub: 'sd-a-supervisor', roles: ['supervisor'], supervisedUnits: [unit] }, 200],
      [{ sub: 'sd-a-staff-adults', roles: ['staff'], units: ['soc-adults'] }, 403],
      [{ sub: 'sd-a-staff-police', roles: ['staff'], units: ['police-exit'] }, 403],
      [{ sub: 'sd-a-supervisor-police', roles: ['supervisor'], supervisedUnits: ['police-local'] }, 403],
      // A unit named in the token for another role than the one held gives nothing.
      [{ sub: 'sd-a-units-no-role', roles: ['auditor'], units: [unit] }, 403],
      [{ sub: 'sd-a-auditor', roles: ['auditor'] }, 403],
      [{ sub: 'sd-a-operator', roles: ['operator'] }, 403],
    ];
    const answers = await Promise.all(callers.map(async ([who]) => [who.sub, (await peopleOf(who)).status]));
    expect(answers).toEqual(callers.map(([who, status]) => [who.sub, status]));
    const refused = await db.prisma.auditEvent.findFirst({ where: { actor: 'sd-a-staff-police', action: 'unit.people' } });
    expect(refused?.status).toBe(403);
    await peopleOf({ sub: 'sd-a-coordinator', roles: ['coordinator'] }, 'no-such-unit').expect(404);
    await peopleOf({ sub: 'sd-a-admin', roles: ['admin'] }, 'no-such-unit').expect(404);
  });
});
