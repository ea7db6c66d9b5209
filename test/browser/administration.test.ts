import { devIdentities } from '../../dev/devAuth';
import type { Identity } from '../support/tokens';
import { expectNoAxeViolations, screenshot, startProtectionAssessment, startWebStack, shown, type WebStack } from '../support/browser';

const admin: Identity = { sub: 'dev-admin', roles: ['admin'] };
const supervisor: Identity = { sub: 'dev-supervisor-children-youth', roles: ['supervisor'], supervisedUnits: ['soc-children-youth'] };

const referral = {
  caseType: 'youth-concern',
  referral: {
    sourceAgency: 'school',
    category: 'violence',
    suspectedOfCrime: false,
    subject: { displayName: 'Nora Provsson', personalIdentityNumber: '20110312-2386', ageYears: 14 },
    narrative: 'Bråk på skolgården.',
  },
};

type RegistryBody = { agencies: Array<{ code: string; name: string; units: Array<{ code: string; name: string; notificationEmail: string; active: boolean }> }> };

/** A unit of the test's own, added through the API (each test owns its data). */
async function addUnit(web: WebStack, code: string, name: string) {
  await web.stack
    .as(admin)
    .post('/admin/units')
    .send({ code, agency: 'school', name, notificationEmail: `${code}@skola.example`, supervisorEmail: `${code}-rektor@skola.example`, headEmail: `${code}-chef@skola.example` })
    .expect(201);
}

type RoutingBody = { active: { version: string; rules: Array<{ id: string; then: { units?: Record<string, string> } }> } };

/** An agency of the test's own, added through the API. */
async function addAgency(web: WebStack, code: string, name: string) {
  await web.stack.as(admin).post('/admin/agencies').send({ code, name }).expect(201);
}

async function registryAgency(web: WebStack, code: string) {
  const body = (await web.stack.as(admin).get('/admin/registry').expect(200)).body as RegistryBody;
  return body.agencies.find((a) => a.code === code);
}

async function registryUnit(web: WebStack, code: string) {
  const body = (await web.stack.as(admin).get('/admin/registry').expect(200)).body as RegistryBody;
  return body.agencies.flatMap((a) => a.units).find((u) => u.code === code);
}

