import { devIdentities } from '../../dev/devAuth';
import { expectNoAxeViolations, screenshot, startProtectionAssessment, startWebStack, youthConcernReferral, shown, type WebStack } from '../support/browser';

/** A colleague in the supervisor's unit, with a name the dev identity provider puts in the token. */
const colleague = { sub: 'dev-staff-children-youth-2', name: 'Tove Sjöberg', roles: ['staff' as const], units: ['soc-children-youth'] };
const users = [...devIdentities, colleague];

const referral = youthConcernReferral({ displayName: 'Ada Provsson', personalIdentityNumber: '20110312-2386', narrative: 'Oro från skolan.' });

describe('assigning a task to a person of the unit, in the staff web app', () => {
  let web: WebStack;
  beforeAll(async () => {
    web = await startWebStack('web-assigning', { users });
  });
  afterAll(async () => {
    await web?.teardown();
  });

  it('when a colleague has signed in and a supervisor chooses them from the list, then the task is theirs, the list read is audited, the inbox and the history name her, and each page passes axe', async () => {
    // The colleague signs in once: the web app's sign-in records them in the staff directory.
    const them = await web.newPage();
    await web.signIn(them.page, colleague.sub, '/inkorg');
    await them.context.close();

    const { caseId, taskId } = await startProtectionAssessment(web, referral);
    const { page, context, consoleErrors } = await web.newPage();
    await web.signIn(page, 'dev-supervisor-children-youth', `/arenden/${caseId}/uppgifter/${taskId}`);
    const list = page.getByRole('combobox', { name: 'Person i enheten' });
    await expect(shown(list)).resolves.toBe(true);
    await expect(list.locator('option', { hasText: 'Tove Sjöberg (dev-staff-children-youth-2)' }).count()).resolves.toBe(1);
    await expect(shown(page.getByRole('textbox', { name: 'Annan person (användar-id)' }))).resolves.toBe(true);
    await expectNoAxeViolations(page);

    // Neither chosen nor typed: said next to the list, nothing assigned.
    await page.getByRole('button', { name: 'Tilldela uppgiften' }).click();
    await expect(page.locator('#fel-tilldela').innerText()).resolves.toBe('Välj en person i listan eller ange ett användar-id.');
    await expect(list.getAttribute('aria-describedby')).resolves.toBe('tilldela-hint fel-tilldela');
    await expectNoAxeViolations(page);

    await list.selectOption({ label: 'Tove Sjöberg (dev-staff-children-youth-2)' });
    await page.getByRole('button', { name: 'Tilldela uppgiften' }).click();
    await expect(page.getByRole('status').innerText()).resolves.toContain('Uppgiften är tilldelad.');
    await expect(page.locator('.facts').innerText()).resolves.toMatch(/Hålls av\s+Tove Sjöberg \(dev-staff-children-youth-2\)/);
    await screenshot(page, 'uppgift-tilldela-ur-listan');
    const task = await web.stack.db.prisma.task.findUniqueOrThrow({ where: { id: taskId }, select: { assignee: true } });
    expect(task.assignee).toBe(colleague.sub);

    const reads = await web.stack.db.prisma.auditEvent.findMany({ where: { actor: 'dev-supervisor-children-youth', action: 'unit.people' } });
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((r) => r.status === 200 && (r.detail as { unit?: string }).unit === 'soc-children-youth')).toBe(true);
    expect(consoleErrors.filter((e) => !e.startsWith('Failed to load resource: the server responded with a status of 400'))).toEqual([]);
    await context.close();

    // Another of the unit's staff sees by name who holds it, in the inbox and on the task with its history:
    // the names come with the task list and the history, so no read of the unit's people is made.
    const staff = await web.newPage();
    await web.signIn(staff.page, 'dev-staff-children-youth', '/inkorg');
    const row = staff.page.getByRole('row').filter({ hasText: caseId });
    await expect(shown(row)).resolves.toBe(true);
    await expect(row.getByRole('cell').last().innerText()).resolves.toBe('Tove Sjöberg (dev-staff-children-youth-2)');
    await expectNoAxeViolations(staff.page);
    await row.getByRole('link', { name: 'Skyddsbedömning' }).click();
    await expect(shown(staff.page.locator('.facts'))).resolves.toBe(true);
    await expect(staff.page.locator('.facts').innerText()).resolves.toMatch(/Hålls av\s+Tove Sjöberg \(dev-staff-children-youth-2\)/);
    const history = staff.page.getByRole('region', { name: 'Vem som har hållit uppgiften' });
    await expect(history.getByRole('listitem').last().innerText()).resolves.toMatch(
      /Tilldelade uppgiften till Tove Sjöberg \(dev-staff-children-youth-2\) – Karin Öberg \(dev-supervisor-children-youth\)$/,
    );
    await expectNoAxeViolations(staff.page);
    const staffReads = await web.stack.db.prisma.auditEvent.findMany({ where: { actor: 'dev-staff-children-youth', action: 'unit.people' } });
    expect(staffReads).toEqual([]);
    await staff.context.close();
  });

  it('when a supervisor types the id of someone who has never signed in, then the task is assigned to them; choosing and typing two people is refused next to the typed field', async () => {
    const { caseId, taskId } = await startProtectionAssessment(web, referral);
    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-supervisor-children-youth', `/arenden/${caseId}/uppgifter/${taskId}`);
    const typed = page.getByRole('textbox', { name: 'Annan person (användar-id)' });
    await page.getByRole('combobox', { name: 'Person i enheten' }).selectOption({ label: 'Tove Sjöberg (dev-staff-children-youth-2)' });
    await typed.fill('new-staff-not-seen');
    await page.getByRole('button', { name: 'Tilldela uppgiften' }).click();
    await expect(page.locator('#fel-tilldela-annan').innerText()).resolves.toBe('Välj en person i listan eller ange ett användar-id, inte båda.');
    await expect(typed.inputValue()).resolves.toBe('new-staff-not-seen');
    await expectNoAxeViolations(page);

    await page.getByRole('combobox', { name: 'Person i enheten' }).selectOption({ label: 'Välj en person' });
    await page.getByRole('button', { name: 'Tilldela uppgiften' }).click();
    await expect(page.getByRole('status').innerText()).resolves.toContain('Uppgiften är tilldelad.');
    const task = await web.stack.db.prisma.task.findUniqueOrThrow({ where: { id: taskId }, select: { assignee: true } });
    expect(task.assignee).toBe('new-staff-not-seen');
    await context.close();
  });
});
