// The nomination page (GET /nominations/:id): its nominator reads what happens next, with the
// date nominations close; the secretariat can record a decision there as in the screening queue.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays } from '../../../src/domain/dates.js';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { openAthensBallot } from '../ballots/ballot-records.js';
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

  it('tells its nominator when the board’s vote opens and closes, in the board’s time zone, once a ballot is scheduled, then while it is open', async () => {
    await openAthensBallot(t, { opensAt: '2026-11-30T09:00', closesAt: '2026-12-05T17:00' });
    const nominator = await logInAs(t, 'nominator.montevideo');
    const scheduled = textOf((await nominator.get(`/nominations/${NOMINATION.montevideo}`)).text);
    expect(scheduled).toContain(
      'is a candidate in the board’s vote. The vote opens on 2026-11-30 09:00 and closes on 2026-12-05 17:00 (UTC time). You will get an e-mail with the result.',
    );
    t.clock.advance(3 * 86_400_000);
    const later = await logInAs(t, 'nominator.montevideo'); // the first session has ended by then
    const open = textOf((await later.get(`/nominations/${NOMINATION.montevideo}`)).text);
    expect(open).toContain(
      'is a candidate in the board’s vote. The vote closes on 2026-12-05 17:00 (UTC time).',
    );
  });

  it('offers the secretariat the screening decisions, posting to the review with the status it read', async () => {
    const page = await (await logInAs(t, 'secretariat')).get(`/nominations/${NOMINATION.montevideo}`);
    expect(page.text).toContain(`action="/nominations/${NOMINATION.montevideo}/review"`);
    expect(page.text).toContain('<input type="hidden" name="from" value="submitted">');
    expect(textOf(page.text)).not.toContain('What happens next');
  });
});
