// The nomination page (GET /nominations/:id): its nominator reads what happens next, with the
// date nominations close; the secretariat can record a decision there as in the screening queue.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays } from '../../../src/domain/dates.js';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { NOMINATION, NOW, textOf } from './nomination-records.js';

const TODAY = NOW.toISOString().slice(0, 10);

describe('the nomination page', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('tells its nominator what happens next, with the day nominations close', async () => {
    const page = await (await logInAs(t, 'nominator.montevideo')).get(
      `/nominations/${NOMINATION.montevideo}`,
    );
    expect(page.status).toBe(200);
    const text = textOf(page.text);
    expect(text).toContain('What happens next');
    expect(text).toContain(`nominations close on ${addDays(TODAY, 14)}`);
    expect(text).not.toContain('undefined');
  });

  it('offers the secretariat the screening decisions, posting to the review with the status it read', async () => {
    const page = await (await logInAs(t, 'secretariat')).get(`/nominations/${NOMINATION.montevideo}`);
    expect(page.text).toContain(`action="/nominations/${NOMINATION.montevideo}/review"`);
    expect(page.text).toContain('<input type="hidden" name="from" value="submitted">');
    expect(textOf(page.text)).not.toContain('What happens next');
  });
});
