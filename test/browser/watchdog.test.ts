import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { devIdentities } from '../../dev/devAuth';
import type { WatchdogSweepInput } from '../../domain/watchdog';
import { formatDateTime } from '../../web/format';
import { watchdogSweep } from '../../workflows';
import { expectNoAxeViolations, screenshot, startProtectionAssessment, startWebStack, shown, type WebStack } from '../support/browser';
import { eventually } from '../support/stack';
import { startWatchdogWorker, type WatchdogWorker } from '../support/watchdogWorker';

/** A police referral about a 15-year-old with no personnummer: what the finding is about is the case, not the person. */
const referral = (displayName: string) => ({
  caseType: 'youth-concern',
  referral: { sourceAgency: 'police', category: 'drug-possession', suspectedOfCrime: false, subject: { displayName, ageYears: 15 }, narrative: `Anmälan om ${displayName}.` },
});

/** The sweep's limits as production has them: only what a test breaks is a finding. */
const sweepInput: WatchdogSweepInput = {
  everyMs: 300_000,
  startingAfterMs: 900_000,
  unacknowledgedAfterMs: 3 * 86_400_000,
  escalationGraceMs: 120_000,
  operationsUnitCode: 'operations',
  pageSize: 50,
};

const nav = (page: Page) => page.getByRole('navigation', { name: 'Huvudmeny' });
const findingsTable = (page: Page) => page.getByRole('table', { name: 'Fynd, äldst först' });
const runsTable = (page: Page) => page.getByRole('table', { name: 'Körningar, senaste först' });
const filters = (page: Page) => page.getByRole('group', { name: 'Filtrera fynden' });

