import { randomBytes, randomInt } from 'node:crypto';
import type { Page } from 'playwright-core';
import { devIdentities } from '../../dev/devAuth';
import { normalisePersonnummer } from '../../security/personnummer';
import { formatDate } from '../../web/format';
import { testFieldCrypto } from '../support/keys';
import { expectNoAxeViolations, screenshot, startProtectionAssessment, startWebStack, youthConcernReferral, shown, type WebStack } from '../support/browser';

/** A valid personnummer born on `day` (YYYYMMDD) with serial `serial` (three digits): the Luhn digit over YYMMDDNNN. */
function personnummer(day: string, serial: string): string {
  const digits = `${day.slice(2)}${serial}`;
  const sum = [...digits].reduce((acc, d, i) => {
    const n = Number(d) * (i % 2 === 0 ? 2 : 1);
    return acc + (n > 9 ? n - 9 : n);
  }, 0);
  return `${day}-${serial}${(10 - (sum % 10)) % 10}`;
}

/** A person of this test only: a birth day in 2010 and a random serial. */
function newPerson(displayName: string) {
  const day = new Date(Date.UTC(2010, 0, 1 + randomInt(0, 365))).toISOString().slice(0, 10).replaceAll('-', '');
  return { displayName, personalIdentityNumber: personnummer(day, String(randomInt(100, 999))), narrative: `Anmälan om ${displayName}.` };
}

