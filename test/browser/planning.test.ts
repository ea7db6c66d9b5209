import { devIdentities } from '../../dev/devAuth';
import { caseView, giveConsent, taskIn } from '../support/cases';
import { eventually } from '../support/stack';
import { expectNoAxeViolations, screenshot, startWebStack, shown, type WebStack } from '../support/browser';

const users = [
  ...devIdentities,
  { sub: 'dev-supervisor-vpc', roles: ['supervisor' as const], supervisedUnits: ['vpc-coordination'] },
  { sub: 'dev-staff-adults', roles: ['staff' as const], units: ['soc-adults'] },
  { sub: 'dev-staff-vpc', roles: ['staff' as const], units: ['vpc-coordination'] },
];
const coordinator = { sub: 'dev-coordinator', roles: ['coordinator' as const] };

/** A referral as a triage case (routing sends every minor somewhere; a coordinator may still open one by type). */
const triageReferral = {
  caseType: 'triage',
  referral: {
    sourceAgency: 'school',
    category: 'other',
    subject: { displayName: 'Omar Styrsson', personalIdentityNumber: '20100101-1236', ageYears: 16 },
    narrative: 'Bad skolkuratorn om hjälp att lämna en grupp.',
  },
};

/** An adult's SIG case: its plan tasks wait for consent, and no youth concern runs beside it. */
const sigReferral = {
  caseType: 'social-intervention-group',
  referral: { sourceAgency: 'social-services', category: 'recruitment', subject: { displayName: 'Sam Plansson', ageYears: 19 } },
};

