import type { Page } from 'playwright-core';
import { eventually } from '../support/stack';
import { expectNoAxeViolations, startWebStack, type WebStack } from '../support/browser';

/** What has focus now: its tag, text (or label) and whether its focus is drawn (an outline of at least 2px). */
async function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return { tag: '', name: '', id: '', outlined: false };
    const style = getComputedStyle(el);
    const label = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : undefined;
    return {
      tag: el.tagName.toLowerCase(),
      name: (label ?? el.textContent ?? '').trim() || (el as HTMLInputElement).value || '',
      id: el.id,
      outlined: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    };
  });
}

/** Presses Tab until `name` has focus; answers every stop on the way, so a test can read the tab order. */
async function tabTo(page: Page, name: string | RegExp, max = 60) {
  const stops: Array<Awaited<ReturnType<typeof focused>>> = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    stops.push(now);
    if (typeof name === 'string' ? now.name === name : name.test(now.name)) return stops;
  }
  throw new Error(`Tab never reached ${String(name)}; stops: ${stops.map((s) => s.name).join(' | ')}`);
}

describe('the web app by keyboard alone', () => {
  let web: WebStack;
  beforeAll(async () => {
    web = await startWebStack('keys');
  });
  afterAll(async () => {
    await web?.teardown();
  });

  it('when staff sign in and complete a task with the keyboard only, then the skip link, tab order and a visible focus lead them through', async () => {
    const started = await web.stack.api
      .post('/cases')
      .send({ caseType: 'youth-concern', referral: { sourceAgency: 'school', category: 'threat', subject: { ageYears: 14 } } })
      .expect(201);
    const caseId = (started.body as { caseId: string }).caseId;
    await eventually('the protection assessment', async () => {
      const res = await web.stack.api.get(`/cases/${caseId}`).expect(200);
      return (res.body.tasks as Array<{ stepKey: string; status: string }>).some((t) => t.stepKey === 'protectionAssessment' && t.status === 'open');
    });
    const { page, context } = await web.newPage();
    await page.goto(`${web.appUrl}/`);
    // The first stop is the skip link, shown when it has focus.
    const [skip] = await tabTo(page, 'Hoppa till innehållet');
    expect(skip.outlined).toBe(true);
    expect(await page.getByRole('link', { name: 'Hoppa till innehållet' }).isVisible()).toBe(true);
    await tabTo(page, 'Logga in');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/interaction\//);
    await tabTo(page, 'dev-staff-children-youth');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/app\/inkorg/);

    // The skip link moves focus to the main content, past the header.
    await page.keyboard.press('Tab');
    expect((await focused(page)).name).toBe('Hoppa till innehållet');
    await page.keyboard.press('Enter');
    expect((await focused(page)).id).toBe('innehall');

    // From the content: the filters in reading order, then the list; every stop shows its focus.
    const stops = await tabTo(page, 'Skyddsbedömning');
    // A date field takes one stop per part (year, month, day): one name in the order.
    const order = stops.map((s) => s.name).filter((name, i, all) => name !== all[i - 1]);
    expect(order.slice(0, 7)).toEqual(['Status', 'Ärendetyp', 'Förfaller före', 'Mina uppgifter', 'Endast försenade', 'Visa', 'Skyddsbedömning']);
    expect(stops.filter((s) => !s.outlined)).toEqual([]);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/uppgifter\//);

    await tabTo(page, 'Inget omedelbart skyddsbehov');
    await page.keyboard.press('Space');
    await tabTo(page, 'Anteckning (valfri)');
    await page.keyboard.type('Bedömd per telefon.');
    const last = await tabTo(page, 'Slutför uppgiften');
    expect(last.at(-1)?.outlined).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(/klar=1/);
    expect(await page.getByRole('status').innerText()).toContain('Uppgiften är slutförd.');
    await expectNoAxeViolations(page);
    await context.close();
  });
});
