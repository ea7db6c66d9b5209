import { emailHeadline } from '../../activities/email';
import type { PolicyDocument } from '../../domain/policy';
import { publishPolicy } from '../../prisma/seed';
import { fastYouthConcernPolicy } from '../support/policies';
import { eventually, startStack, type Stack } from '../support/stack';
import type { Identity } from '../support/tokens';

const admin: Identity = { sub: 'registry-admin', roles: ['admin'] };
const supervisor: Identity = { sub: 'registry-supervisor', roles: ['supervisor'], supervisedUnits: ['soc-children-youth'] };
const referral = { caseType: 'youth-concern', referral: { sourceAgency: 'school', category: 'other', subject: { ageYears: 12 } } };

describe('the agency and unit registry through the API', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack('registry');
    await publishPolicy(stack.db.prisma, fastYouthConcernPolicy('registry-1', { protectionAssessment: { deadline: { kind: 'span', span: { amount: 600, unit: 'seconds' } }, reminders: [] } }));
  });
  afterAll(async () => {
    await stack.teardown();
  });

  async function openTask() {
    const { body } = await stack.api.post('/cases').send(referral).expect(201);
    const task = await eventually('the task opens', () => stack.db.prisma.task.findFirst({ where: { caseId: body.caseId, status: 'open' } }));
    return { caseId: body.caseId as string, taskId: task.id };
  }

  it('when the registry is read, then it has the agencies the center works with, each with units', async () => {
    const { body } = await stack.as(admin).get('/admin/registry').expect(200);
    const agencies = new Map((body.agencies as Array<{ code: string; units: Array<{ code: string; active: boolean }> }>).map((a) => [a.code, a.units]));
    for (const code of ['social-services', 'police', 'school', 'kriminalvarden', 'housing', 'labour-market', 'arbetsformedlingen', 'kronofogden', 'health-region', 'local-business', 'vpc']) {
      expect({ code, units: (agencies.get(code) ?? []).length > 0 }).toEqual({ code, units: true });
    }
  });

  it('when an admin adds an agency and a unit, then the unit takes work at once and its address change reaches the next email', async () => {
    await stack.as(admin).post('/admin/agencies').send({ code: 'school-foundation', name: 'Independent school foundation' }).expect(201);
    expect((await stack.as(admin).post('/admin/agencies').send({ code: 'school-foundation', name: 'Again' }).expect(409)).body.error.code).toBe('REGISTRY_CODE_TAKEN');
    const unit = { code: 'school-foundation-norsborg', agency: 'school-foundation', name: 'Norsborg independent school', notificationEmail: 'rektor@norsborg.example', supervisorEmail: 'bitr@norsborg.example', headEmail: 'huvudman@norsborg.example' };
    expect((await stack.as(admin).post('/admin/units').send({ ...unit, agency: 'no-such-agency' }).expect(422)).body.error.code).toBe('AGENCY_NOT_FOUND');
    const created = await stack.as(admin).post('/admin/units').send(unit).expect(201);
    expect(created.body).toMatchObject({ ...unit, active: true });
    expect((await stack.as(supervisor).get('/units').expect(200)).body.items).toContainEqual({ code: unit.code, agency: 'school-foundation', name: unit.name });

    // Work can go there at once: a task moved to it reaches its inbox.
    const { caseId, taskId } = await openTask();
    await stack.as(supervisor).post(`/tasks/${taskId}/reassign`).send({ unitCode: unit.code, reason: 'the pupil moved schools' }).expect(200);
    await stack.smtp.waitFor((m) => m.to.includes('rektor@norsborg.example') && m.subject.includes(caseId));

    // A new inbox address: the next email for the running task goes there.
    await stack.as(admin).post(`/admin/units/${unit.code}`).send({ notificationEmail: 'expedition@norsborg.example' }).expect(200);
    const newSupervisor: Identity = { sub: 'norsborg-supervisor', roles: ['supervisor'], supervisedUnits: [unit.code] };
    await stack.as(newSupervisor).post(`/tasks/${taskId}/extend`).send({ newDueAt: new Date(Date.now() + 7_200_000).toISOString(), justification: 'waiting for the new school' }).expect(200);
    await stack.smtp.waitFor((m) => m.to.includes('expedition@norsborg.example') && m.subject.includes(caseId) && m.subject.includes(emailHeadline('extended')));

    const audit = await stack.db.prisma.auditEvent.findMany({ where: { actor: admin.sub, phase: 'result', status: { lt: 300 } }, orderBy: { at: 'asc' } });
    expect(audit.map((a) => [a.action, a.detail])).toEqual([
      ['agency.create', { agency: 'school-foundation' }],
      ['unit.create', { unit: unit.code }],
      ['unit.update', { unit: unit.code, fields: ['notificationEmail'] }],
    ]);
  });

  it('when a unit still gets work, then it cannot be deactivated; once its tasks are moved it can, and it takes no more', async () => {
    const code = 'registry-temp';
    await stack.as(admin).post('/admin/units').send({ code, agency: 'social-services', name: 'Temporary unit', notificationEmail: 'temp@soc.example', supervisorEmail: 'temp-sup@soc.example', headEmail: 'temp-head@soc.example' }).expect(201);
    const { taskId } = await openTask();
    await stack.as(supervisor).post(`/tasks/${taskId}/reassign`).send({ unitCode: code, reason: 'pilot' }).expect(200);

    const refused = await stack.as(admin).post(`/admin/units/${code}`).send({ active: false }).expect(409);
    expect(refused.body.error).toMatchObject({ code: 'UNIT_IN_USE', reason: 'in-use', uses: [{ kind: 'open-tasks', count: 1 }] });
    expect(refused.body.error.message).toContain('1 open task');
    // A unit the active policy names gets new tasks: it stays active too. Each use comes as data, for a client to say in its own words.
    const named = (await stack.as(admin).post('/admin/units/soc-children-youth').send({ active: false }).expect(409)).body.error;
    expect(named.message).toContain('policy');
    expect(named.uses).toEqual(expect.arrayContaining([{ kind: 'policy', caseType: 'youth-concern', version: expect.any(String) }]));

    const tempSupervisor: Identity = { sub: 'registry-temp-supervisor', roles: ['supervisor'], supervisedUnits: [code] };
    await stack.as(tempSupervisor).post(`/tasks/${taskId}/reassign`).send({ unitCode: 'soc-children-youth', reason: 'pilot over' }).expect(200);
    expect((await stack.as(admin).post(`/admin/units/${code}`).send({ active: false }).expect(200)).body.active).toBe(false);

    expect((await stack.as(supervisor).get('/units').expect(200)).body.items.map((u: { code: string }) => u.code)).not.toContain(code);
    expect((await stack.as(supervisor).post(`/tasks/${taskId}/reassign`).send({ unitCode: code, reason: 'again' }).expect(422)).body.error.code).toBe('UNIT_INACTIVE');
    // It held a task: it is history, so it is deactivated, never deleted.
    expect((await stack.as(admin).post(`/admin/units/${code}/delete`).send({}).expect(409)).body.error).toMatchObject({ code: 'UNIT_IN_USE', reason: 'has-history' });
  });

  it('when a unit never used is deleted, then it is gone', async () => {
    const code = 'registry-typo';
    await stack.as(admin).post('/admin/units').send({ code, agency: 'school', name: 'A typo', notificationEmail: 'typo@skola.example', supervisorEmail: 'typo@skola.example', headEmail: 'typo@skola.example' }).expect(201);
    await stack.as(admin).post(`/admin/units/${code}/delete`).send({}).expect(200);
    expect(await stack.db.prisma.unit.findUnique({ where: { code } })).toBeNull();
    await stack.as(admin).post(`/admin/units/${code}/delete`).send({}).expect(404);
  });

  describe('publishing a version that names units', () => {
    type RoutingTable = { version: string; rules: Array<{ id: string; then: { units: Record<string, string> } }> };
    const activeRouting = async () => (await stack.as(admin).get('/admin/routing').expect(200)).body.active as RoutingTable;
    /** The active table as a new version, one rule's protection assessment sent to `unitCode`; the rule's index. */
    async function routingTo(version: string, unitCode: string) {
      const table = { ...(await activeRouting()), version };
      const index = table.rules.findIndex((r) => r.then.units.protectionAssessment);
      table.rules[index].then.units.protectionAssessment = unitCode;
      return { table, index };
    }
    /** The newest seeded version of a case type's policy as a new version: it has every step its type needs, so only what a test changes is refused. */
    async function seededPolicyAs(caseType: string, version: string): Promise<PolicyDocument> {
      const items = (await stack.as(admin).get('/admin/policies').expect(200)).body.items as Array<{ caseType: string; version: string }>;
      // This file's own versions (registry-1 has only the first steps) start with "registry-".
      const seeded = items.find((i) => i.caseType === caseType && !i.version.startsWith('registry-'))!;
      return { ...(await stack.as(admin).get(`/admin/policies/${caseType}/${seeded.version}`).expect(200)).body.document, version };
    }
    const published = async (caseType: string, version: string) =>
      [await stack.db.prisma.policy.count({ where: { caseType, version } }), await stack.db.prisma.routingTable.count({ where: { version } })];

    it("when a youth-concern version drops an outcome its workflow acts on for the child's safety, then it is refused with 422 INVALID_POLICY naming each step's outcomes, and nothing is published", async () => {
      const policy = await seededPolicyAs('youth-concern', 'registry-unsafe');
      policy.steps.protectionAssessment.outcomes = policy.steps.protectionAssessment.outcomes.filter((o) => o !== 'immediate-protection-needed');
      policy.steps.investigationDecision.outcomes = ['no-investigation', 'investigation-opened'];
      const refused = (await stack.as(admin).post('/admin/policies').send(policy).expect(422)).body.error;
      expect(refused.code).toBe('INVALID_POLICY');
      expect(refused.fields.map((f: { field: string }) => f.field)).toEqual(['steps.protectionAssessment.outcomes', 'steps.investigationDecision.outcomes']);
      expect(refused.fields[1].problem).toContain('open-investigation');
      expect(await published('youth-concern', 'registry-unsafe')).toEqual([0, 0]);
    });

    it('when a policy or routing version names a deactivated unit, then it is refused with 422 UNIT_INACTIVE naming each path, and nothing is published', async () => {
      const code = 'registry-retired';
      await stack.as(admin).post('/admin/units').send({ code, agency: 'social-services', name: 'Retired unit', notificationEmail: 'retired@soc.example', supervisorEmail: 'retired@soc.example', headEmail: 'retired@soc.example' }).expect(201);
      await stack.as(admin).post(`/admin/units/${code}`).send({ active: false }).expect(200);

      const policy = await seededPolicyAs('youth-concern', 'registry-inactive');
      policy.steps.investigation.unitCode = code;
      policy.steps.followUp.unitCode = code;
      const refusedPolicy = (await stack.as(admin).post('/admin/policies').send(policy).expect(422)).body.error;
      expect(refusedPolicy.code).toBe('UNIT_INACTIVE');
      expect(refusedPolicy.fields.map((f: { field: string }) => f.field).sort()).toEqual(['steps.followUp.unitCode', 'steps.investigation.unitCode']);

      // Who is told while a step waits for consent gets work too.
      const sig = await seededPolicyAs('social-intervention-group', 'registry-inactive');
      const [gated] = Object.entries(sig.steps).find(([, step]) => step.consent)!;
      sig.steps[gated].consent!.waitUnitCode = code;
      const refusedWait = (await stack.as(admin).post('/admin/policies').send(sig).expect(422)).body.error;
      expect(refusedWait).toMatchObject({ code: 'UNIT_INACTIVE', fields: [{ field: `steps.${gated}.consent.waitUnitCode`, problem: expect.any(String) }] });

      const { table, index } = await routingTo('registry-inactive', code);
      const refusedRouting = (await stack.as(admin).post('/admin/routing').send(table).expect(422)).body.error;
      expect(refusedRouting).toMatchObject({ code: 'UNIT_INACTIVE', fields: [{ field: `rules.${index}.then.units.protectionAssessment`, problem: expect.any(String) }] });

      expect(await published('youth-concern', 'registry-inactive')).toEqual([0, 0]);
      expect(await published('social-intervention-group', 'registry-inactive')).toEqual([0, 0]);
      expect((await activeRouting()).version).not.toBe('registry-inactive');
    });

    it('when a never-used unit is named by the active routing table, then deleting it is refused with its use, and it stays', async () => {
      const code = 'registry-routed-to';
      await stack.as(admin).post('/admin/units').send({ code, agency: 'social-services', name: 'Routed to', notificationEmail: 'routed@soc.example', supervisorEmail: 'routed@soc.example', headEmail: 'routed@soc.example' }).expect(201);
      const before = await activeRouting();
      const { table } = await routingTo('registry-routed-to', code);
      await stack.as(admin).post('/admin/routing').send(table).expect(201);
      try {
        const refused = (await stack.as(admin).post(`/admin/units/${code}/delete`).send({}).expect(409)).body.error;
        expect(refused).toMatchObject({ code: 'UNIT_IN_USE', reason: 'in-use', uses: [{ kind: 'routing', version: 'registry-routed-to' }] });
        expect(await stack.db.prisma.unit.count({ where: { code } })).toBe(1);
        // The refusal's audit row says which unit it was refused on, as a success's does.
        const rows = await stack.db.prisma.auditEvent.findMany({ where: { actor: admin.sub, action: 'unit.delete', status: 409 } });
        expect(rows.map((r) => r.detail)).toContainEqual({ unit: code });
      } finally {
        await stack.as(admin).post('/admin/routing').send({ ...before, version: 'registry-routed-back' }).expect(201);
      }
      // Named by no active version any more, never used: now it may go.
      await stack.as(admin).post(`/admin/units/${code}/delete`).send({}).expect(200);
    });

    it('when a routing version naming a unit and the unit\'s deactivation arrive together, then one of them is refused: no active version sends work to a deactivated unit', async () => {
      const before = await activeRouting();
      for (let round = 0; round < 5; round++) {
        const code = `registry-race-${round}`;
        await stack.as(admin).post('/admin/units').send({ code, agency: 'social-services', name: `Race ${round}`, notificationEmail: 'race@soc.example', supervisorEmail: 'race@soc.example', headEmail: 'race@soc.example' }).expect(201);
        const { table } = await routingTo(`registry-race-${round}`, code);
        const [publish, deactivate] = await Promise.all([stack.as(admin).post('/admin/routing').send(table), stack.as(admin).post(`/admin/units/${code}`).send({ active: false })]);
        const outcome = { publish: publish.status, deactivate: deactivate.status };
        expect([
          { publish: 201, deactivate: 409 },
          { publish: 422, deactivate: 200 },
        ]).toContainEqual(outcome);
        const unit = await stack.db.prisma.unit.findUniqueOrThrow({ where: { code }, select: { active: true } });
        expect({ round, activeRoutingNamesIt: (await activeRouting()).version === table.version, unitActive: unit.active }).toEqual({ round, activeRoutingNamesIt: publish.status === 201, unitActive: publish.status === 201 });
        if (publish.status === 201) await stack.as(admin).post('/admin/routing').send({ ...before, version: `registry-race-back-${round}` }).expect(201);
      }
    });

    it('when a policy or routing version names a unit not in the registry, then it is refused with 422 UNIT_NOT_FOUND naming its path, before any deactivated one', async () => {
      const retired = 'registry-retired-too';
      await stack.as(admin).post('/admin/units').send({ code: retired, agency: 'social-services', name: 'Also retired', notificationEmail: 'retired2@soc.example', supervisorEmail: 'retired2@soc.example', headEmail: 'retired2@soc.example' }).expect(201);
      await stack.as(admin).post(`/admin/units/${retired}`).send({ active: false }).expect(200);

      const policy = await seededPolicyAs('youth-concern', 'registry-unknown');
      policy.steps.investigation.unitCode = 'registry-no-such-unit';
      policy.steps.followUp.unitCode = retired;
      const refusedPolicy = (await stack.as(admin).post('/admin/policies').send(policy).expect(422)).body.error;
      expect(refusedPolicy).toMatchObject({ code: 'UNIT_NOT_FOUND', fields: [{ field: 'steps.investigation.unitCode', problem: expect.any(String) }] });

      const { table, index } = await routingTo('registry-unknown', 'registry-no-such-unit');
      const refusedRouting = (await stack.as(admin).post('/admin/routing').send(table).expect(422)).body.error;
      expect(refusedRouting).toMatchObject({ code: 'UNIT_NOT_FOUND', fields: [{ field: `rules.${index}.then.units.protectionAssessment`, problem: expect.any(String) }] });
      expect(await published('youth-concern', 'registry-unknown')).toEqual([0, 0]);
    });

    it('when a policy names a time of day that is none (25:99, 24:00), then it is refused with 400 naming each path, and nothing is published', async () => {
      const policy = await seededPolicyAs('youth-concern', 'registry-bad-time');
      policy.steps.protectionAssessment.deadline = { kind: 'sameWorkingDay', cutoffLocalTime: '25:99', dueLocalTime: '24:00' };
      // The control: the first and last minutes of the day are times.
      policy.steps.investigation.deadline = { kind: 'sameWorkingDay', cutoffLocalTime: '23:59', dueLocalTime: '00:00' };
      const refused = (await stack.as(admin).post('/admin/policies').send(policy).expect(400)).body.error;
      expect(refused.code).toBe('VALIDATION_FAILED');
      expect(refused.fields).toEqual([
        { field: 'steps.protectionAssessment.deadline.cutoffLocalTime', problem: 'must be a time of day as HH:MM, from 00:00 to 23:59' },
        { field: 'steps.protectionAssessment.deadline.dueLocalTime', problem: 'must be a time of day as HH:MM, from 00:00 to 23:59' },
      ]);
      expect(await published('youth-concern', 'registry-bad-time')).toEqual([0, 0]);
    });
  });
});