/** The day before a YYYY-MM-DD day. */
const dayBefore = (day: string) => new Date(Date.parse(`${day}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/** Sök ärende's form by filters (the fieldset named by its legend). */
const byFilters = (page: Page) => page.getByRole('group', { name: 'Sök bland ärenden' });
const byPersonForm = (page: Page) => page.getByRole('group', { name: 'Sök på personnummer' });

describe('finding cases and reading the person’s corrections in the staff web app', () => {
  let web: WebStack;
  beforeAll(async () => {
    web = await startWebStack('web-finding', { users: devIdentities });
  });
  afterAll(async () => {
    await web?.teardown();
  });

  it('when a coordinator searches a range of registration days, then a case registered within it is found and one ending the day before leaves it out, the days kept in the URL', async () => {
    const { caseId } = await startProtectionAssessment(web, youthConcernReferral(newPerson('Ada Datumsson')));
    const row = await web.stack.db.prisma.case.findUniqueOrThrow({ where: { id: caseId }, select: { createdAt: true } });
    const registered = formatDate(row.createdAt);
    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-coordinator', '/sok');
    const form = byFilters(page);
    await form.getByRole('textbox', { name: 'Ärendenummer' }).fill(caseId);
    await form.getByRole('textbox', { name: 'Registrerat från och med (ÅÅÅÅ-MM-DD)' }).fill(registered);
    await form.getByRole('textbox', { name: 'Registrerat till och med (ÅÅÅÅ-MM-DD)' }).fill(registered);
    await form.getByRole('button', { name: 'Sök', exact: true }).click();
    await page.waitForURL(new RegExp(`from=${registered}&to=${registered}`));
    await expect(shown(page.getByRole('heading', { level: 2, name: '1 ärende' }))).resolves.toBe(true);
    await expect(shown(page.getByRole('row').filter({ hasText: caseId }).getByRole('link', { name: caseId }))).resolves.toBe(true);
    await expectNoAxeViolations(page);

    const before = dayBefore(registered);
    await form.getByRole('textbox', { name: 'Registrerat från och med (ÅÅÅÅ-MM-DD)' }).fill(dayBefore(before));
    await form.getByRole('textbox', { name: 'Registrerat till och med (ÅÅÅÅ-MM-DD)' }).fill(before);
    await form.getByRole('button', { name: 'Sök', exact: true }).click();
    await page.waitForURL(new RegExp(`to=${before}`));
    await expect(shown(page.getByRole('heading', { level: 2, name: '0 ärenden' }))).resolves.toBe(true);
    await expect(shown(page.getByText('Inga ärenden matchar sökningen.'))).resolves.toBe(true);
    // Back returns to the search that found it.
    await page.goBack();
    await expect(shown(page.getByRole('heading', { level: 2, name: '1 ärende' }))).resolves.toBe(true);
    const audited = await web.stack.db.prisma.auditEvent.findMany({ where: { actor: 'dev-coordinator', action: 'case.list', status: 200 }, orderBy: { at: 'asc' } });
    expect(audited.map((r) => r.detail)).toEqual(expect.arrayContaining([expect.objectContaining({ caseId, from: expect.any(String), to: expect.any(String), caseIds: [caseId] })]));
    await context.close();
  });

  it('when a coordinator filters by a unit, then a case with a task at that unit is found and the same case is not found under another unit', async () => {
    const { caseId } = await startProtectionAssessment(web, youthConcernReferral(newPerson('Bo Enhetsson')));
    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-coordinator', '/sok');
    const form = byFilters(page);
    const unit = form.getByRole('combobox', { name: 'Enhet med en uppgift i ärendet' });
    await form.getByRole('textbox', { name: 'Ärendenummer' }).fill(caseId);
    await unit.selectOption({ label: 'Barn och unga' });
    await form.getByRole('button', { name: 'Sök', exact: true }).click();
    await page.waitForURL(/unit=soc-children-youth/);
    await expect(shown(page.getByRole('heading', { level: 2, name: '1 ärende' }))).resolves.toBe(true);
    await expect(unit.inputValue()).resolves.toBe('soc-children-youth');
    await expectNoAxeViolations(page);

    await unit.selectOption({ label: 'Brottsoffer- och personsäkerhet' });
    await form.getByRole('button', { name: 'Sök', exact: true }).click();
    await page.waitForURL(/unit=police-safety/);
    await expect(shown(page.getByRole('heading', { level: 2, name: '0 ärenden' }))).resolves.toBe(true);
    await context.close();
  });

  it('when more cases match than a page holds, then the coordinator pages through them with the filters kept, by links for filters and by posted forms for a personnummer that no URL carries', async () => {
    // 105 closed cases of one person registered on a day of this test's own, made in the database (no workflows needed to list them).
    const person = newPerson('Cecilia Sidsson');
    const day = new Date(Date.UTC(2019, 0, 1 + randomInt(0, 365))).toISOString().slice(0, 10);
    const hash = testFieldCrypto().lookupHash(normalisePersonnummer(person.personalIdentityNumber));
    const tag = randomBytes(3).toString('hex').toUpperCase();
    const policy = await web.stack.db.prisma.policy.findFirstOrThrow({ where: { caseType: 'youth-concern' }, orderBy: { activatedAt: 'desc' } });
    const ids = Array.from({ length: 105 }, (_, i) => `VPC-SIDA-${tag}-${String(i).padStart(3, '0')}`);
    await web.stack.db.prisma.case.createMany({
      data: ids.map((id, i) => ({
        id,
        workflowId: id,
        caseType: 'youth-concern',
        policyVersion: policy.version,
        status: 'closed',
        createdAt: new Date(Date.parse(`${day}T09:00:00Z`) + i * 60_000),
        closedAt: new Date(Date.parse(`${day}T20:00:00Z`)),
      })),
    });
    await web.stack.db.prisma.caseSubject.createMany({ data: ids.map((caseId) => ({ caseId, ageYears: 15, personalIdentityNumberHash: hash })) });

    const { page, context } = await web.newPage();
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    await web.signIn(page, 'dev-coordinator', '/sok');
    const form = byFilters(page);
    await form.getByRole('combobox', { name: 'Status' }).selectOption('closed');
    await form.getByRole('textbox', { name: 'Registrerat från och med (ÅÅÅÅ-MM-DD)' }).fill(day);
    await form.getByRole('textbox', { name: 'Registrerat till och med (ÅÅÅÅ-MM-DD)' }).fill(day);
    await form.getByRole('button', { name: 'Sök', exact: true }).click();
    await expect(shown(page.getByRole('heading', { level: 2, name: '105 ärenden' }))).resolves.toBe(true);
    await expect(shown(page.getByText('Visar 1–100.'))).resolves.toBe(true);
    await expect(page.getByRole('row').filter({ hasText: ids[104] }).count()).resolves.toBe(1);
    const pages = page.getByRole('navigation', { name: 'Sidor i sökresultatet' });
    await expect(pages.getByRole('link', { name: 'Föregående sida' }).count()).resolves.toBe(0);
    await expectNoAxeViolations(page);

    await pages.getByRole('link', { name: 'Nästa sida' }).click();
    await page.waitForURL(/offset=100/);
    expect(new URL(page.url()).searchParams.get('from')).toBe(day);
    expect(new URL(page.url()).searchParams.get('status')).toBe('closed');
    await expect(shown(page.getByText('Visar 101–105.'))).resolves.toBe(true);
    // The oldest five, the page's only rows besides the header.
    await expect(page.getByRole('table').getByRole('row').count()).resolves.toBe(6);
    await expect(page.getByRole('row').filter({ hasText: ids[0] }).count()).resolves.toBe(1);
    await expect(pages.getByRole('link', { name: 'Nästa sida' }).count()).resolves.toBe(0);
    await expectNoAxeViolations(page);
    await screenshot(page, 'sok-arende-sidor');
    // A page past the end (an edited URL) finds none and leads back to the last page that has cases.
    const pastEnd = new URL(page.url());
    pastEnd.searchParams.set('offset', '20000');
    await page.goto(pastEnd.toString());
    await expect(shown(page.getByText('Inga ärenden matchar sökningen.'))).resolves.toBe(true);
    await pages.getByRole('link', { name: 'Föregående sida' }).click();
    await expect(shown(page.getByText('Visar 101–105.'))).resolves.toBe(true);
    await pages.getByRole('link', { name: 'Föregående sida' }).click();
    await expect(shown(page.getByText('Visar 1–100.'))).resolves.toBe(true);

    // By personnummer, the same day: the next page is a posted form carrying the number and the filters.
    const personForm = byPersonForm(page);
    await personForm.getByRole('textbox', { name: 'Personnummer' }).fill(person.personalIdentityNumber);
    await personForm.getByRole('textbox', { name: 'Registrerat från och med (ÅÅÅÅ-MM-DD)' }).fill(day);
    await personForm.getByRole('button', { name: 'Sök på personnummer' }).click();
    await expect(shown(page.getByRole('heading', { level: 2, name: '105 ärenden' }))).resolves.toBe(true);
    await page.getByRole('navigation', { name: 'Sidor i sökresultatet' }).getByRole('button', { name: 'Nästa sida' }).click();
    await expect(shown(page.getByText('Visar 101–105.'))).resolves.toBe(true);
    await expect(personForm.getByRole('textbox', { name: 'Personnummer' }).inputValue()).resolves.toBe(person.personalIdentityNumber);
    await expect(personForm.getByRole('textbox', { name: 'Registrerat från och med (ÅÅÅÅ-MM-DD)' }).inputValue()).resolves.toBe(day);
    await expectNoAxeViolations(page);
    const digits = person.personalIdentityNumber.replace('-', '');
    expect(urls.filter((u) => u.includes(digits.slice(0, 8)) || u.includes(digits.slice(2)))).toEqual([]);
    const searches = await web.stack.db.prisma.auditEvent.findMany({ where: { actor: 'dev-coordinator', action: 'case.search', status: 200 }, orderBy: { at: 'asc' } });
    expect(searches.map((r) => r.detail)).toEqual(
      expect.arrayContaining([expect.objectContaining({ personalIdentityNumber: 'given', offset: 100, returned: 5, caseIds: ids.slice(0, 5).reverse() })]),
    );
    await context.close();
  });

  it('when a coordinator types a day that does not exist, or a range ending before it starts, then the error sits next to that field with the summary, and nothing is searched', async () => {
    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-coordinator', '/sok');
    const form = byFilters(page);
    const from = form.getByRole('textbox', { name: 'Registrerat från och med (ÅÅÅÅ-MM-DD)' });
    const to = form.getByRole('textbox', { name: 'Registrerat till och med (ÅÅÅÅ-MM-DD)' });
    const start = new Date();
    await from.fill('2026-02-30');
    await form.getByRole('button', { name: 'Sök', exact: true }).click();
    await expect(page.getByRole('alert').innerText()).resolves.toBe('Formuläret innehåller fel. Rätta fälten som är markerade.');
    await expect(page.locator('#sok-fran-fel').innerText()).resolves.toBe('Ange ett datum som finns, skrivet ÅÅÅÅ-MM-DD, t.ex. 2026-03-01.');
    await expect(from.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(from.getAttribute('aria-describedby')).resolves.toBe('sok-datum-hint sok-fran-fel');
    await expect(from.inputValue()).resolves.toBe('2026-02-30');
    await expectNoAxeViolations(page);
    await screenshot(page, 'sok-arende-fel');

    await from.fill('2026-03-02');
    await to.fill('2026-03-01');
    await form.getByRole('button', { name: 'Sök', exact: true }).click();
    await expect(page.locator('#sok-till-fel').innerText()).resolves.toBe('Till och med-datumet kan inte vara före från och med-datumet.');
    await expect(page.locator('#sok-fran-fel').count()).resolves.toBe(0);
    await expect(to.getAttribute('aria-invalid')).resolves.toBe('true');
    await expectNoAxeViolations(page);

    // The same in the search by personnummer, whose number stays in the field (and out of the URL).
    const personForm = byPersonForm(page);
    await personForm.getByRole('textbox', { name: 'Personnummer' }).fill('20110312-2386');
    await personForm.getByRole('textbox', { name: 'Registrerat till och med (ÅÅÅÅ-MM-DD)' }).fill('3 mars');
    await personForm.getByRole('button', { name: 'Sök på personnummer' }).click();
    await expect(page.locator('#pnr-till-fel').innerText()).resolves.toBe('Ange ett datum som finns, skrivet ÅÅÅÅ-MM-DD, t.ex. 2026-03-01.');
    await expect(personForm.getByRole('textbox', { name: 'Personnummer' }).inputValue()).resolves.toBe('20110312-2386');
    expect(page.url()).not.toContain('2386');
    await expectNoAxeViolations(page);

    const rows = await web.stack.db.prisma.auditEvent.findMany({ where: { actor: 'dev-coordinator', at: { gte: start }, action: { not: 'unit.list' } }, orderBy: { at: 'asc' } });
    expect(rows.map((r) => `${r.action} ${r.method} ${r.route} ${r.status} ${JSON.stringify(r.detail)}`)).toEqual(['page.view GET /app/sok 400 null', 'page.view GET /app/sok 400 null', 'page.view POST /app/sok 400 null']);
    await context.close();
  });

  it('when a coordinator has corrected the person, then the corrections show who changed which field when, with the value before and after, and the read is audited; staff get no such page', async () => {
    const person = newPerson('Vera Provsson');
    const { caseId } = await startProtectionAssessment(web, youthConcernReferral(person));
    // The first correction through the API, by another coordinator; the second in the browser.
    await web.stack.api.post(`/cases/${caseId}/subject/corrections`).set('X-Actor-Id', 'coordinator-2').send({ displayName: 'Vera Provsdotter' }).expect(201);
    const { page, context } = await web.newPage();
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    await web.signIn(page, 'dev-coordinator', `/arenden/${caseId}`);
    const personSection = page.getByRole('region', { name: 'Personen' });
    await personSection.getByText('Rätta uppgifterna').click();
    await page.getByRole('textbox', { name: 'Rättat namn' }).fill('Vera Andersson');
    await page.getByRole('textbox', { name: 'Rättad adress' }).fill('Storgatan 1, Tumba');
    await page.getByRole('button', { name: 'Spara rättelsen' }).click();
    await expect(page.getByRole('status').innerText()).resolves.toContain('Uppgifterna om personen är rättade.');

    await personSection.getByRole('link', { name: 'Visa rättelserna och vad de ersatte' }).click();
    await expect(shown(page.getByRole('heading', { level: 1, name: 'Rättelser av uppgifterna om personen' }))).resolves.toBe(true);
    const sections = page.getByRole('region', { name: /^Rättat / });
    await expect(sections.count()).resolves.toBe(2);
    await expect(sections.nth(0).getByRole('heading').innerText()).resolves.toMatch(/av coordinator-2$/);
    await expect(sections.nth(0).getByRole('row', { name: /^Namn/ }).innerText()).resolves.toBe('Namn\tVera Provsson\tVera Provsdotter');
    await expect(sections.nth(1).getByRole('heading').innerText()).resolves.toMatch(/av dev-coordinator \(du\)$/);
    await expect(sections.nth(1).getByRole('row', { name: /^Namn/ }).innerText()).resolves.toBe('Namn\tVera Provsdotter\tVera Andersson');
    await expect(sections.nth(1).getByRole('row', { name: /^Adress/ }).innerText()).resolves.toBe('Adress\tUppgift saknas\tStorgatan 1, Tumba');
    await expectNoAxeViolations(page);
    await screenshot(page, 'rattelser');
    await page.getByRole('link', { name: 'Tillbaka till ärendet' }).click();
    await expect(page.getByRole('region', { name: 'Personen' }).innerText()).resolves.toContain('Vera Andersson');

    const reads = await web.stack.db.prisma.auditEvent.findMany({ where: { actor: 'dev-coordinator', caseId, action: 'subject.read', route: '/cases/:caseId/subject/corrections' } });
    expect(reads.map((r) => r.status)).toEqual([200]);
    // Nothing personal in any address the browser asked for.
    const pnrDigits = person.personalIdentityNumber.replace('-', '');
    expect(urls.filter((u) => ['Vera', 'Provs', 'Storgatan', pnrDigits.slice(0, 8), pnrDigits.slice(2)].some((secret) => decodeURIComponent(u).includes(secret)))).toEqual([]);
    await context.close();

    // Staff of the case's unit read Personen but not the corrections: no link, and the page is refused without a value.
    const staff = await web.newPage();
    await web.signIn(staff.page, 'dev-staff-children-youth', `/arenden/${caseId}`);
    await expect(staff.page.getByRole('region', { name: 'Personen' }).innerText()).resolves.toContain('Vera Andersson');
    await expect(staff.page.getByRole('link', { name: 'Visa rättelserna och vad de ersatte' }).count()).resolves.toBe(0);
    const answer = await staff.page.goto(`${web.appUrl}/arenden/${caseId}/person/rattelser`);
    expect(answer?.status()).toBe(403);
    await expect(shown(staff.page.getByRole('heading', { level: 1, name: 'Ingen behörighet' }))).resolves.toBe(true);
    const source = await staff.page.content();
    for (const old of ['Vera Provsson', 'Vera Provsdotter']) expect(source).not.toContain(old);
    const refused = await web.stack.db.prisma.auditEvent.findMany({ where: { actor: 'dev-staff-children-youth', caseId, action: 'subject.read', route: '/cases/:caseId/subject/corrections' } });
    expect(refused.map((r) => r.status)).toEqual([403]);
    await staff.context.close();
  });

  it('when a coordinator ticks "Töm fältet" for fields of the person, then Personen shows them as missing and the corrections show what they held; a field both filled and ticked is an error next to it that names no value, and nothing is saved', async () => {
    const person = newPerson('Tilde Tömsson');
    const { caseId } = await startProtectionAssessment(web, youthConcernReferral(person));
    await web.stack.api.post(`/cases/${caseId}/subject/corrections`).set('X-Actor-Id', 'coordinator-2').send({ contact: '070-111 22 33', address: 'Tömvägen 3, Tumba' }).expect(201);
    const { page, context } = await web.newPage();
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    await web.signIn(page, 'dev-coordinator', `/arenden/${caseId}`);
    const personSection = page.getByRole('region', { name: 'Personen' });
    await personSection.getByText('Rätta uppgifterna').click();
    // One box per field the API can empty, each naming its field; the age cannot be emptied and has none.
    const names = ['Namn', 'Personnummer', 'Kontaktuppgifter', 'Adress', 'Det som anmäldes'];
    await expect(personSection.getByRole('checkbox').count()).resolves.toBe(names.length);
    for (const name of names) await expect(personSection.getByRole('checkbox', { name: `Töm fältet (${name})`, exact: true }).count()).resolves.toBe(1);
    await expectNoAxeViolations(page);

    // Filled and ticked: which one was meant is the coordinator's to say, so nothing is sent.
    const address = page.getByRole('textbox', { name: 'Rättad adress' });
    await address.fill('Nygatan 9, Tumba');
    await page.getByRole('checkbox', { name: 'Töm fältet (Adress)' }).check();
    await page.getByRole('checkbox', { name: 'Töm fältet (Kontaktuppgifter)' }).check();
    await page.getByRole('button', { name: 'Spara rättelsen' }).click();
    await expect(shown(page.getByRole('alert'))).resolves.toBe(true);
    await expect(page.getByRole('alert').innerText()).resolves.toBe('Formuläret innehåller fel. Rätta fälten som är markerade.');
    await expect(address.getAttribute('aria-invalid')).resolves.toBe('true');
    const errorId = await address.getAttribute('aria-describedby');
    const fieldError = await page.locator(`[id="${errorId}"]`).innerText();
    expect(fieldError).toBe('Fyll i ett nytt värde eller kryssa i ”Töm fältet”, inte båda.');
    await expect(page.getByRole('checkbox', { name: 'Töm fältet (Adress)' }).getAttribute('aria-describedby')).resolves.toBe(errorId);
    // What was ticked stays ticked; the contact, only ticked, is no error.
    await expect(page.getByRole('checkbox', { name: 'Töm fältet (Adress)' }).isChecked()).resolves.toBe(true);
    await expect(page.getByRole('checkbox', { name: 'Töm fältet (Kontaktuppgifter)' }).isChecked()).resolves.toBe(true);
    await expect(page.getByRole('textbox', { name: 'Rättade kontaktuppgifter' }).getAttribute('aria-invalid')).resolves.toBeNull();
    expect(`${await page.getByRole('alert').innerText()} ${fieldError}`).not.toMatch(/Tömvägen|Nygatan|070-111/);
    await expect(web.stack.db.prisma.caseSubjectRevision.count({ where: { caseId } })).resolves.toBe(1);
    await expect(web.stack.db.prisma.auditEvent.count({ where: { caseId, action: 'subject.correct', actor: 'dev-coordinator' } })).resolves.toBe(0);
    await expectNoAxeViolations(page);
    await screenshot(page, 'tom-faltet-fel');

    await address.fill('');
    await page.getByRole('checkbox', { name: 'Töm fältet (Det som anmäldes)' }).check();
    await page.getByRole('button', { name: 'Spara rättelsen' }).click();
    await expect(page.getByRole('status').innerText()).resolves.toContain('Uppgifterna om personen är rättade.');
    const shownNow = await personSection.innerText();
    for (const field of ['Kontaktuppgifter', 'Adress', 'Det som anmäldes']) expect(shownNow).toMatch(new RegExp(`${field}\\s+Uppgift saknas`));
    expect(shownNow).toContain('Tilde Tömsson');
    for (const gone of ['Tömvägen', '070-111', person.narrative]) expect(shownNow).not.toContain(gone);
    await expectNoAxeViolations(page);

    await personSection.getByRole('link', { name: 'Visa rättelserna och vad de ersatte' }).click();
    await expect(shown(page.getByRole('heading', { level: 1, name: 'Rättelser av uppgifterna om personen' }))).resolves.toBe(true);
    const emptied = page.getByRole('region', { name: /^Rättat / }).nth(1);
    await expect(emptied.getByRole('heading').innerText()).resolves.toMatch(/av dev-coordinator \(du\)$/);
    await expect(emptied.getByRole('row', { name: /^Kontaktuppgifter/ }).innerText()).resolves.toBe('Kontaktuppgifter\t070-111 22 33\tUppgift saknas');
    await expect(emptied.getByRole('row', { name: /^Adress/ }).innerText()).resolves.toBe('Adress\tTömvägen 3, Tumba\tUppgift saknas');
    await expect(emptied.getByRole('row', { name: /^Det som anmäldes/ }).innerText()).resolves.toBe(`Det som anmäldes\t${person.narrative}\tUppgift saknas`);
    await expect(emptied.getByRole('row', { name: /^Namn/ }).count()).resolves.toBe(0);
    await expectNoAxeViolations(page);

    const row = await web.stack.db.prisma.caseSubject.findUniqueOrThrow({ where: { caseId } });
    expect(row).toMatchObject({ contactEnc: null, addressEnc: null, narrativeEnc: null });
    expect(row.displayNameEnc).not.toBeNull();
    expect(urls.filter((u) => ['Tilde', 'Tömvägen', 'Nygatan', '070-111'].some((secret) => decodeURIComponent(u).includes(secret)))).toEqual([]);
    await context.close();
  });
});