describe("the administrator's screens in the staff web app", () => {
  let web: WebStack;
  beforeAll(async () => {
    web = await startWebStack('web-admin', { users: devIdentities });
  });
  afterAll(async () => {
    await web?.teardown();
  });

  it("when an admin adds a unit to an agency, then Registret lists it, the API's registry has it and the change is audited", async () => {
    const { page, context, consoleErrors } = await web.newPage();
    await web.signIn(page, 'dev-admin');
    // An admin's start page is the registry, and the navigation holds the three admin screens, then the watchdog's runs.
    await expect(shown(page.getByRole('heading', { level: 1, name: 'Registret' }))).resolves.toBe(true);
    await expect(page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link').allInnerTexts()).resolves.toEqual(['Registret', 'Policyer', 'Routning', 'Bevakning']);
    await expect(page.getByRole('region', { name: 'Grundskolor (school)' }).getByRole('link', { name: 'Storvretsskolan' }).count()).resolves.toBeGreaterThan(0);
    await expectNoAxeViolations(page);

    const form = page.getByRole('form', { name: 'Lägg till en enhet' });
    await form.getByRole('combobox', { name: 'Myndighet' }).selectOption('school');
    await form.getByRole('textbox', { name: 'Kod' }).fill('skola-norsborg');
    await form.getByRole('textbox', { name: 'Namn' }).fill('Norsborgsskolan');
    await form.getByRole('textbox', { name: 'Inkorgens e-postadress' }).fill('expedition@norsborg.example');
    await form.getByRole('textbox', { name: 'Arbetsledarens e-postadress' }).fill('rektor@norsborg.example');
    await form.getByRole('textbox', { name: 'Enhetschefens e-postadress' }).fill('chef@norsborg.example');
    await form.getByRole('button', { name: 'Lägg till enheten' }).click();
    await expect(page.getByRole('status').innerText()).resolves.toBe('Enheten skola-norsborg är tillagd.');
    const row = page.getByRole('region', { name: 'Grundskolor (school)' }).getByRole('row').filter({ hasText: 'skola-norsborg' });
    await expect(shown(row.getByRole('link', { name: 'Norsborgsskolan' }))).resolves.toBe(true);
    await expect(row.innerText()).resolves.toContain('expedition@norsborg.example');
    await expect(row.innerText()).resolves.toContain('Ja');
    await expectNoAxeViolations(page);
    await screenshot(page, 'registret');

    expect(await registryUnit(web, 'skola-norsborg')).toMatchObject({ name: 'Norsborgsskolan', notificationEmail: 'expedition@norsborg.example', active: true });
    const rows = await web.stack.db.prisma.auditEvent.findMany({ where: { actor: 'dev-admin', action: 'unit.create' }, orderBy: { at: 'asc' } });
    expect(rows.map((r) => [r.phase, r.status, r.detail])).toContainEqual(['result', 201, { unit: 'skola-norsborg' }]);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it('when an admin adds a unit with a malformed code or one already taken, then the Swedish error sits next to the code field, the form keeps what was typed and nothing is added', async () => {
    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-admin', '/administration/registret');
    const fill = async (code: string) => {
      const form = page.getByRole('form', { name: 'Lägg till en enhet' });
      await form.getByRole('combobox', { name: 'Myndighet' }).selectOption('school');
      await form.getByRole('textbox', { name: 'Kod' }).fill(code);
      await form.getByRole('textbox', { name: 'Namn' }).fill('Alby skola');
      await form.getByRole('textbox', { name: 'Inkorgens e-postadress' }).fill('alby@skola.example');
      await form.getByRole('textbox', { name: 'Arbetsledarens e-postadress' }).fill('alby-rektor@skola.example');
      await form.getByRole('textbox', { name: 'Enhetschefens e-postadress' }).fill('alby-chef@skola.example');
      await form.getByRole('button', { name: 'Lägg till enheten' }).click();
    };
    await fill('Alby Skola');
    const code = page.getByRole('form', { name: 'Lägg till en enhet' }).getByRole('textbox', { name: 'Kod' });
    await expect(code.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(code.getAttribute('aria-describedby')).resolves.toContain('enhet-kod-fel');
    await expect(page.locator('#enhet-kod-fel').innerText()).resolves.toBe('Ange en kod på 2–64 tecken: små bokstäver a–z, siffror och bindestreck, som börjar med en bokstav.');
    await expect(code.inputValue()).resolves.toBe('Alby Skola');
    // The summary names the field and links to it.
    const summary = page.getByRole('alert');
    await expect(summary.innerText()).resolves.toContain('Formuläret innehåller fel.');
    await expect(summary.getByRole('link', { name: /^Kod: Ange en kod/ }).getAttribute('href')).resolves.toBe('#enhet-kod');
    await expectNoAxeViolations(page);

    await fill('soc-adults');
    await expect(page.locator('#enhet-kod-fel').innerText()).resolves.toBe('Koden används redan i registret. Välj en annan.');
    expect((await registryUnit(web, 'soc-adults'))?.name).not.toBe('Alby skola');
    expect(await web.stack.db.prisma.unit.count({ where: { name: 'Alby skola' } })).toBe(0);
    await context.close();
  });

  it("when an admin changes a unit's inbox address, then the unit shows the new address and the audit row names only that field", async () => {
    await addUnit(web, 'adm-edit-alby', 'Alby skola');
    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-admin', '/administration/registret');
    await page.getByRole('link', { name: 'Alby skola' }).click();
    await expect(shown(page.getByRole('heading', { level: 1, name: 'Enhet: Alby skola' }))).resolves.toBe(true);
    await expectNoAxeViolations(page);
    // A one-letter name passes the browser's own check; the server names the field, next to it.
    const name = page.getByRole('textbox', { name: 'Namn' });
    await name.fill('A');
    await page.getByRole('button', { name: 'Spara ändringarna' }).click();
    await expect(page.locator('#andra-namn-fel').innerText()).resolves.toBe('Ange ett namn på 2–200 tecken.');
    await expect(name.getAttribute('aria-describedby')).resolves.toBe('andra-namn-fel');
    await expect(name.inputValue()).resolves.toBe('A');
    await expectNoAxeViolations(page);
    await name.fill('Alby skola');
    const inbox = page.getByRole('textbox', { name: 'Inkorgens e-postadress' });
    await expect(inbox.inputValue()).resolves.toBe('adm-edit-alby@skola.example');
    await inbox.fill('expedition@alby.example');
    await page.getByRole('button', { name: 'Spara ändringarna' }).click();
    await expect(page.getByRole('status').innerText()).resolves.toBe('Ändringarna är sparade.');
    await expect(inbox.inputValue()).resolves.toBe('expedition@alby.example');

    expect(await registryUnit(web, 'adm-edit-alby')).toMatchObject({ name: 'Alby skola', notificationEmail: 'expedition@alby.example' });
    const rows = await web.stack.db.prisma.auditEvent.findMany({ where: { actor: 'dev-admin', action: 'unit.update', phase: 'result' } });
    expect(rows.map((r) => r.detail)).toContainEqual({ unit: 'adm-edit-alby', fields: ['notificationEmail'] });
    await expectNoAxeViolations(page);
    await context.close();
  });

  it('when an admin deactivates a unit that holds an open task, then it is refused with the Swedish reason; once the task is moved away, it is deactivated and can be taken back', async () => {
    const code = 'adm-busy-fittja';
    await addUnit(web, code, 'Fittja fritidsgård');
    const { taskId } = await startProtectionAssessment(web, referral);
    await web.stack.as(supervisor).post(`/tasks/${taskId}/reassign`).send({ unitCode: code, reason: 'pilot at the youth centre' }).expect(200);

    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-admin', `/administration/registret/enheter/${code}`);
    await page.getByRole('button', { name: 'Inaktivera enheten' }).click();
    const alert = page.getByRole('alert');
    await expect(alert.innerText()).resolves.toContain('Enheten kan inte inaktiveras ännu, eftersom den fortfarande får arbete:');
    await expect(alert.innerText()).resolves.toContain('En öppen uppgift ligger hos enheten. Enhetens arbetsledare behöver först flytta den till en annan enhet.');
    await expect(shown(page.getByRole('button', { name: 'Inaktivera enheten' }))).resolves.toBe(true);
    await expectNoAxeViolations(page);
    await screenshot(page, 'enhet-upptagen');
    expect((await registryUnit(web, code))?.active).toBe(true);

    const unitSupervisor: Identity = { sub: 'fittja-supervisor', roles: ['supervisor'], supervisedUnits: [code] };
    await web.stack.as(unitSupervisor).post(`/tasks/${taskId}/reassign`).send({ unitCode: 'soc-children-youth', reason: 'pilot over' }).expect(200);
    await page.getByRole('button', { name: 'Inaktivera enheten' }).click();
    await expect(page.getByRole('status').innerText()).resolves.toBe('Enheten är inaktiverad. Den får inget nytt arbete.');
    await expect(page.getByRole('definition').filter({ hasText: 'Nej, inaktiverad' }).count()).resolves.toBe(1);
    expect((await registryUnit(web, code))?.active).toBe(false);

    await page.getByRole('button', { name: 'Aktivera enheten igen' }).click();
    await expect(page.getByRole('status').innerText()).resolves.toBe('Enheten är aktiverad och tar emot arbete igen.');
    expect((await registryUnit(web, code))?.active).toBe(true);

    // A unit the active policy and routing table send work to says so, by version.
    const policies = (await web.stack.as(admin).get('/admin/policies').expect(200)).body as { items: Array<{ caseType: string; version: string; active: boolean }> };
    const youth = policies.items.find((i) => i.caseType === 'youth-concern' && i.active)!;
    const routing = (await web.stack.as(admin).get('/admin/routing').expect(200)).body as RoutingBody;
    const answer = await page.goto(`${web.appUrl}/administration/registret/enheter/soc-children-youth`);
    expect(answer?.status()).toBe(200);
    await page.getByRole('button', { name: 'Inaktivera enheten' }).click();
    const reasons = await page.getByRole('alert').getByRole('listitem').allInnerTexts();
    // Each version's line names the steps or rules that send the unit work.
    const policyLine = reasons.find((line) => line.startsWith(`Den aktiva policyn för Oro för ung person (version ${youth.version}) skickar uppgifter dit i stegen ”Skyddsbedömning”, `));
    expect(policyLine).toMatch(/”Beslut om utredning”.*Publicera först en version som pekar på en annan enhet\.$/);
    const rules = routing.active.rules.flatMap((rule, i) => (Object.values(rule.then.units ?? {}).includes('soc-children-youth') ? [`”Regel ${i + 1}: ${rule.id}”`] : []));
    expect(rules).toHaveLength(2);
    expect(reasons).toContain(`Den aktiva routningstabellen (version ${routing.active.version}) skickar uppgifter dit i reglerna ${rules.join(' och ')}. Publicera först en version som pekar på en annan enhet.`);
    expect((await registryUnit(web, 'soc-children-youth'))?.active).toBe(true);
    await context.close();
  });

  it('when an admin adds an agency, then it is listed without units and a unit can be added to it', async () => {
    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-admin', '/administration/registret');
    const agencyForm = page.getByRole('form', { name: 'Lägg till en myndighet' });
    await agencyForm.getByRole('textbox', { name: 'Kod' }).fill('adm-stiftelse');
    await agencyForm.getByRole('textbox', { name: 'Namn' }).fill('Skolstiftelsen');
    await agencyForm.getByRole('button', { name: 'Lägg till myndigheten' }).click();
    await expect(page.getByRole('status').innerText()).resolves.toBe('Myndigheten adm-stiftelse är tillagd.');
    await expect(page.getByRole('region', { name: 'Skolstiftelsen (adm-stiftelse)' }).innerText()).resolves.toContain('Myndigheten har inga enheter ännu.');
    await expectNoAxeViolations(page);

    const unitForm = page.getByRole('form', { name: 'Lägg till en enhet' });
    await unitForm.getByRole('combobox', { name: 'Myndighet' }).selectOption('adm-stiftelse');
    await unitForm.getByRole('textbox', { name: 'Kod' }).fill('adm-stiftelse-kansli');
    await unitForm.getByRole('textbox', { name: 'Namn' }).fill('Stiftelsens kansli');
    await unitForm.getByRole('textbox', { name: 'Inkorgens e-postadress' }).fill('kansli@stiftelsen.example');
    await unitForm.getByRole('textbox', { name: 'Arbetsledarens e-postadress' }).fill('rektor@stiftelsen.example');
    await unitForm.getByRole('textbox', { name: 'Enhetschefens e-postadress' }).fill('chef@stiftelsen.example');
    await unitForm.getByRole('button', { name: 'Lägg till enheten' }).click();
    await expect(shown(page.getByRole('region', { name: 'Skolstiftelsen (adm-stiftelse)' }).getByRole('link', { name: 'Stiftelsens kansli' }))).resolves.toBe(true);
    const registry = (await web.stack.as(admin).get('/admin/registry').expect(200)).body as RegistryBody;
    expect(registry.agencies.find((a) => a.code === 'adm-stiftelse')?.units.map((u) => u.code)).toEqual(['adm-stiftelse-kansli']);
    await context.close();
  });

  it('when an admin renames an agency, then its page and Registret show the new name and the rename is audited', async () => {
    const code = 'adm-rename-fritid';
    await addAgency(web, code, 'Fritidsförvaltningen');
    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-admin', '/administration/registret');
    await page.getByRole('region', { name: `Fritidsförvaltningen (${code})` }).getByRole('link', { name: 'Byt namn på Fritidsförvaltningen' }).click();
    await expect(shown(page.getByRole('heading', { level: 1, name: 'Myndighet: Fritidsförvaltningen' }))).resolves.toBe(true);
    const form = page.getByRole('form', { name: 'Byt namn' });
    const name = form.getByRole('textbox', { name: 'Namn' });
    // Filled in with the name it has, and held to the operation's limits.
    await expect(name.inputValue()).resolves.toBe('Fritidsförvaltningen');
    await expect(name.getAttribute('maxlength')).resolves.toBe('200');
    await expect(page.locator('#myndighet-nytt-namn-tips').innerText()).resolves.toBe('2–200 tecken.');
    await expectNoAxeViolations(page);

    await name.fill('Kultur- och fritidsförvaltningen');
    await form.getByRole('button', { name: 'Spara namnet' }).click();
    await expect(shown(page.getByRole('heading', { level: 1, name: 'Myndighet: Kultur- och fritidsförvaltningen' }))).resolves.toBe(true);
    await expect(page.getByRole('status').innerText()).resolves.toBe('Myndighetens nya namn är sparat.');
    await expect(name.inputValue()).resolves.toBe('Kultur- och fritidsförvaltningen');
    await expectNoAxeViolations(page);

    await page.getByRole('link', { name: 'Till registret' }).click();
    await expect(shown(page.getByRole('heading', { level: 3, name: `Kultur- och fritidsförvaltningen (${code})` }))).resolves.toBe(true);
    await expect(page.getByRole('link', { name: 'Byt namn på Fritidsförvaltningen' }).count()).resolves.toBe(0);
    expect((await registryAgency(web, code))?.name).toBe('Kultur- och fritidsförvaltningen');
    const rows = await web.stack.db.prisma.auditEvent.findMany({ where: { actor: 'dev-admin', action: 'agency.update', phase: 'result' } });
    expect(rows.map((r) => [r.status, r.detail])).toContainEqual([200, { agency: code }]);

    // An agency that does not exist, or a malformed code, is the one 404.
    for (const path of ['/administration/registret/myndigheter/adm-finns-inte', '/administration/registret/myndigheter/Inte%20en%20kod']) {
      const answer = await page.goto(`${web.appUrl}${path}`);
      expect(answer?.status()).toBe(404);
    }
    await context.close();
  });

  it("when an admin gives an agency a name too short, then the Swedish error sits next to the name field and in the summary, and the name stays", async () => {
    const code = 'adm-rename-short';
    await addAgency(web, code, 'Idrottsföreningarna');
    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-admin', `/administration/registret/myndigheter/${code}`);
    const name = page.getByRole('form', { name: 'Byt namn' }).getByRole('textbox', { name: 'Namn' });
    // One letter passes the browser's own check (the field is required, up to 200 characters); the API's schema refuses it.
    await name.fill('I');
    const [answer] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Spara namnet' }).click()]);
    expect(answer.status()).toBe(400);
    await expect(page.locator('#myndighet-nytt-namn-fel').innerText()).resolves.toBe('Ange ett namn på 2–200 tecken.');
    await expect(name.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(name.getAttribute('aria-describedby')).resolves.toBe('myndighet-nytt-namn-tips myndighet-nytt-namn-fel');
    await expect(name.inputValue()).resolves.toBe('I');
    const summary = page.getByRole('alert');
    await expect(summary.innerText()).resolves.toContain('Formuläret innehåller fel.');
    await expect(summary.getByRole('link', { name: 'Namn: Ange ett namn på 2–200 tecken.' }).getAttribute('href')).resolves.toBe('#myndighet-nytt-namn');
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Myndighet: Idrottsföreningarna');
    await expectNoAxeViolations(page);
    await screenshot(page, 'myndighet-fel');
    expect((await registryAgency(web, code))?.name).toBe('Idrottsföreningarna');
    await context.close();
  });

  it('when an admin deletes a unit that was never used and confirms it, then it is gone from Registret and the API, and the delete is audited', async () => {
    const code = 'adm-delete-typo';
    await addUnit(web, code, 'Albyskoaln');
    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-admin', `/administration/registret/enheter/${code}`);
    await expect(shown(page.getByRole('heading', { level: 2, name: 'Ta bort enheten' }))).resolves.toBe(true);
    await expectNoAxeViolations(page);

    // The unit's page only leads on: the question comes first, and going back deletes nothing.
    await page.getByRole('link', { name: 'Gå vidare till att ta bort enheten' }).click();
    await expect(shown(page.getByRole('heading', { level: 1, name: 'Ta bort enheten Albyskoaln?' }))).resolves.toBe(true);
    await expect(page.getByText(`Enheten Albyskoaln (${code}) hos Grundskolor tas bort ur registret. Det går inte att ångra.`).count()).resolves.toBe(1);
    await expectNoAxeViolations(page);
    await screenshot(page, 'enhet-ta-bort');
    expect(await registryUnit(web, code)).toBeDefined();
    await page.getByRole('link', { name: 'Nej, tillbaka till enheten' }).click();
    await expect(shown(page.getByRole('heading', { level: 1, name: 'Enhet: Albyskoaln' }))).resolves.toBe(true);
    expect(await registryUnit(web, code)).toBeDefined();

    await page.getByRole('link', { name: 'Gå vidare till att ta bort enheten' }).click();
    await page.getByRole('form', { name: 'Ta bort enheten Albyskoaln?' }).getByRole('button', { name: 'Ja, ta bort enheten' }).click();
    await expect(shown(page.getByRole('heading', { level: 1, name: 'Registret' }))).resolves.toBe(true);
    await expect(page.getByRole('status').innerText()).resolves.toBe(`Enheten ${code} är borttagen ur registret.`);
    await expect(page.getByRole('link', { name: 'Albyskoaln' }).count()).resolves.toBe(0);
    await expectNoAxeViolations(page);

    expect(await registryUnit(web, code)).toBeUndefined();
    expect(await web.stack.db.prisma.unit.findUnique({ where: { code } })).toBeNull();
    const rows = await web.stack.db.prisma.auditEvent.findMany({ where: { actor: 'dev-admin', action: 'unit.delete', phase: 'result' } });
    expect(rows.map((r) => [r.status, r.detail])).toContainEqual([200, { unit: code }]);
    // Gone: its pages are the one 404.
    for (const path of [`/administration/registret/enheter/${code}`, `/administration/registret/enheter/${code}/ta-bort`]) {
      const answer = await page.goto(`${web.appUrl}${path}`);
      expect(answer?.status()).toBe(404);
    }
    await context.close();
  });

  it('when an admin deletes a unit that has held a task, or one the active policy sends work to, then it is refused with the Swedish reason and the unit stays', async () => {
    const code = 'adm-delete-used';
    await addUnit(web, code, 'Fittja ungdomsmottagning');
    const { taskId } = await startProtectionAssessment(web, referral);
    await web.stack.as(supervisor).post(`/tasks/${taskId}/reassign`).send({ unitCode: code, reason: 'pilot at the youth clinic' }).expect(200);

    const refusedDeletes = () => web.stack.db.prisma.auditEvent.count({ where: { actor: 'dev-admin', action: 'unit.delete', status: 409 } });
    const refusedBefore = await refusedDeletes();
    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-admin', `/administration/registret/enheter/${code}/ta-bort`);
    const confirm = async () => {
      const [answer] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Ja, ta bort enheten' }).click()]);
      return answer.status();
    };
    expect(await confirm()).toBe(409);
    const alert = page.getByRole('alert');
    await expect(alert.innerText()).resolves.toContain('Enheten kan inte tas bort, eftersom den har använts:');
    await expect(alert.getByRole('listitem').allInnerTexts()).resolves.toEqual([
      'Enheten har haft uppgifter, eller uppgifter har flyttats till eller från den, och finns därför kvar i ärendenas historik. Inaktivera den i stället, så får den inget nytt arbete.',
    ]);
    // The unit's own page, so deactivating it is one button away.
    await expect(shown(page.getByRole('heading', { level: 1, name: 'Enhet: Fittja ungdomsmottagning' }))).resolves.toBe(true);
    await expect(shown(page.getByRole('button', { name: 'Inaktivera enheten' }))).resolves.toBe(true);
    await expectNoAxeViolations(page);
    expect(await registryUnit(web, code)).toBeDefined();

    // A seeded unit no case here has used, which the active exit policy names for one step.
    const policies = (await web.stack.as(admin).get('/admin/policies').expect(200)).body as { items: Array<{ caseType: string; version: string; active: boolean }> };
    const exit = policies.items.find((i) => i.caseType === 'exit-programme' && i.active)!;
    expect(await web.stack.db.prisma.task.count({ where: { unit: { code: 'police-exit' } } })).toBe(0);
    await page.goto(`${web.appUrl}/administration/registret/enheter/police-exit/ta-bort`);
    expect(await confirm()).toBe(409);
    await expect(page.getByRole('alert').innerText()).resolves.toContain('Enheten kan inte tas bort, eftersom den fortfarande får arbete:');
    await expect(page.getByRole('alert').getByRole('listitem').allInnerTexts()).resolves.toEqual([
      `Den aktiva policyn för Avhopparverksamhet (version ${exit.version}) skickar uppgifter dit i steget ”Gemensam plan: polis”. Publicera först en version som pekar på en annan enhet.`,
    ]);
    await expectNoAxeViolations(page);
    await screenshot(page, 'enhet-ta-bort-nekad');
    expect(await registryUnit(web, 'police-exit')).toBeDefined();
    // Each refusal is on record (the API's row for a refused delete does not name the unit).
    expect(await refusedDeletes()).toBe(refusedBefore + 2);
    await context.close();
  });

  it('when a coordinator reaches the rename and delete pages, then each answers 403 with no form, and posting them anyway changes nothing', async () => {
    const agency = 'adm-coordinator-agency';
    const unit = 'adm-coordinator-delete';
    await addAgency(web, agency, 'Samordnarnas prov');
    await addUnit(web, unit, 'Samordnarnas provenhet');
    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-coordinator', '/inkorg');
    for (const path of [`/administration/registret/myndigheter/${agency}`, `/administration/registret/enheter/${unit}/ta-bort`]) {
      const answer = await page.goto(`${web.appUrl}${path}`);
      expect(answer?.status()).toBe(403);
      await expect(shown(page.getByRole('heading', { level: 1, name: 'Ingen behörighet' }))).resolves.toBe(true);
      await expect(page.getByRole('form', { name: /Byt namn|Ta bort enheten/ }).count()).resolves.toBe(0);
      await expect(page.getByRole('button', { name: /Spara namnet|Ja, ta bort enheten/ }).count()).resolves.toBe(0);
      await expectNoAxeViolations(page);
    }

    // With the session's own form token, each post still meets the operation's role check.
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    const renamed = await page.request.post(`${web.appUrl}/administration/registret/myndigheter/${agency}`, { form: { _csrf: csrf, name: 'Kapad' }, maxRedirects: 0 });
    expect(renamed.status()).toBe(403);
    const deleted = await page.request.post(`${web.appUrl}/administration/registret/enheter/${unit}/ta-bort`, { form: { _csrf: csrf }, maxRedirects: 0 });
    expect(deleted.status()).toBe(403);
    await expect(deleted.text()).resolves.toContain('Ingen behörighet');
    expect((await registryAgency(web, agency))?.name).toBe('Samordnarnas prov');
    expect(await registryUnit(web, unit)).toBeDefined();

    const rows = await web.stack.db.prisma.auditEvent.findMany({ where: { actor: 'dev-coordinator', status: 403, action: { in: ['agency.update', 'unit.delete'] } } });
    expect(rows.map((r) => r.action).sort()).toEqual(['agency.update', 'unit.delete']);
    await context.close();
  });

  it("when a coordinator reaches the administrator's pages, then each answers 403 and the refusal is audited; a posted form changes nothing", async () => {
    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-coordinator', '/inkorg');
    const nav = await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link').allInnerTexts();
    expect(nav).not.toContain('Registret');
    for (const path of ['/administration/registret', '/administration/registret/enheter/soc-adults', '/administration/policyer', '/administration/policyer/youth-concern/2026.1', '/administration/routning', '/administration/routning/versioner/2026.1']) {
      const answer = await page.goto(`${web.appUrl}${path}`);
      expect(answer?.status()).toBe(403);
      await expect(shown(page.getByRole('heading', { level: 1, name: 'Ingen behörighet' }))).resolves.toBe(true);
    }
    await expectNoAxeViolations(page);

    // With the session's own form token, the post still meets the operation's role check.
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    const posted = await page.request.post(`${web.appUrl}/administration/registret/enheter`, {
      form: { _csrf: csrf, agency: 'school', code: 'adm-coordinator-unit', name: 'Inte min', notificationEmail: 'a@skola.example', supervisorEmail: 'b@skola.example', headEmail: 'c@skola.example' },
      maxRedirects: 0,
    });
    expect(posted.status()).toBe(403);
    expect(await web.stack.db.prisma.unit.findUnique({ where: { code: 'adm-coordinator-unit' } })).toBeNull();

    const rows = await web.stack.db.prisma.auditEvent.findMany({ where: { actor: 'dev-coordinator', status: 403 } });
    const refusedActions = rows.map((r) => r.action);
    expect(refusedActions).toEqual(expect.arrayContaining(['registry.read', 'policy.list', 'policy.read', 'routing.read', 'routing.version.read', 'unit.create']));
    await context.close();
  });

  it('when an admin reads the policies and the routing table, then the seeded versions show in words, which is active, and what a new version changes', async () => {
    const policies = (await web.stack.as(admin).get('/admin/policies').expect(200)).body as { items: Array<{ caseType: string; version: string; active: boolean }> };
    const activeYouth = policies.items.find((i) => i.caseType === 'youth-concern' && i.active)!;
    const routing = (await web.stack.as(admin).get('/admin/routing').expect(200)).body as { active: { version: string; rules: Array<{ id: string }> } };

    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-admin', '/administration/policyer');
    await expect(shown(page.getByRole('heading', { level: 1, name: 'Policyer för tidsfrister' }))).resolves.toBe(true);
    await expect(shown(page.getByText('En ny version gäller för ärenden som startar efter att den publicerats'))).resolves.toBe(true);
    const youth = page.getByRole('table', { name: 'Versioner: Oro för ung person' });
    for (const item of policies.items.filter((i) => i.caseType === 'youth-concern')) {
      const row = youth.getByRole('row').filter({ has: page.getByRole('link', { name: `Oro för ung person, version ${item.version}`, exact: true }) });
      await expect(row.getByRole('cell').nth(1).innerText()).resolves.toBe(item.active ? 'Aktiv' : 'Nej');
    }
    await expect(shown(page.getByRole('table', { name: 'Versioner: Social insatsgrupp' }))).resolves.toBe(true);
    await expectNoAxeViolations(page);
    await screenshot(page, 'policyer');

    await youth.getByRole('link', { name: `Oro för ung person, version ${activeYouth.version}`, exact: true }).click();
    await expect(shown(page.getByRole('heading', { level: 1, name: `Policy: Oro för ung person, version ${activeYouth.version}` }))).resolves.toBe(true);
    // The steps in the order a case meets them, the protection assessment first.
    await expect(page.getByRole('heading', { level: 3 }).first().innerText()).resolves.toBe('Skyddsbedömning');
    const protection = page.getByRole('region', { name: 'Skyddsbedömning', exact: true });
    const text = await protection.innerText();
    expect(text).toContain('Samma arbetsdag kl. 17:00 om den kommit in före kl. 15:00, annars kl. 17:00 nästa arbetsdag');
    expect(text).toContain('Kl. 12:00 på förfallodagen');
    await expect(protection.getByRole('listitem').allInnerTexts()).resolves.toEqual(expect.arrayContaining(['När tidsfristen passeras: enhetens arbetsledare', '2 timmar efter tidsfristen: enhetschefen']));
    await expect(page.getByRole('region', { name: 'Beslut om utredning' }).innerText()).resolves.toContain('Inom 14 kalenderdagar');
    await expectNoAxeViolations(page);
    await screenshot(page, 'policy');

    await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Routning' }).click();
    await expect(shown(page.getByRole('heading', { level: 1, name: 'Routning' }))).resolves.toBe(true);
    await expect(shown(page.getByText(`Aktiv version: ${routing.active.version}`))).resolves.toBe(true);
    await expect(shown(page.getByText('En ny version routar de anmälningar som kommer in efter att den publicerats'))).resolves.toBe(true);
    const first = page.getByRole('region', { name: `Regel 1: ${routing.active.rules[0].id}` });
    await expect(shown(first)).resolves.toBe(true);
    await expect(page.getByRole('heading', { level: 3, name: /^Regel \d+: / }).count()).resolves.toBe(routing.active.rules.length);
    await expect(page.getByRole('region', { name: /: youth-under-15$/ }).innerText()).resolves.toContain('personen är högst 14 år');
    await expect(page.getByRole('region', { name: /: exit$/ }).innerText()).resolves.toContain('kategorin är vill lämna kriminellt nätverk');
    await expectNoAxeViolations(page);
    await screenshot(page, 'routning');
    await context.close();
  });

  it("when an admin opens a routing version from Routning's list, then a version no longer active shows its own rules read only and says plainly that it is not active, the active one says it is, and an unknown or malformed version is the one 404", async () => {
    const routing = (await web.stack.as(admin).get('/admin/routing').expect(200)).body as RoutingBody & { versions: Array<{ version: string }> };
    // 2026.1 is seeded and replaced by 2026.2 at seeding: never the active one, whatever this file publishes.
    const old = (await web.stack.as(admin).get('/admin/routing/versions/2026.1').expect(200)).body as { table: { rules: Array<{ id: string }> }; active: boolean };
    expect(old.active).toBe(false);
    const headings = (rules: Array<{ id: string }>) => rules.map((rule, i) => `Regel ${i + 1}: ${rule.id}`);

    const { page, context } = await web.newPage();
    await web.signIn(page, 'dev-admin', '/administration/routning');
    const versions = page.getByRole('table', { name: 'Routningstabellens versioner, senaste först' });
    await expect(versions.getByRole('link').allInnerTexts()).resolves.toEqual(routing.versions.map((v) => `Version ${v.version}`));
    await versions.getByRole('link', { name: 'Version 2026.1', exact: true }).click();
    await expect(shown(page.getByRole('heading', { level: 1, name: 'Routningstabellen, version 2026.1' }))).resolves.toBe(true);
    await expect(shown(page.getByText('Den här versionen är inte aktiv: anmälningar som kommer in routas inte efter den.'))).resolves.toBe(true);
    await expect(page.getByRole('heading', { level: 2, name: 'Regler i version 2026.1' }).count()).resolves.toBe(1);
    await expect(page.getByRole('heading', { level: 3, name: /^Regel \d+: / }).allInnerTexts()).resolves.toEqual(headings(old.table.rules));
    // Its own rules, not the active table's: in 2026.1 the exit programme starts no youth concern beside it.
    const exit = await page.getByRole('region', { name: /: exit$/ }).innerText();
    expect(exit).toContain('Someone leaving a criminal network');
    expect(exit).not.toContain('För den som är under 18 startas också');
    // Read only: nothing on the page changes the table.
    const main = page.getByRole('main');
    await expect(main.getByRole('button').count()).resolves.toBe(0);
    await expect(main.getByRole('textbox').count()).resolves.toBe(0);
    await expectNoAxeViolations(page);
    await screenshot(page, 'routning-version');

    await page.getByRole('link', { name: 'Tillbaka till Routning' }).click();
    await versions.getByRole('link', { name: `Version ${routing.active.version}`, exact: true }).click();
    await expect(shown(page.getByRole('heading', { level: 1, name: `Routningstabellen, version ${routing.active.version}` }))).resolves.toBe(true);
    await expect(shown(page.getByText('Den här versionen är aktiv: anmälningar som kommer in routas efter den.'))).resolves.toBe(true);
    await expect(page.getByText('Den här versionen är inte aktiv', { exact: false }).count()).resolves.toBe(0);
    await expect(page.getByRole('heading', { level: 3, name: /^Regel \d+: / }).allInnerTexts()).resolves.toEqual(headings(routing.active.rules));
    await expectNoAxeViolations(page);

    for (const version of ['no-such-version', 'två ord']) {
      const answer = await page.goto(`${web.appUrl}/administration/routning/versioner/${encodeURIComponent(version)}`);
      expect(answer?.status()).toBe(404);
    }
    await expectNoAxeViolations(page);
    await context.close();
  });
});
