// The diversity rules in a real browser: the secretariat tightens a rule on the settings page and
// the screening queue shows at once which candidate would now break it.
import { describe, expect, it } from 'vitest';
import {
  expectPath,
  screenshot,
  submitWith,
  textOf,
  useServerAndBrowser,
  visibleText,
  waitForText,
  waitForVisible,
} from './browser.js';

const harness = useServerAndBrowser();

/** The demo nominations for the Athens seat (vacancy 1), by id. */
const ZURICH = 3;
const OTHERS = [1, 2]; // Montevideo (Latin America), Dhaka North (South Asia)

describe('diversity settings in a real browser', () => {
  it('at most 2 seats per region makes Zurich, a third European seat, break the rule', async () => {
    const origin = harness.server().origin;
    const page = await harness.pageLoggedInAs('secretariat');

    // Under the default rule (3 of 8) Zurich breaks nothing on the region count.
    await page.goto(`${origin}/vacancies/1`);
    const zurich = page.locator(`tr#nomination-${ZURICH}`);
    await waitForVisible(zurich, 'Zurich’s row in the screening queue');
    expect(await textOf(zurich)).toContain('Zurich');
    expect(await zurich.locator('[data-diversity-violation="maxSeatsPerRegion"]').count()).toBe(0);

    await page.goto(`${origin}/settings`);
    const maxPerRegion = page.getByLabel('At most this many seats per region');
    expect(await maxPerRegion.inputValue(), 'the default').toBe('3');
    await maxPerRegion.fill('2');
    const saved = await submitWith(page, 'Save diversity rules');
    expect(saved.status(), `saving the diversity rules: ${await visibleText(page)}`).toBe(303);
    await expectPath(page, '/settings', 'saving the diversity rules');
    await waitForText(page.getByRole('status'), 'The diversity rules are saved.', 'the flash message');
    expect(await page.getByLabel('At most this many seats per region').inputValue()).toBe('2');

    await page.goto(`${origin}/vacancies/1`);
    await waitForVisible(
      zurich.locator('[data-diversity-violation="maxSeatsPerRegion"]'),
      'the maxSeatsPerRegion violation on Zurich’s row',
    );
    expect(await textOf(zurich.locator('[data-diversity-violation="maxSeatsPerRegion"]'))).toMatch(
      /breaks a rule/i,
    );
    for (const id of OTHERS) {
      expect(
        await page.locator(`tr#nomination-${id} [data-diversity-violation="maxSeatsPerRegion"]`).count(),
        `nomination ${id} adds a new region and breaks no region cap`,
      ).toBe(0);
    }
    await screenshot(page, 'e2e-screening-diversity');
  });
});
