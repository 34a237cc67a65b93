// The seats and terms page in a real browser: its timeline and forecasts, and ending a term early
// through the form, which opens the seat's vacancy; the former member then loses the page.
import { describe, expect, it } from 'vitest';
import { demoEmail } from '../../src/demo/seed-demo.js';
import {
  addDays,
  expectPath,
  logIn,
  screenshot,
  screenshotOf,
  serverToday,
  submitWith,
  textOf,
  useServerAndBrowser,
  visibleText,
  waitForText,
  waitForVisible,
} from './browser.js';

const harness = useServerAndBrowser();

describe('seats and terms in a real browser', () => {
  it('the secretariat ends Milan’s term early, which opens a vacancy; the former member loses the page', async () => {
    const origin = harness.server().origin;
    const page = await harness.pageLoggedInAs('secretariat');
    const today = await serverToday(page, origin);
    const deadline = addDays(today, 20);

    // --- The page as seeded: the timeline, Bristol's countdown, Los Angeles's forecast.
    const response = await page.goto(`${origin}/terms`);
    expect(response?.status()).toBe(200);
    expect(await textOf(page.getByRole('heading', { level: 1 }))).toBe('Seats and terms');
    const timeline = page.locator('svg.timeline');
    await waitForVisible(timeline, 'the timeline chart');
    const box = await timeline.boundingBox();
    expect(box?.width, 'the timeline has a width').toBeGreaterThan(200);
    expect(box?.height, 'the timeline has a height').toBeGreaterThan(50);
    expect(await timeline.locator('rect').count(), 'the timeline draws term bars').toBeGreaterThan(7);

    const seatsTable = page.getByRole('table', { name: 'Every seat' });
    const rowOf = (city: string) => seatsTable.getByRole('row').filter({ hasText: city });
    expect(await textOf(rowOf('Bristol').locator('td.num'))).toBe('25');
    await waitForVisible(
      rowOf('Los Angeles').locator('[data-forecast="mandate_ends_first"]'),
      'the forecast marker on the Los Angeles row',
    );
    expect(
      await seatsTable.locator('[data-forecast]').count(),
      'only Los Angeles is forecast to end early',
    ).toBe(1);
    const milan = seatsTable
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: '7', exact: true }) });
    expect(await textOf(milan)).toContain('Milan');
    await screenshot(page, 'e2e-terms-before');
    await screenshotOf(page.locator('.table-wrap').filter({ has: seatsTable }), 'e2e-terms-seats-before');
    await screenshotOf(page.locator('figure.chart'), 'e2e-terms-timeline-before');

    // --- End Milan's term early through the form.
    await Promise.all([
      page.waitForURL((url) => /^\/terms\/\d+\/end$/.test(url.pathname)),
      milan.getByRole('link', { name: /^End early/ }).click(),
    ]);
    expect(await textOf(page.getByRole('heading', { level: 1 }))).toContain('term early');
    expect(await textOf(page.locator('.lead'))).toContain('Seat 7 · Milan');
    await page.getByLabel('The term ends on').fill(today);
    await page.getByLabel('Reason', { exact: true }).selectOption({ label: 'Resigned' });
    await page.getByLabel('Open nominations now, with this deadline (optional)').fill(deadline);
    const ended = await submitWith(page, 'End the term');
    expect(ended.status(), `ending the term: ${await visibleText(page)}`).toBe(303);
    await expectPath(page, /^\/vacancies\/\d+$/, 'ending Milan’s term');
    const vacancyId = Number(new URL(page.url()).pathname.split('/').pop());
    expect(await textOf(page.getByRole('heading', { level: 1 }))).toContain('Seat 7 vacancy');
    await waitForText(page.getByRole('status'), 'Luca Bernardi’s term ends on', 'the flash message');
    await waitForVisible(page.locator('h1 .badge').filter({ hasText: 'open' }), 'the open status badge');
    const details = page.locator('dl.details');
    expect(await textOf(details)).toContain('Luca Bernardi, Milan');
    expect(await textOf(details)).toMatch(/Reason\s*Resigned/);
    expect(await details.locator(`time[datetime="${deadline}"]`).count(), 'the deadline is shown').toBe(1);
    expect(await textOf(details)).toContain('20 days left');

    // --- /terms now shows seat 7 vacant, with its open vacancy.
    await page.goto(`${origin}/terms`);
    const seat7 = page
      .getByRole('table', { name: 'Every seat' })
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: '7', exact: true }) });
    await waitForText(seat7, 'vacant', 'seat 7’s row');
    expect(await textOf(seat7)).toContain(`vacancy ${vacancyId} (open for nominations)`);
    expect(await textOf(seat7)).not.toContain('Luca Bernardi');
    expect(await textOf(page.locator('.lead').first())).toContain('6 of 8 seats are filled');
    await screenshot(page, 'e2e-terms-after');
    await screenshotOf(page.locator('figure.chart'), 'e2e-terms-timeline-after');

    // --- Milan's mayor, no longer a sitting member, may not see the page.
    const milanPage = await harness.newPage();
    const login = await logIn(milanPage, origin, demoEmail('mayor.milan'));
    expect(login.status(), 'the former member can still log in').toBe(303);
    const forbidden = await milanPage.goto(`${origin}/terms`);
    expect(forbidden?.status()).toBe(403);
    expect(await textOf(milanPage.getByRole('heading', { level: 1 }))).toBe('Not allowed');
  });
});