describe("the watchdog's findings and runs in the staff web app (Bevakning)", () => {
  let web: WebStack;
  let watchdogWorker: WatchdogWorker | undefined;
  let sweepQueue: string;

  beforeAll(async () => {
    web = await startWebStack('web-watchdog', { users: devIdentities });
    const { stack } = web;
    // The sweep runs on a worker of its own, as in the fault test.
    watchdogWorker = await startWatchdogWorker(stack);
    sweepQueue = watchdogWorker.taskQueue;
  });
  afterAll(async () => {
    await watchdogWorker?.stop();
    await web?.teardown();
  });

  /** One sweep, as the Schedule would start it; its recorded run. */
  async function sweep() {
    const result = await web.stack.env.client.workflow.execute(watchdogSweep, { taskQueue: sweepQueue, workflowId: `sweep-${randomUUID()}`, args: [sweepInput] });
    return web.stack.db.prisma.watchdogRun.findUniqueOrThrow({ where: { id: result.runId } });
  }

  /**
   * A case whose workflow has been terminated, taking its protection assessment's with it (the
   * children's parent-close policy): the read model says both are open, Temporal runs neither.
   * Two findings, one about the whole case and one about the task at its unit.
   */
  async function silentCase(displayName: string) {
    const { caseId, taskId } = await startProtectionAssessment(web, referral(displayName));
    await web.stack.env.client.workflow.getHandle(caseId).terminate('browser test: a case gone silent');
    await eventually('the task workflow terminated with its case', async () => (await web.stack.env.client.workflow.getHandle(taskId).describe()).status.name === 'TERMINATED');
    return { caseId, taskId };
  }

  const openFinding = (where: { caseId: string; kind: string }) => web.stack.db.prisma.watchdogFinding.findFirstOrThrow({ where: { ...where, resolvedAt: null } });

  /** The finding's row: the case it is about, and its kind in Swedish as the row's header. */
  const findingRow = (page: Page, caseId: string, kind: string) =>
    findingsTable(page).getByRole('row').filter({ hasText: caseId }).filter({ has: page.getByRole('rowheader', { name: kind, exact: true }) });

  it("when a case's workflow is terminated and the watchdog sweeps, then a coordinator sees both findings in Swedish on Bevakning with since when, the unit and a link to the task or the case, filters kept in the URL, and the run that found them", async () => {
    const { caseId, taskId } = await silentCase('Ture Tystsson');
    const run = await sweep();
    const taskFinding = await openFinding({ caseId, kind: 'task-workflow-not-running' });
    await openFinding({ caseId, kind: 'case-workflow-not-running' });
    expect(taskFinding).toMatchObject({ taskId, lastSeenRunId: run.id });

    const { page, context, consoleErrors } = await web.newPage();
    await web.signIn(page, 'dev-coordinator', '/inkorg');
    await nav(page).getByRole('link', { name: 'Bevakning' }).click();
    await expect(shown(page.getByRole('heading', { level: 1, name: 'Bevakning' }))).resolves.toBe(true);
    await expect(nav(page).getByRole('link', { name: 'Bevakning' }).getAttribute('aria-current')).resolves.toBe('page');
    await expect(findingsTable(page).getByRole('row').filter({ hasText: caseId }).getByRole('rowheader').allInnerTexts()).resolves.toEqual(
      expect.arrayContaining(['Ärendets arbetsflöde körs inte', 'Uppgiftens arbetsflöde körs inte']),
    );
    const row = findingRow(page, caseId, 'Uppgiftens arbetsflöde körs inte');
    await expect(shown(row.getByRole('cell', { name: 'Barn och unga', exact: true }))).resolves.toBe(true);
    const since = row.getByRole('cell').first().locator('time');
    await expect(since.getAttribute('datetime')).resolves.toBe(taskFinding.firstSeenAt.toISOString());
    await expect(since.innerText()).resolves.toBe(formatDateTime(taskFinding.firstSeenAt));
    await expect(row.getByText('task workflow TERMINATED').getAttribute('lang')).resolves.toBe('en');
    // A finding about the whole case names no unit: it is the coordinators', and links to the case.
    const wholeCase = findingRow(page, caseId, 'Ärendets arbetsflöde körs inte');
    await expect(shown(wholeCase.getByRole('cell', { name: 'Hela ärendet (samordnarna)' }))).resolves.toBe(true);
    await expect(wholeCase.getByRole('link', { name: `Ärende ${caseId}` }).getAttribute('href')).resolves.toBe(`/app/arenden/${caseId}`);
    // The run that found them, newest first, with what it checked and what it opened.
    // Several sweeps can start in one minute: the row is the one whose time is this run's instant.
    const runRow = runsTable(page).getByRole('row').filter({ has: page.locator(`time[datetime="${run.startedAt.toISOString()}"]`) });
    await expect(runRow.getByRole('rowheader').innerText()).resolves.toBe(formatDateTime(run.startedAt));
    expect(run.opened).toBeGreaterThanOrEqual(2);
    await expect(runRow.getByRole('cell').allInnerTexts()).resolves.toEqual(
      expect.arrayContaining([String(run.casesChecked), String(run.tasksChecked), String(run.opened), String(run.openFindings)]),
    );
    await expectNoAxeViolations(page);
    await screenshot(page, 'bevakning');

    // Filtered by kind and unit, kept in the URL; another kind leaves it out; back returns to it.
    await filters(page).getByRole('combobox', { name: 'Slag av fynd' }).selectOption({ label: 'Uppgiftens arbetsflöde körs inte' });
    await filters(page).getByRole('combobox', { name: 'Enhet' }).selectOption({ label: 'Barn och unga' });
    await filters(page).getByRole('button', { name: 'Visa' }).click();
    await page.waitForURL(/kind=task-workflow-not-running&unit=soc-children-youth/);
    await expect(findingsTable(page).getByRole('row').filter({ hasText: caseId }).getByRole('rowheader').allInnerTexts()).resolves.toEqual(['Uppgiftens arbetsflöde körs inte']);
    await expectNoAxeViolations(page);
    await filters(page).getByRole('combobox', { name: 'Slag av fynd' }).selectOption({ label: 'Eskaleringen har inte kvitterats' });
    await filters(page).getByRole('button', { name: 'Visa' }).click();
    await page.waitForURL(/kind=escalation-unacknowledged/);
    await expect(findingsTable(page).getByRole('row').filter({ hasText: caseId }).count()).resolves.toBe(0);
    await page.goBack();
    await expect(findingsTable(page).getByRole('row').filter({ hasText: caseId }).getByRole('rowheader').allInnerTexts()).resolves.toEqual(['Uppgiftens arbetsflöde körs inte']);
    await expect(filters(page).getByRole('combobox', { name: 'Slag av fynd' }).inputValue()).resolves.toBe('task-workflow-not-running');

    // The link leads to the task the finding is about.
    await row.getByRole('link', { name: `Uppgiften i ${caseId}` }).click();
    await expect(shown(page.getByRole('heading', { level: 1, name: 'Uppgift: Skyddsbedömning' }))).resolves.toBe(true);
    expect(new URL(page.url()).pathname).toBe(`/app/arenden/${caseId}/uppgifter/${taskId}`);
    const audited = await web.stack.db.prisma.auditEvent.findMany({ where: { actor: 'dev-coordinator', action: { in: ['watchdog.findings', 'watchdog.runs'] }, status: 200 } });
    expect(new Set(audited.map((r) => r.action))).toEqual(new Set(['watchdog.findings', 'watchdog.runs']));
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it('when an admin restarts the case and the watchdog sweeps again, then its findings leave the open list and are listed among the resolved ones with when', async () => {
    const { caseId, taskId } = await silentCase('Rut Omstartsson');
    await sweep();
    const finding = await openFinding({ caseId, kind: 'task-workflow-not-running' });
    await web.stack.api.post(`/cases/${caseId}/restart`).expect(200);
    await sweep();
    const resolved = await web.stack.db.prisma.watchdogFinding.findUniqueOrThrow({ where: { id: finding.id } });
    expect(resolved.resolvedAt).not.toBeNull();
    await expect(web.stack.db.prisma.watchdogFinding.count({ where: { caseId, resolvedAt: null } })).resolves.toBe(0);

    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-coordinator', '/bevakning');
    await expect(findingsTable(page).getByRole('row').filter({ hasText: caseId }).count()).resolves.toBe(0);
    await filters(page).getByRole('combobox', { name: 'Status' }).selectOption({ label: 'Åtgärdade fynd' });
    await filters(page).getByRole('button', { name: 'Visa' }).click();
    await page.waitForURL(/status=resolved/);
    await expect(shown(page.getByRole('heading', { level: 2, name: /^\d+ åtgärdade? fynd$/ }))).resolves.toBe(true);
    const row = findingRow(page, caseId, 'Uppgiftens arbetsflöde körs inte');
    await expect(shown(findingsTable(page).getByRole('columnheader', { name: 'Åtgärdat' }))).resolves.toBe(true);
    const when = row.getByRole('cell').nth(2).locator('time');
    await expect(when.getAttribute('datetime')).resolves.toBe(resolved.resolvedAt?.toISOString());
    await expect(when.innerText()).resolves.toBe(formatDateTime(resolved.resolvedAt as Date));
    await expect(row.getByRole('link', { name: `Uppgiften i ${caseId}` }).getAttribute('href')).resolves.toBe(`/app/arenden/${caseId}/uppgifter/${taskId}`);
    await expectNoAxeViolations(page);
    await screenshot(page, 'bevakning-atgardade');
    await context.close();
  });

  it("when a case's workflow is terminated, then its unit's supervisor sees the task's finding but not the whole case's, reaches Bevakning from Översikt, and is refused another unit's", async () => {
    const { caseId } = await silentCase('Saga Helsson');
    await sweep();
    await openFinding({ caseId, kind: 'case-workflow-not-running' });
    await openFinding({ caseId, kind: 'task-workflow-not-running' });

    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-supervisor-children-youth', '/oversikt');
    await expect(shown(page.getByText(/^Bevakningen har \d+ öppn(a|et) fynd som du ser\./))).resolves.toBe(true);
    await expectNoAxeViolations(page);
    await page.getByRole('link', { name: 'Till bevakningen' }).click();
    await expect(shown(page.getByRole('heading', { level: 1, name: 'Bevakning' }))).resolves.toBe(true);
    await expect(shown(page.getByText('Du ser fynd om dina enheters uppgifter, eskaleringar och adresser.', { exact: false }))).resolves.toBe(true);
    const rows = findingsTable(page).getByRole('row').filter({ hasText: caseId });
    await expect(rows.getByRole('rowheader').allInnerTexts()).resolves.toEqual(['Uppgiftens arbetsflöde körs inte']);
    await expect(shown(rows.getByRole('link', { name: `Uppgiften i ${caseId}` }))).resolves.toBe(true);
    await expectNoAxeViolations(page);
    await screenshot(page, 'bevakning-arbetsledare');
    // Another unit's findings, by an edited URL: refused as the API refuses it.
    const other = await page.goto(`${web.appUrl}/bevakning?unit=police-local`);
    expect(other?.status()).toBe(403);
    await expect(shown(page.getByRole('heading', { level: 1, name: 'Ingen behörighet' }))).resolves.toBe(true);
    await context.close();
  });

  it('when more findings match than a page holds, then the pages are links that keep the filters, and the runs page on their own', async () => {
    // 55 resolved findings about one unit, and 11 runs from long ago, made in the database (no sweep needs to find them).
    const unit = await web.stack.db.prisma.unit.findUniqueOrThrow({ where: { code: 'school-fittja' } });
    const runId = randomUUID();
    const at = (minute: number) => new Date(Date.UTC(2019, 4, 2, 8, minute));
    await web.stack.db.prisma.watchdogFinding.createMany({
      data: Array.from({ length: 55 }, (_, i) => ({
        kind: 'unit-mail-failing',
        subject: `school-fittja:${i}`,
        unitId: unit.id,
        detail: '1 email(s) failing to the inbox address',
        firstSeenAt: at(i),
        lastSeenAt: at(i),
        lastSeenRunId: runId,
        resolvedAt: at(i + 1),
      })),
    });
    await web.stack.db.prisma.watchdogRun.createMany({
      data: Array.from({ length: 11 }, (_, i) => ({
        id: randomUUID(),
        workflowId: `old-sweep-${i}`,
        startedAt: at(i),
        finishedAt: at(i),
        durationMs: 1200 + i,
        casesChecked: 0,
        tasksChecked: 0,
        escalationsChecked: 0,
        unitsChecked: 17,
        opened: 0,
        resolved: 0,
        openFindings: 0,
      })),
    });

    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-coordinator', '/bevakning?status=resolved&kind=unit-mail-failing&unit=school-fittja');
    await expect(shown(page.getByRole('heading', { level: 2, name: '55 åtgärdade fynd' }))).resolves.toBe(true);
    await expect(shown(page.getByText('Visar 1–50.'))).resolves.toBe(true);
    await expect(findingsTable(page).getByRole('rowheader', { name: 'E-post till enheten går inte fram' }).count()).resolves.toBe(50);
    const pages = page.getByRole('navigation', { name: 'Sidor med fynd' });
    await expect(pages.getByRole('link', { name: 'Föregående sida' }).count()).resolves.toBe(0);
    await pages.getByRole('link', { name: 'Nästa sida' }).click();
    await page.waitForURL(/offset=50/);
    const url = new URL(page.url());
    expect([url.searchParams.get('status'), url.searchParams.get('kind'), url.searchParams.get('unit')]).toEqual(['resolved', 'unit-mail-failing', 'school-fittja']);
    await expect(shown(page.getByText('Visar 51–55.'))).resolves.toBe(true);
    await expect(findingsTable(page).getByRole('cell', { name: 'Fittja skola' }).count()).resolves.toBe(5);
    await expectNoAxeViolations(page);

    const runPages = page.getByRole('navigation', { name: 'Sidor med körningar' });
    await runPages.getByRole('link', { name: 'Nästa sida' }).click();
    await page.waitForURL(/runsOffset=10/);
    expect(new URL(page.url()).searchParams.get('offset')).toBe('50');
    await expect(runsTable(page).getByRole('cell', { name: '1,2 s' }).count()).resolves.toBeGreaterThan(0);
    await expect(shown(runPages.getByRole('link', { name: 'Föregående sida' }))).resolves.toBe(true);
    await expectNoAxeViolations(page);
    await context.close();
  });

  it("when an admin opens Bevakning, then they see the watchdog's runs and not its findings", async () => {
    const run = await sweep();
    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-admin');
    await nav(page).getByRole('link', { name: 'Bevakning' }).click();
    await expect(shown(page.getByRole('heading', { level: 1, name: 'Bevakning' }))).resolves.toBe(true);
    await expect(shown(page.getByText('Som administratör ser du bevakningens körningar.', { exact: false }))).resolves.toBe(true);
    await expect(shown(runsTable(page).getByRole('rowheader', { name: formatDateTime(run.startedAt) }).first())).resolves.toBe(true);
    await expect(findingsTable(page).count()).resolves.toBe(0);
    await expect(filters(page).count()).resolves.toBe(0);
    await expectNoAxeViolations(page);
    const refusals = await web.stack.db.prisma.auditEvent.count({ where: { actor: 'dev-admin', action: 'watchdog.findings' } });
    expect(refusals).toBe(0);
    await context.close();
  });

  it('when staff or an auditor look for Bevakning, then it is not in their navigation and its address answers the refusal page, audited', async () => {
    for (const sub of ['dev-staff-children-youth', 'dev-auditor']) {
      const { page, context } = await web.newPage();
      await web.signIn(page, sub);
      await expect(nav(page).getByRole('link', { name: 'Bevakning' }).count()).resolves.toBe(0);
      const answer = await page.goto(`${web.appUrl}/bevakning`);
      expect(answer?.status()).toBe(403);
      await expect(shown(page.getByRole('heading', { level: 1, name: 'Ingen behörighet' }))).resolves.toBe(true);
      await expect(page.getByRole('table').count()).resolves.toBe(0);
      await expectNoAxeViolations(page);
      const refused = await web.stack.db.prisma.auditEvent.findMany({ where: { actor: sub, action: 'watchdog.runs', status: 403 } });
      expect(refused.length).toBeGreaterThanOrEqual(1);
      await context.close();
    }
  });
});
