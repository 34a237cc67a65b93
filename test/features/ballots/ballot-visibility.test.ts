// Who sees a ballot (CONTRACT.md; permissions.ts `canSeeBallot`): the secretariat always; before it
// opens, those who would vote on it (sitting members, partners); once open, the voters on its roll
// only. Everyone else gets 404 — the ballot is not theirs to know of — and a visitor who is not
// logged in is sent to /login. The results and the ballots file follow the ballot, after the close.
import supertest from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { termOf } from '../terms/board-records.js';
import { addAccount, CANDIDATE, castVotes, closeEarly, NOW, openAthensBallot } from './ballot-records.js';

const PAGES = (id: number) => [`/ballots/${id}`, `/ballots/${id}/live`, `/ballots/${id}/live/status`];
const RESULTS = (id: number) => [`/ballots/${id}/results`, `/ballots/${id}/ballots.json`];

async function statusesFor(t: TestApp, who: string, urls: string[]) {
  const browser = await logInAs(t, who);
  const statuses: Record<string, number> = {};
  for (const url of urls) statuses[url] = (await browser.get(url)).status;
  return statuses;
}

const all = (urls: string[], status: number) => Object.fromEntries(urls.map((url) => [url, status]));

async function anonymousIsSentToLogin(t: TestApp, urls: string[]) {
  for (const url of urls) {
    const response = await supertest(t.app.server).get(url);
    expect(response.status, url).toBe(303);
    expect(response.headers.location, url).toMatch(/^\/login/);
  }
}

describe('a draft ballot', () => {
  let t: TestApp;
  let ballotId: number;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    ({ ballotId } = await openAthensBallot(t, { opensAt: '2026-11-30T09:00' }));
  });
  afterEach(async () => t.close());

  it('is seen by the secretariat, the sitting members and the partners', async () => {
    for (const who of ['secretariat', 'mayor.amman', 'partner.c40'])
      expect(await statusesFor(t, who, PAGES(ballotId)), who).toEqual(all(PAGES(ballotId), 200));
  });

  it('is not seen by a nominator, nor by a former member (404)', async () => {
    const kampala = termOf(t, 'Kampala');
    const ended = await (await logInAs(t, 'secretariat')).post(`/terms/${kampala.id}/end`, {
      endedOn: '2026-11-27',
      reason: 'left_office',
      nominationDeadline: '',
    });
    expect(ended.status).toBe(303);
    for (const who of ['nominator.zurich', 'mayor.kampala'])
      expect(await statusesFor(t, who, PAGES(ballotId)), who).toEqual(all(PAGES(ballotId), 404));
  });

  it('sends a visitor who is not logged in to /login', async () => {
    await anonymousIsSentToLogin(t, PAGES(ballotId));
  });

  it('has no results yet (409 for those who see it, 404 for others)', async () => {
    expect(await statusesFor(t, 'mayor.amman', RESULTS(ballotId))).toEqual(all(RESULTS(ballotId), 409));
    expect(await statusesFor(t, 'nominator.zurich', RESULTS(ballotId))).toEqual(all(RESULTS(ballotId), 404));
  });
});

describe('an open ballot', () => {
  let t: TestApp;
  let ballotId: number;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    await addAccount(t, { localPart: 'partner.c40.second', role: 'partner', partner: 'C40 Cities' });
    ({ ballotId } = await openAthensBallot(t));
  });
  afterEach(async () => t.close());

  it('is seen by the secretariat and by the voters on its roll', async () => {
    for (const who of ['secretariat', 'mayor.amman', 'partner.c40'])
      expect(await statusesFor(t, who, PAGES(ballotId)), who).toEqual(all(PAGES(ballotId), 200));
  });

  it('shows the secretariat the turnout and the early close, a voter the vote form and neither of those', async () => {
    const secretariat = (await (await logInAs(t, 'secretariat')).get(`/ballots/${ballotId}`)).text;
    expect(secretariat).toContain('data-turnout="0"');
    expect(secretariat).toContain(`action="/ballots/${ballotId}/close"`);
    expect(secretariat).not.toContain(`action="/ballots/${ballotId}/confirm"`);
    const voter = (await (await logInAs(t, 'mayor.amman')).get(`/ballots/${ballotId}`)).text;
    expect(voter).toContain(`action="/ballots/${ballotId}/confirm"`);
    expect(voter).toContain(`action="/ballots/${ballotId}/recuse"`);
    expect(voter).not.toContain('data-turnout');
    expect(voter).not.toContain(`action="/ballots/${ballotId}/close"`);
  });

  it('is not seen by a nominator, nor by a partner organisation’s second account, off the roll (404)', async () => {
    for (const who of ['nominator.montevideo', 'partner.c40.second'])
      expect(await statusesFor(t, who, PAGES(ballotId)), who).toEqual(all(PAGES(ballotId), 404));
  });

  it('sends a visitor who is not logged in to /login', async () => {
    await anonymousIsSentToLogin(t, [...PAGES(ballotId), ...RESULTS(ballotId)]);
  });

  it('answers 404 for a ballot that does not exist, or a malformed id', async () => {
    const browser = await logInAs(t, 'secretariat');
    expect((await browser.get('/ballots/999')).status).toBe(404);
    expect((await browser.get('/ballots/abc')).status).toBe(404);
    expect((await browser.get('/ballots/999/results')).status).toBe(404);
  });
});

describe('a closed ballot’s results and ballots file', () => {
  let t: TestApp;
  let ballotId: number;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    await addAccount(t, { localPart: 'partner.c40.second', role: 'partner', partner: 'C40 Cities' });
    ({ ballotId } = await openAthensBallot(t, { method: 'single', quorumPercent: '0' }));
    await castVotes(t, ballotId, [['mayor.amman', { choice: String(CANDIDATE.zurich) }]]);
    await closeEarly(t, ballotId);
  });
  afterEach(async () => t.close());

  it('are seen by the secretariat and by every voter on the roll, voted or not', async () => {
    for (const who of ['secretariat', 'mayor.amman', 'mayor.milan', 'partner.uclg'])
      expect(await statusesFor(t, who, [...PAGES(ballotId), ...RESULTS(ballotId)]), who).toEqual(
        all([...PAGES(ballotId), ...RESULTS(ballotId)], 200),
      );
  });

  it('are not seen by a nominator, nor by anyone off the roll (404)', async () => {
    for (const who of ['nominator.zurich', 'partner.c40.second'])
      expect(await statusesFor(t, who, RESULTS(ballotId)), who).toEqual(all(RESULTS(ballotId), 404));
  });

  it('send a visitor who is not logged in to /login', async () => {
    await anonymousIsSentToLogin(t, RESULTS(ballotId));
  });
});
