// The meeting's live view (GET /ballots/:id/live) and the fragment it polls
// (GET /ballots/:id/live/status): the secretariat and the ballot's voters see the turnout while it
// is open, in a fragment of a few hundred bytes polled every two seconds, and the result the moment
// it closes, when the polling stops. No one else sees it.
import supertest from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { textOf } from '../terms/board-records.js';
import { addAccount, CANDIDATE, castVotes, closeEarly, NOW, openAthensBallot } from './ballot-records.js';

const { montevideo: M, zurich: Z } = CANDIDATE;

describe('the live view of an open ballot', () => {
  let t: TestApp;
  let ballotId: number;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    ({ ballotId } = await openAthensBallot(t, { method: 'single', quorumPercent: '0' }));
  });
  afterEach(async () => t.close());

  const status = async (who = 'secretariat') =>
    (await logInAs(t, who)).get(`/ballots/${ballotId}/live/status`);

  it('shows the secretariat and a voter the live page, the status fragment inside it', async () => {
    for (const who of ['secretariat', 'mayor.amman', 'partner.uclg']) {
      const page = await (await logInAs(t, who)).get(`/ballots/${ballotId}/live`);
      expect(page.status, who).toBe(200);
      expect(page.text).toContain('id="live-status"');
      expect(page.text).toContain('data-live-turnout="0"');
    }
  });

  it('is no one else’s: 404 to a nominator and to a partner’s second account off the roll, /login for a visitor', async () => {
    await addAccount(t, { localPart: 'partner.c40.second', role: 'partner', partner: 'C40 Cities' });
    for (const who of ['nominator.zurich', 'partner.c40.second']) {
      const browser = await logInAs(t, who);
      expect((await browser.get(`/ballots/${ballotId}/live`)).status, who).toBe(404);
      expect((await browser.get(`/ballots/${ballotId}/live/status`)).status, who).toBe(404);
    }
    const anonymous = await supertest(t.app.server).get(`/ballots/${ballotId}/live`);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/login/);
  });

  it('polls every two seconds while open, showing the turnout and no result, in under 600 bytes', async () => {
    await castVotes(t, ballotId, [
      ['mayor.amman', { choice: String(M) }],
      ['partner.c40', { choice: String(Z) }],
    ]);
    const fragment = await status();
    expect(fragment.status).toBe(200);
    expect(fragment.text).toContain(`hx-get="/ballots/${ballotId}/live/status"`);
    expect(fragment.text).toContain('hx-trigger="every 2s"');
    expect(fragment.text).toContain('data-live-turnout="2"');
    expect(textOf(fragment.text)).toContain('2 of 9');
    expect(fragment.text).not.toContain('data-outcome');
    expect(fragment.text).not.toContain('data-winner');
    expect(fragment.text).not.toMatch(/<html|<!doctype/i);
    expect(Buffer.byteLength(fragment.text)).toBeLessThan(600);
  });

  it('counts the turnout against the voters not recused', async () => {
    expect(
      (await (await logInAs(t, 'mayor.amman')).post(`/ballots/${ballotId}/recuse`, { reason: 'Conflict.' }))
        .status,
    ).toBe(303);
    expect(textOf((await status('mayor.bristol')).text)).toContain('0 of 8');
  });

  it('shows the result and stops polling once the ballot is closed', async () => {
    await castVotes(t, ballotId, [['mayor.amman', { choice: String(M) }]]);
    await closeEarly(t, ballotId);
    const fragment = await status('mayor.amman');
    expect(fragment.text).toContain('data-outcome="winner"');
    expect(fragment.text).toContain(`data-winner="${M}"`);
    expect(textOf(fragment.text)).toContain('Lucía Pereira (Montevideo)');
    expect(fragment.text).not.toContain('hx-trigger');
    expect(fragment.text).not.toContain('hx-get');
    expect(Buffer.byteLength(fragment.text)).toBeLessThan(600);
    const page = await (await logInAs(t, 'secretariat')).get(`/ballots/${ballotId}/live`);
    expect(page.text).toContain('data-outcome="winner"');
    expect(page.text).not.toContain('hx-trigger="every 2s"');
  });

  it('shows the result as soon as the closing time passes, no job having run', async () => {
    await castVotes(t, ballotId, [['mayor.amman', { choice: String(Z) }]]);
    t.clock.now = new Date('2026-12-05T17:00:00Z');
    const fragment = await status();
    expect(fragment.text).toContain('data-outcome="winner"');
    expect(fragment.text).toContain(`data-winner="${Z}"`);
    expect(fragment.text).not.toContain('hx-trigger');
  });
});

describe('the live view of a draft ballot', () => {
  let t: TestApp;
  afterEach(async () => t.close());

  it('tells a board member it has not opened yet, and keeps polling for it', async () => {
    t = await makeTestApp({ now: NOW });
    const { ballotId } = await openAthensBallot(t, { opensAt: '2026-11-30T09:00' });
    const fragment = await (await logInAs(t, 'mayor.milan')).get(`/ballots/${ballotId}/live/status`);
    expect(fragment.status).toBe(200);
    expect(textOf(fragment.text)).toContain('The ballot has not opened yet.');
    expect(fragment.text).toContain('hx-trigger="every 2s"');
  });
});