describe('planning in the staff web app: routing a triage task, adding to the joint plan', () => {
  let web: WebStack;
  beforeAll(async () => {
    web = await startWebStack('web-planning', { users });
  });
  afterAll(async () => {
    await web?.teardown();
  });

  async function startTriage(): Promise<{ caseId: string; taskId: string }> {
    const started = await web.stack.as(coordinator).post('/cases').send(triageReferral).expect(201);
    const caseId = started.body.caseId as string;
    const task = await taskIn(web.stack, caseId, 'triage', 'open');
    return { caseId, taskId: task.taskId };
  }

  async function startSig(): Promise<string> {
    const started = await web.stack.as(coordinator).post('/cases').send(sigReferral).expect(201);
    const caseId = started.body.caseId as string;
    await taskIn(web.stack, caseId, 'actionPlan', 'waiting-for-consent');
    await eventually(`${caseId} open`, async () => (await caseView(web.stack, caseId)).status === 'open');
    return caseId;
  }

  it('when a coordinator routes a triage task to a youth concern, then they land on the new case, told so, and the triage task shows as done', async () => {
    const triage = await startTriage();
    const { page, context, consoleErrors } = await web.newPage();
    await web.signIn(page, 'dev-coordinator', `/arenden/${triage.caseId}/uppgifter/${triage.taskId}`);
    const form = page.getByRole('region', { name: 'Styr anmälan till ett ärende' });
    await expect(shown(form)).resolves.toBe(true);
    await expectNoAxeViolations(page);
    await screenshot(page, 'uppgift-styr');

    await form.getByRole('radio', { name: 'Oro för ung person' }).check();
    await form.getByRole('button', { name: 'Starta ärendet' }).click();
    await page.waitForURL(/klart=styrt/).catch(async (err: unknown) => {
      throw new Error(`the routing stopped at ${page.url()}: ${(await page.getByRole('main').innerText()).slice(0, 400)}`, { cause: err });
    });
    await expect(page.getByRole('status').innerText()).resolves.toContain('Anmälan är styrd: ärendet är startat och bedömningsuppgiften är slutförd.');
    const routedId = /\/arenden\/([^/?]+)/.exec(page.url())?.[1] as string;
    expect(routedId).not.toBe(triage.caseId);
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe(`Ärende ${routedId}`);
    await expect(page.locator('.facts').first().innerText()).resolves.toMatch(/Ärendetyp\s+Oro för ung person/);
    await expectNoAxeViolations(page);
    const routed = await web.stack.db.prisma.case.findUniqueOrThrow({ where: { id: routedId }, select: { caseType: true, routedFromCaseId: true } });
    expect(routed).toEqual({ caseType: 'youth-concern', routedFromCaseId: triage.caseId });

    // The new case names the triage it came from; there the task is done, routed by hand, and offers no form.
    await page.getByRole('link', { name: triage.caseId }).click();
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe(`Ärende ${triage.caseId}`);
    await expect(page.getByRole('list').filter({ hasText: 'Ärendet registrerades' }).innerText()).resolves.toContain('Bedömning av anmälan slutförd: Styrt manuellt, av dev-coordinator (du)');
    await page.goto(`${web.appUrl}/arenden/${triage.caseId}/uppgifter/${triage.taskId}`);
    await expect(page.locator('.facts').innerText()).resolves.toMatch(/Status\s+Slutförd/);
    await expect(page.locator('.facts').innerText()).resolves.toMatch(/Utfall\s+Styrt manuellt/);
    await expect(page.getByRole('heading', { name: 'Styr anmälan till ett ärende' }).count()).resolves.toBe(0);
    const audit = await web.stack.db.prisma.auditEvent.findMany({ where: { actor: 'dev-coordinator', action: 'triage.route', caseId: triage.caseId } });
    expect(audit.map((r) => r.status)).toContain(201);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it('when a coordinator starts the case without choosing a case type, then the error sits next to the case types, the ticked track stays ticked, and no case starts', async () => {
    const triage = await startTriage();
    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-coordinator', `/arenden/${triage.caseId}/uppgifter/${triage.taskId}`);
    const form = page.getByRole('region', { name: 'Styr anmälan till ett ärende' });
    await form.getByRole('checkbox', { name: /^Akut hot/ }).check();
    await form.getByRole('button', { name: 'Starta ärendet' }).click();
    await expect(page.locator('#styr-typ-fel').innerText()).resolves.toBe('Välj en ärendetyp.');
    await expect(form.getByRole('alert').innerText()).resolves.toBe('Formuläret innehåller fel. Rätta fälten som är markerade.');
    await expect(form.getByRole('group', { name: 'Ärendetyp' }).getAttribute('aria-describedby')).resolves.toBe('styr-typ-fel');
    await expect(form.getByRole('checkbox', { name: /^Akut hot/ }).isChecked()).resolves.toBe(true);
    await expectNoAxeViolations(page);
    await screenshot(page, 'uppgift-styr-fel');

    const rows = await web.stack.db.prisma.auditEvent.findMany({ where: { actor: 'dev-coordinator', action: 'triage.route', taskId: triage.taskId } });
    expect(rows.map((r) => r.status)).toContain(400);
    expect(await web.stack.db.prisma.case.count({ where: { routedFromCaseId: triage.caseId } })).toBe(0);
    expect((await caseView(web.stack, triage.caseId)).tasks.find((t) => t.taskId === triage.taskId)?.status).toBe('open');
    await context.close();
  });

  it('when a coordinator adds a plan task for a unit to a SIG case, then they are back on the case, told so, the task is listed waiting for consent with what it is about as its note, and consent to share with the agency of the unit opens it', async () => {
    const caseId = await startSig();
    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-coordinator', `/arenden/${caseId}`);
    const plan = page.getByRole('region', { name: 'Gemensam plan' });
    await expect(plan.innerText()).resolves.toContain('Planen har inga uppgifter ännu.');
    await expectNoAxeViolations(page);

    await plan.getByRole('combobox', { name: 'Enhet' }).selectOption({ label: 'Kronofogden, skuldsanering' });
    await plan.getByRole('textbox', { name: 'Vad uppgiften gäller (valfritt)' }).fill('Skulder på 40 000 kr; en avbetalningsplan behövs.');
    await plan.getByRole('button', { name: 'Lägg till uppgiften' }).click();
    await page.waitForURL(/klart=planerad/).catch(async (err: unknown) => {
      throw new Error(`adding the task stopped at ${page.url()}: ${(await page.getByRole('main').innerText()).slice(0, 400)}`, { cause: err });
    });
    await expect(page.getByRole('status').innerText()).resolves.toContain('Uppgiften är tillagd i den gemensamma planen.');
    const listed = plan.getByRole('link', { name: 'Gemensam plan, Kronofogden, skuldsanering: Väntar på samtycke' });
    await expect(shown(listed)).resolves.toBe(true);
    await expectNoAxeViolations(page);
    await screenshot(page, 'arende-gemensam-plan');

    const task = await web.stack.db.prisma.task.findFirstOrThrow({ where: { caseId, stepKey: 'jointPlanTask' }, select: { id: true, status: true, consentAgency: true, unit: { select: { code: true } } } });
    expect(task).toMatchObject({ status: 'waiting-for-consent', consentAgency: 'kronofogden', unit: { code: 'kronofogden-debt' } });
    // The task's page holds what it is about, as its note.
    await listed.click();
    await expect(page.getByRole('region', { name: 'Anteckningar' }).innerText()).resolves.toContain('Skulder på 40 000 kr; en avbetalningsplan behövs.');
    const audit = await web.stack.db.prisma.auditEvent.findMany({ where: { actor: 'dev-coordinator', action: 'case.plan.add', caseId } });
    expect(audit.map((r) => r.status)).toContain(201);

    // Consent to share with Kronofogden, recorded on the case page, opens the task there.
    await page.getByRole('link', { name: 'Visa ärendet' }).click();
    await page.getByRole('combobox', { name: 'Mottagande aktör' }).selectOption({ label: 'Kronofogden' });
    // A SIG case's own purpose is there already; the known purposes are offered by name.
    await expect(page.getByRole('combobox', { name: 'Syfte', exact: true }).inputValue()).resolves.toBe('sig');
    await page.getByRole('button', { name: 'Registrera svaret' }).click();
    await expect(page.getByRole('status').innerText()).resolves.toContain('Samtycket är registrerat.');
    await eventually('the plan task open', async () => {
      await page.reload();
      return (await plan.getByRole('link', { name: 'Gemensam plan, Kronofogden, skuldsanering: Öppen' }).count()) === 1;
    });
    await context.close();
  });

  it('when a coordinator records consent for an agency the case does not involve yet, then the form offers it among the registry\'s other agencies, the consent shows on the case, a plan task for its unit opens at once, and a refusal for another such agency is recorded the same way', async () => {
    const caseId = await startSig();
    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-coordinator', `/arenden/${caseId}`);
    const form = page.getByRole('region', { name: 'Registrera svar om samtycke' });
    const agency = form.getByRole('combobox', { name: 'Mottagande aktör' });
    /** The agency list as a person sees it: each group's label and its agencies' names, in order. */
    const groups = () =>
      agency.evaluate((select) =>
        Array.from(select.querySelectorAll('optgroup'), (g) => ({ label: g.label, names: Array.from(g.querySelectorAll('option'), (o) => o.text) })),
      );
    const before = await groups();
    expect(before.map((g) => g.label)).toEqual(['Aktörer i ärendet', 'Övriga aktörer i registret']);
    // The referral came from social services, which also hold the action plan; Kronofogden has nothing in the case yet.
    expect(before[0].names).toContain('Socialtjänsten');
    expect(before[0].names).not.toContain('Kronofogden');
    expect(before[1].names).toContain('Kronofogden');
    // Every agency of the registry is offered, once, with no agency chosen for the coordinator.
    expect(before.flatMap((g) => g.names).length).toBe(await web.stack.db.prisma.agency.count());
    await expect(agency.inputValue()).resolves.toBe('');
    await expect(agency.getAttribute('aria-describedby')).resolves.toBe('samtycke-aktor-hint');
    await expectNoAxeViolations(page);

    await agency.selectOption({ label: 'Kronofogden' });
    await expect(form.getByRole('combobox', { name: 'Syfte', exact: true }).inputValue()).resolves.toBe('sig');
    await form.getByRole('button', { name: 'Registrera svaret' }).click();
    await expect(page.getByRole('status').innerText()).resolves.toContain('Samtycket är registrerat.');
    await expect(shown(page.getByText('Personen själv till Kronofogden (sig): Givet'))).resolves.toBe(true);
    // The case now involves Kronofogden: it moves to the first group.
    const after = await groups();
    expect(after[0].names).toContain('Kronofogden');
    expect(after[1].names).not.toContain('Kronofogden');
    await expectNoAxeViolations(page);
    await screenshot(page, 'arende-samtycke-ny-aktor');

    // The consent is what lets the plan include Kronofogden: its task opens without waiting.
    const plan = page.getByRole('region', { name: 'Gemensam plan' });
    await plan.getByRole('combobox', { name: 'Enhet' }).selectOption({ label: 'Kronofogden, skuldsanering' });
    await plan.getByRole('button', { name: 'Lägg till uppgiften' }).click();
    await page.waitForURL(/klart=planerad/);
    await eventually('the plan task open', async () => {
      await page.reload();
      return (await plan.getByRole('link', { name: 'Gemensam plan, Kronofogden, skuldsanering: Öppen' }).count()) === 1;
    });
    const bailiff = { sub: 'web-kronofogden', roles: ['staff' as const], units: ['kronofogden-debt'] };
    await web.stack.as(bailiff).get(`/cases/${caseId}`).expect(200);

    // Refused for the health region, which has nothing in the case either: recorded, and the case goes on without it.
    await form.getByRole('radio', { name: 'Nekar samtycke' }).check();
    await agency.selectOption({ label: 'Region Stockholm, hälso- och sjukvård' });
    await form.getByRole('button', { name: 'Registrera svaret' }).click();
    await expect(page.getByRole('status').innerText()).resolves.toContain('Nekat samtycke är registrerat.');
    await expect(shown(page.getByText('Personen själv till Region Stockholm, hälso- och sjukvård (sig): Nekat'))).resolves.toBe(true);
    await expectNoAxeViolations(page);
    const answers = await web.stack.db.prisma.consent.findMany({ where: { caseId }, orderBy: { createdAt: 'asc' }, select: { receivingAgency: true, refusedAt: true, recordedBy: true } });
    expect(answers.map((a) => [a.receivingAgency, a.refusedAt ? 'refused' : 'given', a.recordedBy])).toEqual([
      ['kronofogden', 'given', 'dev-coordinator'],
      ['health-region', 'refused', 'dev-coordinator'],
    ]);
    await context.close();
  });

  it('when a case has consents recorded by a colleague and by the coordinator looking, then each consent says who recorded it: the colleague by name and id, the coordinator as themselves', async () => {
    const caseId = await startSig();
    const colleague = { sub: 'dev-coordinator-colleague', name: 'Nora Samtyckare', roles: ['coordinator' as const] };
    await web.stack.as(colleague).post(`/cases/${caseId}/consents`).send({ personRole: 'subject', receivingAgency: 'kronofogden', purpose: 'sig' }).expect(201);
    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-coordinator', `/arenden/${caseId}`);
    const form = page.getByRole('region', { name: 'Registrera svar om samtycke' });
    await form.getByRole('radio', { name: 'Nekar samtycke' }).check();
    await form.getByRole('combobox', { name: 'Mottagande aktör' }).selectOption({ label: 'Region Stockholm, hälso- och sjukvård' });
    await form.getByRole('button', { name: 'Registrera svaret' }).click();
    await expect(page.getByRole('status').innerText()).resolves.toContain('Nekat samtycke är registrerat.');
    const consent = (line: string) => page.getByRole('listitem').filter({ hasText: line });
    await expect(shown(consent('Personen själv till Kronofogden (sig): Givet').getByText('Registrerat av Nora Samtyckare (dev-coordinator-colleague)', { exact: true }))).resolves.toBe(true);
    await expect(shown(consent('Personen själv till Region Stockholm, hälso- och sjukvård (sig): Nekat').getByText('Registrerat av dev-coordinator (du)', { exact: true }))).resolves.toBe(true);
    await expectNoAxeViolations(page);
    await context.close();
  });

  it('when the agency sent is not in the registry, then the refusal sits next to the agency field and nothing is recorded', async () => {
    const caseId = await startSig();
    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-coordinator', `/arenden/${caseId}`);
    const form = page.getByRole('region', { name: 'Registrera svar om samtycke' });
    const agency = form.getByRole('combobox', { name: 'Mottagande aktör' });
    await agency.selectOption({ label: 'Kronofogden' });
    // As if the agency had left the registry between reading the form and sending it.
    await agency.evaluate((select: HTMLSelectElement) => {
      select.selectedOptions[0].value = 'no-such-agency';
    });
    await form.getByRole('button', { name: 'Registrera svaret' }).click();
    await expect(page.locator('#samtycke-aktor-fel').innerText()).resolves.toBe('Aktören finns inte i registret. Välj en aktör i listan.');
    await expect(form.getByRole('alert').innerText()).resolves.toBe('Formuläret innehåller fel. Rätta fälten som är markerade.');
    await expect(agency.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(agency.getAttribute('aria-describedby')).resolves.toBe('samtycke-aktor-hint samtycke-aktor-fel');
    await expectNoAxeViolations(page);
    expect(await web.stack.db.prisma.consent.count({ where: { caseId } })).toBe(0);
    await context.close();
  });

  it('when the unit chosen is deactivated before the form is sent, then the refusal sits next to the unit field and no task is added', async () => {
    const caseId = await startSig();
    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-coordinator', `/arenden/${caseId}`);
    const plan = page.getByRole('region', { name: 'Gemensam plan' });
    await plan.getByRole('combobox', { name: 'Enhet' }).selectOption({ label: 'Näringslivsnätverket' });
    await web.stack.db.prisma.unit.update({ where: { code: 'business-network' }, data: { active: false } });
    try {
      await plan.getByRole('button', { name: 'Lägg till uppgiften' }).click();
      await expect(page.locator('#plan-enhet-fel').innerText()).resolves.toBe('Enheten är avaktiverad och tar inte emot nya uppgifter.');
      await expect(plan.getByRole('alert').innerText()).resolves.toBe('Enheten är avaktiverad och tar inte emot nya uppgifter.');
      await expect(plan.getByRole('combobox', { name: 'Enhet' }).getAttribute('aria-invalid')).resolves.toBe('true');
      // The unit list offers only units that take new work.
      await expect(plan.getByRole('option', { name: 'Näringslivsnätverket' }).count()).resolves.toBe(0);
      await expect(plan.innerText()).resolves.toContain('Planen har inga uppgifter ännu.');
      await expectNoAxeViolations(page);
    } finally {
      await web.stack.db.prisma.unit.update({ where: { code: 'business-network' }, data: { active: true } });
    }
    expect(await web.stack.db.prisma.task.count({ where: { caseId, stepKey: 'jointPlanTask' } })).toBe(0);
    await context.close();
  });

  it('when staff of the coordinators\' unit open a child\'s triage task, then they may route it and are told that routing is how it ends, with no form to complete it with no case', async () => {
    const triage = await startTriage();
    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-staff-vpc', `/arenden/${triage.caseId}/uppgifter/${triage.taskId}`);
    await expect(shown(page.getByRole('region', { name: 'Styr anmälan till ett ärende' }))).resolves.toBe(true);
    // The referral is about a 16-year-old: "no action" would leave the child's report unassessed (the API refuses it too).
    await expect(page.getByRole('region', { name: 'Slutför uppgiften' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'Slutför uppgiften' }).count()).resolves.toBe(0);
    await expect(page.getByRole('radio', { name: 'Ingen åtgärd' }).count()).resolves.toBe(0);
    const sentence = 'Anmälan gäller ett barn under 18 år och ska bedömas av socialtjänsten. Uppgiften avslutas genom att anmälan styrs till ett ärende med formuläret Styr anmälan till ett ärende.';
    await expect(shown(page.getByText(sentence, { exact: true }))).resolves.toBe(true);
    await expectNoAxeViolations(page);
    await context.close();
  });

  it('when staff of the coordinators\' unit open an adult\'s triage task, then completing it offers "no action" and no "routed" outcome that would start no case', async () => {
    const started = await web.stack.as(coordinator).post('/cases').send({ ...triageReferral, referral: { ...triageReferral.referral, subject: { displayName: 'Olle Vuxensson', ageYears: 34 } } }).expect(201);
    const caseId = started.body.caseId as string;
    const task = await taskIn(web.stack, caseId, 'triage', 'open');
    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-staff-vpc', `/arenden/${caseId}/uppgifter/${task.taskId}`);
    await expect(shown(page.getByRole('region', { name: 'Styr anmälan till ett ärende' }))).resolves.toBe(true);
    const complete = page.getByRole('region', { name: 'Slutför uppgiften' });
    await expect(complete.getByRole('radio').count()).resolves.toBe(1);
    await expect(complete.getByRole('radio', { name: 'Ingen åtgärd' }).count()).resolves.toBe(1);
    await expect(complete.getByRole('radio', { name: 'Styrt manuellt' }).count()).resolves.toBe(0);
    await expect(page.getByText('Anmälan gäller ett barn under 18 år', { exact: false }).count()).resolves.toBe(0);
    await expectNoAxeViolations(page);

    await complete.getByRole('radio', { name: 'Ingen åtgärd' }).check();
    await complete.getByRole('button', { name: 'Slutför uppgiften' }).click();
    await expect(page.getByRole('status').innerText()).resolves.toBe('Uppgiften är slutförd.');
    await context.close();
  });

  it('when a supervisor opens a triage task and staff open a SIG case they work in, then neither sees the route form nor the plan form', async () => {
    const triage = await startTriage();
    const supervisor = await web.newPage();
    await web.signIn(supervisor.page, 'dev-supervisor-vpc', `/arenden/${triage.caseId}/uppgifter/${triage.taskId}`);
    await expect(supervisor.page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Uppgift: Bedömning av anmälan');
    await expect(supervisor.page.getByRole('heading', { name: 'Styr anmälan till ett ärende' }).count()).resolves.toBe(0);
    await expect(supervisor.page.getByRole('radio').count()).resolves.toBe(0);
    await supervisor.context.close();

    const caseId = await startSig();
    await giveConsent(web.stack, caseId, { personRole: 'subject', receivingAgency: 'social-services', purpose: 'sig' });
    await taskIn(web.stack, caseId, 'actionPlan', 'open');
    const staff = await web.newPage();
    await web.signIn(staff.page, 'dev-staff-adults', `/arenden/${caseId}`);
    await expect(staff.page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe(`Ärende ${caseId}`);
    await expect(shown(staff.page.getByRole('region', { name: 'Gemensam plan' }))).resolves.toBe(true);
    await expect(staff.page.getByRole('heading', { name: 'Lägg till en uppgift i planen' }).count()).resolves.toBe(0);
    await expect(staff.page.getByRole('button', { name: 'Lägg till uppgiften' }).count()).resolves.toBe(0);
    await expectNoAxeViolations(staff.page);
    await staff.context.close();
  });
});
