import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { terms } from '../../../src/db/schema.js';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { CANDIDATE, NOW, openAthensBallot } from '../ballots/ballot-records.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp({ now: new Date('2026-11-28T09:00:00Z') });
});
afterAll(async () => t.close());

describe('the dashboard', () => {
  it('shows the secretariat the nominations awaiting screening, Bristol’s term ending in 25 days and both vacancies', async () => {
    const page = await (await logInAs(t, 'secretariat')).get('/');
    expect(page.text).toContain('3 nominations</a> submitted and awaiting screening');
    expect(page.text).toMatch(
      /Bristol<\/strong> \(seat 3\): ends <time datetime="2026-12-23">2026-12-23<\/time>, in 25 days/,
    );
    expect(page.text).toContain('Seat 2</a> (Athens): open');
    expect(page.text).toContain('Seat 3</a> (Bristol): upcoming');
  });

  it('shows a nominator the open vacancy with a link to nominate, and their own nominations', async () => {
    const page = await (await logInAs(t, 'nominator.zurich')).get('/');
    expect(page.text).toContain('/nominations/new?vacancyId=1');
    expect(page.text).toContain('Anna Keller');
    expect(page.text).not.toContain('Lucía Pereira');
  });

  it('tells a partner with no shortlist yet when nominations close and what comes next', async () => {
    const page = await (await logInAs(t, 'partner.c40')).get('/');
    const empty = page.text
      .split('data-shortlist-empty>')[1]!
      .split('</p>')[0]!
      .replace(/<[^>]+>/g, '');
    expect(empty).toBe(
      'No candidate is shortlisted yet. Nominations for seat 2 close on 2026-12-12; the secretariat then screens them and shortlists the eligible candidates. You will get an alert when a ballot opens.',
    );
  });

  it('shows a board member their own term end', async () => {
    const page = await (await logInAs(t, 'mayor.bristol')).get('/');
    expect(page.text).toContain('Your term runs until <time datetime="2026-12-23">');
  });
});

describe('a board member whose early end is announced', () => {
  let board: TestApp;
  beforeAll(async () => {
    board = await makeTestApp({ now: new Date('2026-11-28T09:00:00Z') });
  });
  afterAll(async () => board.close());

  it('shows the announced end, not the scheduled one, on their dashboard and among the terms ending soon', async () => {
    const secretariat = await logInAs(board, 'secretariat');
    const kampala = board.db
      .select()
      .from(terms)
      .where(eq(terms.memberName, 'Joseph Ssempala'))
      .all()
      .at(-1)!;
    const ended = await secretariat.post(`/terms/${kampala.id}/end`, {
      endedOn: '2027-01-15',
      reason: 'resigned',
      nominationDeadline: '',
    });
    expect(ended.status).toBe(303);
    const page = await (await logInAs(board, 'mayor.kampala')).get('/');
    expect(page.text).toContain('Your term runs until <time datetime="2027-01-15">');
    expect(page.text).not.toContain(`Your term runs until <time datetime="${kampala.endsOn}">`);
    const overview = await secretariat.get('/');
    expect(overview.text).toMatch(
      /Kampala<\/strong> \(seat 5\): ends <time datetime="2027-01-15">2027-01-15<\/time>, in 48 days/,
    );
  });
});

describe('the secretariat’s list of what is due', () => {
  let board: TestApp;
  beforeAll(async () => {
    board = await makeTestApp({ now: new Date('2026-11-28T09:00:00Z') });
  });
  afterAll(async () => board.close());

  it('leads the dashboard with what is due, soonest first: the deadline, Bristol, Los Angeles’s forecast', async () => {
    const page = await (await logInAs(board, 'secretariat')).get('/');
    const due = page.text.split('What is due, soonest first')[1]!.split('</section>')[0]!;
    const order = [...due.matchAll(/<li class="due-item due-([a-z_]+)">/g)].map((m) => m[1]);
    // Bristol's term ending is its upcoming vacancy: listed once, with the button to open it.
    expect(order).toEqual(['nomination_deadline', 'upcoming_vacancy', 'forecast']);
    expect(due).toContain('in 14 days');
    expect(due).toContain('data-forecast="mandate_ends_first"');
    expect(page.text.indexOf('What is due')).toBeLessThan(page.text.indexOf('Waiting for you'));
  });

  it('opens nominations for Bristol’s upcoming vacancy from the dashboard in one step', async () => {
    const secretariat = await logInAs(board, 'secretariat');
    const page = await secretariat.get('/');
    expect(page.text).toMatch(
      /<button type="submit" class="button button-small">Open nominations<span class="visually-hidden"> for seat 3<\/span>/,
    );
    const opened = await secretariat.post('/vacancies', { seatId: '3', nominationDeadline: '2026-12-20' });
    expect(opened.status).toBe(303);
  });
});

describe('a voter’s dashboard while a ballot is open', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await makeTestApp({ now: NOW });
  });
  afterAll(async () => app.close());

  it('leads with the ballot awaiting their vote, until they have voted', async () => {
    const { ballotId } = await openAthensBallot(app, { method: 'single' });
    const amman = await logInAs(app, 'mayor.amman');
    const before = await amman.get('/');
    expect(before.text).toContain('Your vote is awaited');
    expect(before.text).toContain(
      `<a href="/ballots/${ballotId}">The ballot for seat 2</a> is open until 2026-12-05 17:00 UTC`,
    );
    expect((await (await logInAs(app, 'partner.c40')).get('/')).text).toContain('Your vote is awaited');
    expect(
      (await amman.post(`/ballots/${ballotId}/votes`, { choice: String(CANDIDATE.montevideo) })).status,
    ).toBe(303);
    expect((await amman.get('/')).text).not.toContain('Your vote is awaited');
    expect((await (await logInAs(app, 'nominator.zurich')).get('/')).text).not.toContain(
      'Your vote is awaited',
    );
  });
});
