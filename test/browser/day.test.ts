import { readFile } from 'node:fs/promises';
import { fastYouthConcernPolicy } from '../support/policies';
import { eventually } from '../support/stack';
import { expectNoAxeViolations, screenshot, startWebStack, shown, type WebStack } from '../support/browser';

const seconds = (amount: number) => ({ kind: 'span' as const, span: { amount, unit: 'seconds' as const } });

/**
 * A day at the center, in the browser, on a policy of seconds: the protection assessment gives
 * staff ten minutes; the decision after it lapses in three seconds and escalates to the supervisor.
 */
describe('a day at the center, in the browser', () => {
  let web: WebStack;
  beforeAll(async () => {
    web = await startWebStack('day', {
      policy: fastYouthConcernPolicy('test-day', {
        protectionAssessment: { deadline: seconds(600) },
        investigationDecision: { deadline: seconds(3), escalation: [{ after: { amount: 0, unit: 'seconds' }, target: 'unitSupervisor' }] },
        investigation: { deadline: seconds(600) },
      }),
    });
  });
  afterAll(async () => {
    await web?.teardown();
  });

  it('when a coordinator registers a referral, staff assess it, a deadline lapses and the supervisor acknowledges, then the auditor finds every page view', async () => {
    // The coordinator registers the referral, checks where it goes, starts it and records consent.
    const coordinator = await web.newPage();
    let page = coordinator.page;
    await web.signIn(page, 'dev-coordinator');
    await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Ny anmälan' }).click();
    await page.getByLabel('Anmälande aktör').selectOption({ label: 'Polisen' });
    await page.getByLabel('Kategori').selectOption({ label: 'Narkotikainnehav' });
    await page.getByLabel('Ålder').fill('15');
    await page.getByLabel('Antal vårdnadshavare (valfritt)').fill('2');
    await page.getByRole('button', { name: 'Förhandsgranska routning' }).click();
    await expect(page.getByRole('region', { name: 'Routning' }).innerText()).resolves.toContain('Oro för ung person');
    await expectNoAxeViolations(page);
    await screenshot(page, 'ny-anmalan');
    await page.getByRole('button', { name: 'Starta ärendet' }).click();
    await expect(page.getByRole('status').innerText()).resolves.toBe('Ärendet är registrerat.');
    const caseId = /Ärende (VPC-\S+)/.exec(await page.getByRole('heading', { level: 1 }).innerText())?.[1] as string;
    expect(caseId).toMatch(/^VPC-/);
    await page.getByRole('radio', { name: 'Vårdnadshavare' }).check();
    await page.getByLabel('Mottagande aktör').selectOption({ label: 'Skolan' });
    await page.getByLabel('Syfte', { exact: true }).fill('sig');
    await page.getByRole('button', { name: 'Registrera svaret' }).click();
    await expect(page.getByRole('status').innerText()).resolves.toBe('Samtycket är registrerat.');
    await expect(shown(page.getByText('Vårdnadshavare till Skolan (sig): Givet'))).resolves.toBe(true);
    // The other guardian says no to sharing with the police: recorded as a refusal.
    await page.getByRole('radio', { name: 'Nekar samtycke' }).check();
    await page.getByRole('radio', { name: 'Vårdnadshavare' }).check();
    await page.getByLabel('Mottagande aktör').selectOption({ label: 'Polisen' });
    await page.getByLabel('Syfte', { exact: true }).fill('sig');
    await page.getByRole('button', { name: 'Registrera svaret' }).click();
    await expect(page.getByRole('status').innerText()).resolves.toContain('Nekat samtycke är registrerat.');
    await expect(shown(page.getByText('Vårdnadshavare till Polisen (sig): Nekat'))).resolves.toBe(true);

    // Staff find the protection assessment in their inbox, filtered by case type (kept in the URL), and complete it.
    const staff = await web.newPage();
    page = staff.page;
    await web.signIn(page, 'dev-staff-children-youth');
    await page.getByLabel('Ärendetyp').selectOption({ label: 'Oro för ung person' });
    // htmx (under the CSP) fetches only the list and pushes the filters into the URL.
    const swap = page.waitForRequest((r) => r.headers()['hx-request'] === 'true' && r.url().includes('caseType=youth-concern'));
    await page.getByRole('button', { name: 'Visa' }).click();
    await swap;
    await page.waitForURL(/caseType=youth-concern/);
    const row = page.getByRole('row').filter({ hasText: caseId });
    await eventually('the protection assessment in the inbox', async () => (await row.count()) > 0 || (await page.reload(), false), 30_000);
    await row.getByRole('link', { name: 'Skyddsbedömning' }).click();
    await page.goBack();
    await expect(page.getByLabel('Ärendetyp').inputValue()).resolves.toBe('youth-concern');
    await row.getByRole('link', { name: 'Skyddsbedömning' }).click();
    await page.getByRole('radio', { name: 'Inget omedelbart skyddsbehov' }).check();
    await page.getByRole('button', { name: 'Slutför uppgiften' }).click();
    await expect(page.getByRole('status').innerText()).resolves.toBe('Uppgiften är slutförd.');

    // The decision's three seconds lapse: the escalation reaches the supervisor.
    await eventually('the escalation of the decision', () => web.stack.db.prisma.escalation.findFirst({ where: { caseId, status: 'open' } }), 60_000);
    await page.goto(`${web.appUrl}/arenden/${caseId}`);
    await expect(page.getByRole('list').filter({ hasText: 'eskalerades' }).count()).resolves.toBeGreaterThan(0);
    await expectNoAxeViolations(page);
    await screenshot(page, 'arende');

    const supervisor = await web.newPage();
    page = supervisor.page;
    await web.signIn(page, 'dev-supervisor-children-youth');
    await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Översikt' }).click();
    const escalated = page.getByRole('table', { name: 'Eskaleringar som väntar på kvittering' }).getByRole('row').filter({ hasText: caseId });
    await expect(shown(escalated.getByRole('link', { name: 'Beslut om utredning' }))).resolves.toBe(true);
    await expect(shown(page.getByRole('link', { name: /^1 försenade Beslut om utredning, Barn och unga$/ }))).resolves.toBe(true);
    await expectNoAxeViolations(page);
    await screenshot(page, 'oversikt');
    // The report downloads as CSV through the web app, named by the day in Stockholm: the escalated decision's unit among its rows.
    const today = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(new Date());
    const days = [today()];
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Ladda ner rapporten (CSV)' }).click();
    const file = await download;
    days.push(today());
    expect(days.map((d) => `rapport-${d}.csv`)).toContain(file.suggestedFilename());
    const csv = (await readFile(await file.path(), 'utf8')).split('\r\n');
    expect(csv[0]).toBe('unit,step,open,overdue,completed,medianSecondsToComplete,p90SecondsToComplete,escalations,extensions');
    expect(csv.some((line) => line.startsWith('soc-children-youth,investigationDecision,1,1,'))).toBe(true);
    const served = await page.request.get(`${web.appUrl}/oversikt/rapport.csv`);
    expect(served.headers()['content-type']).toBe('text/csv; charset=utf-8');
    expect(served.headers()['content-disposition']).toBe(`attachment; filename=${file.suggestedFilename()}`);
    await escalated.getByRole('button', { name: `Kvittera eskaleringen av Beslut om utredning i ${caseId}` }).click();
    await expect(page.getByRole('status').innerText()).resolves.toBe('Eskaleringen är kvitterad.');

    // The auditor finds each page view and form post of the day, as the API would have recorded them.
    const auditor = await web.newPage();
    page = auditor.page;
    await web.signIn(page, 'dev-auditor');
    await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Granskning' }).click();
    await page.getByLabel('Ärende').fill(caseId);
    await page.getByRole('button', { name: 'Visa' }).click();
    const trail = page.getByRole('table', { name: 'Loggen, senaste först' });
    const lines = (await trail.getByRole('row').allInnerTexts()).map((l) => l.replace(/\s+/g, ' '));
    // Each actor by the name they signed in with, and their id; each action by its name, its code beside it.
    for (const [actor, action] of [
      ['Samira Lindqvist (dev-coordinator)', 'Registrerade en anmälan och startade ärendet referral.route'],
      ['Samira Lindqvist (dev-coordinator)', 'Läste ärendet case.read'],
      ['Samira Lindqvist (dev-coordinator)', 'Registrerade ett samtycke consent.record'],
      ['Elin Åberg (dev-staff-children-youth)', 'Läste ärendet case.read'],
      ['Elin Åberg (dev-staff-children-youth)', 'Slutförde en uppgift task.complete'],
      ['Karin Öberg (dev-supervisor-children-youth)', 'Kvitterade en eskalering escalation.acknowledge'],
    ]) {
      expect({ actor, action, found: lines.some((l) => l.includes(`${actor} ${action}`)) }).toEqual({ actor, action, found: true });
    }
    expect(await shown(trail.getByRole('cell', { name: 'Kvitterade en eskalering escalation.acknowledge' }).first())).toBe(true);
    await expectNoAxeViolations(page);
    await screenshot(page, 'granskning');
    // Views of lists name no case: the auditor finds them by who looked.
    await page.getByLabel('Ärende').fill('');
    await page.getByLabel('Användare').fill('dev-supervisor-children-youth');
    await page.getByRole('button', { name: 'Visa' }).click();
    const supervisorRows = (await trail.getByRole('row').allInnerTexts()).join('\n');
    for (const action of ['escalation.list', 'report.read', 'notification.list', 'session.start']) expect(supervisorRows).toContain(action);
    await page.getByLabel('Användare').fill('dev-coordinator');
    await page.getByRole('button', { name: 'Visa' }).click();
    const coordinatorRows = (await trail.getByRole('row').allInnerTexts()).join('\n');
    for (const action of ['page.view', 'referral.preview', 'referral.route', 'consent.record', 'consent.refuse']) expect(coordinatorRows).toContain(action);

    // The action filter is a list of names: choosing one shows that action's rows only, and stays chosen.
    const actionFilter = page.getByLabel('Händelse', { exact: true });
    await page.getByLabel('Användare').fill('');
    await page.getByLabel('Ärende').fill(caseId);
    await actionFilter.selectOption({ label: 'Kvitterade en eskalering' });
    await page.getByRole('button', { name: 'Visa' }).click();
    await page.waitForURL(/action=escalation\.acknowledge/);
    await expect(actionFilter.inputValue()).resolves.toBe('escalation.acknowledge');
    const acknowledged = (await trail.locator('tbody tr').allInnerTexts()).map((l) => l.replace(/\s+/g, ' '));
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(acknowledged.filter((l) => !l.includes('Kvitterade en eskalering escalation.acknowledge'))).toEqual([]);
    expect(await shown(page.getByRole('heading', { name: `${acknowledged.length} händelse${acknowledged.length === 1 ? '' : 'r'}` }))).toBe(true);
    await expectNoAxeViolations(page);
    // A code a link carries that the list does not name still filters, and stays chosen as itself.
    await page.goto(`${web.appUrl}/granskning?action=legacy.export`);
    await expect(actionFilter.inputValue()).resolves.toBe('legacy.export');
    await expect(actionFilter.locator('option:checked').innerText()).resolves.toBe('legacy.export');
    expect(await shown(page.getByText('Inga händelser matchar filtret.'))).toBe(true);
    await expectNoAxeViolations(page);

    // No page broke a script or the Content Security Policy (htmx swapped the inbox under it).
    expect([coordinator, staff, supervisor, auditor].flatMap((who) => who.consoleErrors)).toEqual([]);
    for (const who of [coordinator, staff, supervisor, auditor]) await who.context.close();
  });
});
