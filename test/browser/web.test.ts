import { devIdentities } from '../../dev/devAuth';
import { expectNoAxeViolations, screenshot, startProtectionAssessment, startWebStack, shown, type WebStack } from '../support/browser';

const users = [
  ...devIdentities,
  { sub: 'dev-staff-police', roles: ['staff' as const], units: ['police-safety'] },
];

const referral = {
  caseType: 'youth-concern',
  referral: {
    sourceAgency: 'police',
    category: 'drug-possession',
    suspectedOfCrime: false,
    subject: { displayName: 'Kalle Testsson', personalIdentityNumber: '20110312-2386', ageYears: 15 },
    narrative: 'Hittad med cannabis i skolskåpet.',
  },
};

const startCase = (web: WebStack) => startProtectionAssessment(web, referral);

describe('the staff web app in a browser', () => {
  let web: WebStack;
  beforeAll(async () => {
    web = await startWebStack('web', { users });
  });
  afterAll(async () => {
    await web?.teardown();
  });

  it('when someone opens the app signed out, then the start page offers sign-in and the accessibility statement, without axe violations', async () => {
    const { page, context } = await web.newPage();
    await page.goto(`${web.appUrl}/`);
    await expect(shown(page.getByRole('heading', { level: 1, name: 'Logga in' }))).resolves.toBe(true);
    await expectNoAxeViolations(page);
    await screenshot(page, 'logga-in');
    await page.getByRole('contentinfo').getByRole('link', { name: 'Tillgänglighetsredogörelse' }).click();
    await expect(shown(page.getByRole('heading', { level: 1, name: 'Tillgänglighetsredogörelse' }))).resolves.toBe(true);
    await expectNoAxeViolations(page);
    await screenshot(page, 'tillganglighetsredogorelse');
    // Signing in leads to the dev identity provider, where a newcomer picks one user per role.
    await page.goto(`${web.appUrl}/`);
    await page.getByRole('link', { name: 'Logga in' }).click();
    await expect(shown(page.getByRole('heading', { level: 1, name: 'Välj en utvecklingsanvändare' }))).resolves.toBe(true);
    await screenshot(page, 'valj-anvandare');
    await context.close();
  });

  it('when staff sign in and complete a task from the inbox, then the task shows completed and each page view is audited as its API read', async () => {
    const { caseId, taskId } = await startCase(web);
    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-staff-children-youth');
    await expect(shown(page.getByRole('heading', { level: 1, name: 'Inkorg' }))).resolves.toBe(true);
    const nav = page.getByRole('navigation', { name: 'Huvudmeny' });
    await expect(nav.getByRole('link').allInnerTexts()).resolves.toEqual(['Inkorg']);
    await expectNoAxeViolations(page);
    await screenshot(page, 'inkorg');

    await page.getByRole('row').filter({ hasText: caseId }).getByRole('link', { name: 'Skyddsbedömning' }).click();
    await expect(shown(page.getByRole('heading', { level: 1, name: 'Uppgift: Skyddsbedömning' }))).resolves.toBe(true);
    await expectNoAxeViolations(page);
    await screenshot(page, 'uppgift');

    // Without an outcome the browser's own check stops the form; past it, the server names the field.
    await page.getByRole('radio', { name: 'Inget omedelbart skyddsbehov' }).check();
    await page.getByRole('textbox', { name: 'Anteckning (valfri)' }).fill('Samtal med skolan.');
    await page.getByRole('button', { name: 'Slutför uppgiften' }).click();
    await expect(page.getByRole('status').innerText()).resolves.toContain('Uppgiften är slutförd.');
    await expect(shown(page.getByText('Slutförd', { exact: true }).first())).resolves.toBe(true);

    const rows = await web.stack.db.prisma.auditEvent.findMany({ where: { actor: 'dev-staff-children-youth' }, orderBy: { at: 'asc' } });
    const actions = rows.map((r) => `${r.action} ${r.status ?? ''}`.trim());
    expect(actions).toEqual(expect.arrayContaining(['session.start 303', 'task.list 200', 'case.read 200', 'task.complete', 'task.complete 200']));
    expect(rows.find((r) => r.action === 'task.complete' && r.status === 200)?.taskId).toBe(taskId);

    await page.getByRole('button', { name: 'Logga ut' }).click();
    await expect(page.getByRole('status').innerText()).resolves.toContain('Du är utloggad.');
    // Signed out, a page sends the browser to sign in again (the dev provider asks who).
    await page.goto(`${web.appUrl}/inkorg`);
    await expect(shown(page.getByRole('heading', { level: 1, name: 'Välj en utvecklingsanvändare' }))).resolves.toBe(true);
    await context.close();
  });

  it('when another has completed the task first, then completing it again says who completed it and when', async () => {
    const { caseId, taskId } = await startCase(web);
    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-staff-children-youth', `/arenden/${caseId}/uppgifter/${taskId}`);
    await web.stack.api.post(`/tasks/${taskId}/complete`).set('X-Actor-Id', 'handlaggare-b').send({ outcome: 'no-immediate-risk' }).expect(200);
    await page.getByRole('radio', { name: 'Omedelbart skyddsbehov', exact: true }).check();
    await page.getByRole('button', { name: 'Slutför uppgiften' }).click();
    const alert = await page.getByRole('alert').innerText();
    expect(alert).toMatch(/^Uppgiften är redan slutförd av handlaggare-b \d+ [a-z]+\. \d{4} \d{2}:\d{2}\.$/);
    await expectNoAxeViolations(page);
    await context.close();
  });

  it('when a supervisor extends a deadline with too short a justification, then the error sits next to the field; with a proper one, the extension shows', async () => {
    const { caseId, taskId } = await startCase(web);
    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-supervisor-children-youth', `/arenden/${caseId}/uppgifter/${taskId}`);
    // A supervisor extends; completing is staff's.
    await expect(page.getByRole('button', { name: 'Slutför uppgiften' }).count()).resolves.toBe(0);
    await page.getByLabel('Ny tidsfrist').fill('2030-01-15T16:00');
    await page.getByRole('textbox', { name: 'Motivering' }).fill('Kort');
    await page.getByRole('button', { name: 'Förläng tidsfristen' }).click();
    const field = page.getByRole('textbox', { name: 'Motivering' });
    await expect(field.getAttribute('aria-describedby')).resolves.toContain('fel-motivering');
    await expect(page.locator('#fel-motivering').innerText()).resolves.toBe('Skriv en motivering på minst 10 tecken.');
    await expect(field.inputValue()).resolves.toBe('Kort');
    await expectNoAxeViolations(page);
    await screenshot(page, 'uppgift-fel');

    await field.fill('Beslut i arbetsgruppen: utredningen väntar på skolans underlag.');
    await page.getByRole('button', { name: 'Förläng tidsfristen' }).click();
    await expect(page.getByRole('status').innerText()).resolves.toContain('Tidsfristen är förlängd.');
    await expect(shown(page.getByText('Beslut i arbetsgruppen'))).resolves.toBe(true);
    await expect(page.locator('time[datetime="2030-01-15T15:00:00.000Z"]').count()).resolves.toBeGreaterThan(0);
    await context.close();
  });

  it('when police staff open a case not shared with the police, then the page is the same as for a case that does not exist', async () => {
    const { caseId, taskId } = await startCase(web);
    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-staff-police', '/inkorg');
    const seen: string[] = [];
    for (const path of [`/arenden/${caseId}`, `/arenden/${caseId}/uppgifter/${taskId}`, '/arenden/VPC-2026-NOSUCH00', '/arenden/VPC-2026-NOSUCH00/uppgifter/nosuch']) {
      const answer = await page.goto(`${web.appUrl}${path}`);
      expect(answer?.status()).toBe(404);
      seen.push(await page.getByRole('main').innerText());
    }
    expect(new Set(seen).size).toBe(1);
    expect(seen[0]).not.toContain(caseId);
    await expectNoAxeViolations(page);
    await context.close();
  });

  it("when a form is posted without the session's form token, then nothing changes; the session cookie is HttpOnly, SameSite=Lax and random; a login answer replayed signs nobody in", async () => {
    const { caseId, taskId } = await startCase(web);
    const { page, context } = await web.newPage();
    const callbacks: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/app/auth/callback')) callbacks.push(r.url());
    });
    await web.signIn(page, 'dev-staff-children-youth', `/arenden/${caseId}/uppgifter/${taskId}`);
    const [cookie] = (await context.cookies()).filter((c) => c.name === 'samverkan_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/app' });
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const forged = await page.request.post(`${web.appUrl}/arenden/${caseId}/uppgifter/${taskId}/slutfor`, { form: { outcome: 'no-immediate-risk' }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('Formuläret har gått ut');
    const task = await web.stack.db.prisma.task.findUniqueOrThrow({ where: { id: taskId } });
    expect(task.status).toBe('open');
    // A login's answer is taken once: replaying its code and state signs nobody in.
    expect(callbacks).toHaveLength(1);
    const { page: other, context: otherContext } = await web.newPage();
    await other.goto(callbacks[0]);
    await expect(other.getByRole('status').innerText()).resolves.toBe('Inloggningen misslyckades. Försök igen.');
    expect((await otherContext.cookies()).filter((c) => c.name === 'samverkan_session')).toEqual([]);
    await otherContext.close();
    await context.close();
  });

  it('when a page shows a case, then its audit row is the one the API writes for the same read', async () => {
    const { caseId } = await startCase(web);
    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-staff-children-youth', `/arenden/${caseId}`);
    const staff = { sub: 'dev-staff-children-youth', roles: ['staff' as const], units: ['soc-children-youth'] };
    await web.stack.as(staff).get(`/cases/${caseId}`).expect(200);
    const rows = await web.stack.db.prisma.auditEvent.findMany({ where: { actor: staff.sub, caseId, action: 'case.read' }, orderBy: { at: 'asc' } });
    const shape = (r: (typeof rows)[number]) => ({ action: r.action, method: r.method, route: r.route, status: r.status, caseId: r.caseId, taskId: r.taskId, actorRoles: r.actorRoles, detail: r.detail, phase: r.phase });
    expect(rows).toHaveLength(2);
    expect(shape(rows[0])).toEqual(shape(rows[1]));
    expect(rows[0].requestId).not.toBe(rows[1].requestId);
    await context.close();
  });

  it('when a coordinator registers a referral from an agency of the registry that rarely refers, then the form offers it by name and the case records it as the source', async () => {
    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-coordinator', '/ny-anmalan');
    const source = page.getByLabel('Anmälande aktör');
    // Every agency of the registry, by its Swedish name; the police first chosen, as most referrals come from them.
    const offered = await source.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    const registry = await web.stack.db.prisma.agency.findMany({ select: { code: true } });
    expect([...offered].sort()).toEqual(registry.map((a) => a.code).sort());
    await expect(source.inputValue()).resolves.toBe('police');
    await source.selectOption({ label: 'Region Stockholm, hälso- och sjukvård' });
    await page.getByLabel('Kategori').selectOption({ label: 'Narkotikainnehav' });
    await page.getByLabel('Ålder').fill('16');
    await page.getByRole('button', { name: 'Förhandsgranska routning' }).click();
    await expect(shown(page.getByRole('region', { name: 'Routning' }))).resolves.toBe(true);
    await expect(source.inputValue()).resolves.toBe('health-region');
    await expectNoAxeViolations(page);
    await page.getByRole('button', { name: 'Starta ärendet' }).click();
    await expect(page.getByRole('status').innerText()).resolves.toBe('Ärendet är registrerat.');
    const caseId = /Ärende (VPC-\S+)/.exec(await page.getByRole('heading', { level: 1 }).innerText())?.[1] as string;
    const kase = await web.stack.db.prisma.case.findUniqueOrThrow({ where: { id: caseId }, select: { sourceAgency: true } });
    expect(kase.sourceAgency).toBe('health-region');
    await context.close();
  });

  it('when a coordinator registers a referral with a malformed personnummer, then the error sits next to that field in Swedish and no case starts', async () => {
    const before = await web.stack.db.prisma.case.count();
    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-coordinator', '/ny-anmalan');
    await page.getByLabel('Ålder').fill('16');
    await page.getByLabel('Personnummer (valfritt, ÅÅÅÅMMDD-NNNN)').fill('20100101-0000');
    await page.getByRole('button', { name: 'Förhandsgranska routning' }).click();
    const field = page.getByLabel('Personnummer (valfritt, ÅÅÅÅMMDD-NNNN)');
    await expect(field.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator('#pnr-fel').innerText()).resolves.toBe('Ange ett giltigt personnummer eller samordningsnummer (ÅÅÅÅMMDD-NNNN).');
    await expect(field.inputValue()).resolves.toBe('20100101-0000');
    await expect(page.getByRole('button', { name: 'Starta ärendet' }).count()).resolves.toBe(0);
    await expectNoAxeViolations(page);
    expect(await web.stack.db.prisma.case.count()).toBe(before);
    await context.close();
  });

  it('when the referring agency sent is not in the registry (as if it left between reading the form and sending it), then the refusal sits next to the agency field in Swedish and no case starts', async () => {
    const before = await web.stack.db.prisma.case.count();
    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-coordinator', '/ny-anmalan');
    const source = page.getByLabel('Anmälande aktör');
    await source.evaluate((select: HTMLSelectElement) => {
      select.selectedOptions[0].value = 'no-such-agency';
    });
    await page.getByLabel('Ålder').fill('16');
    await page.getByRole('button', { name: 'Förhandsgranska routning' }).click();
    await expect(page.locator('#source-fel').innerText()).resolves.toBe('Aktören finns inte i registret. Välj en aktör i listan.');
    await expect(page.getByRole('alert').innerText()).resolves.toBe('Formuläret innehåller fel. Rätta fälten som är markerade.');
    await expect(source.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(source.getAttribute('aria-describedby')).resolves.toBe('source-fel');
    await expect(page.getByRole('button', { name: 'Starta ärendet' }).count()).resolves.toBe(0);
    await expectNoAxeViolations(page);
    expect(await web.stack.db.prisma.case.count()).toBe(before);
    await context.close();
  });
});
