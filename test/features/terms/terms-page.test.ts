import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../src/domain/dates.js';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { between, NOW, SEAT, seatRow, TODAY, termOf, textOf, vacanciesOnSeat } from './board-records.js';

let t: TestApp;
let page: string;
beforeAll(async () => {
  t = await makeTestApp({ now: NOW });
  const response = await (await logInAs(t, 'secretariat')).get('/terms');
  expect(response.status).toBe(200);
  page = response.text;
});
afterAll(async () => t.close());

const composition = (html: string) => between(html, 'id="composition-heading"', 'id="history-heading"');

describe('who may see /terms', () => {
  it('sends an anonymous visitor to /login (303)', async () => {
    const response = await supertest(t.app.server).get('/terms');
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/login?next=%2Fterms');
  });

  it('shows the page to the secretariat and to a sitting board member (200)', async () => {
    expect((await (await logInAs(t, 'secretariat')).get('/terms')).status).toBe(200);
    expect((await (await logInAs(t, 'mayor.kampala')).get('/terms')).status).toBe(200);
  });

  it('answers 403 to a nominator and to a partner', async () => {
    expect((await (await logInAs(t, 'nominator.bogota')).get('/terms')).status).toBe(403);
    expect((await (await logInAs(t, 'partner.c40')).get('/terms')).status).toBe(403);
  });

  it('offers the actions (end a term early, record a term) to the secretariat only', async () => {
    const milan = termOf(t, 'Milan');
    expect(page).toContain(`href="/terms/${milan.id}/end"`);
    expect(page).toContain('href="/terms/new"');
    const boardView = (await (await logInAs(t, 'mayor.kampala')).get('/terms')).text;
    expect(boardView).not.toContain(`href="/terms/${milan.id}/end"`);
    expect(boardView).not.toContain('href="/terms/new"');
  });
});

describe('the seats table on /terms', () => {
  it('lists every seat of the board, 1 to 8', () => {
    for (let seat = 1; seat <= 8; seat += 1) expect(seatRow(page, seat), `seat ${seat}`).toBeDefined();
    expect(seatRow(page, 9)).toBeUndefined();
  });

  it('shows Bristol’s term ending in 25 days, with its end date', () => {
    const bristol = seatRow(page, SEAT.bristol)!;
    expect(bristol.cell('City')).toContain('Bristol');
    expect(bristol.cell('Days left')).toBe('25');
    expect(bristol.cell('Term')).toContain(addDays(TODAY, 25));
  });

  it('shows the Athens seat as vacant since its member left office, linking to its open vacancy', () => {
    const [vacancy] = vacanciesOnSeat(t, SEAT.athens);
    const athens = seatRow(page, SEAT.athens)!;
    expect(athens.text).toContain('vacant');
    expect(athens.text).toContain(`since ${addDays(TODAY, -10)}`);
    expect(athens.html).toContain(`href="/vacancies/${vacancy!.id}"`);
    expect(athens.text).toContain('(open for nominations)');
  });

  it('marks one term as forecast to end early, Los Angeles’s, whose mayoral mandate ends first', () => {
    expect(page.match(/data-forecast="mandate_ends_first"/g)).toHaveLength(1);
    expect(seatRow(page, SEAT.losAngeles)!.html).toContain('data-forecast="mandate_ends_first"');
  });
});

describe('the timeline on /terms', () => {
  it('is an SVG image with a text alternative that names each seat’s holder and the vacant seat', () => {
    const svg = between(page, '<svg', '</svg>');
    expect(svg).toMatch(/^<svg[^>]*role="img"/);
    const desc = /<desc[^>]*>([\s\S]*?)<\/desc>/.exec(svg)?.[1];
    expect(desc).toBeDefined();
    const text = textOf(desc!);
    expect(text).toContain('Seat 3 · Bristol');
    expect(text).toContain(`Vacant from ${addDays(TODAY, -10)}`);
    expect(text).toContain(`Today is ${TODAY}`);
    expect(svg).toMatch(/aria-labelledby="[^"]*timeline-desc/);
  });
});

describe('the composition matrix on /terms', () => {
  it('shows today’s board: seven of eight seats filled, each sitting city in the region and context tables', () => {
    const matrix = composition(page);
    expect(textOf(matrix)).toContain(`7 of 8 seats filled on ${TODAY}`);
    expect(matrix).toContain(`Seats by region on ${TODAY}`);
    expect(matrix).toContain(`Seats by migration context on ${TODAY}`);
    for (const city of ['1 · Amman', '3 · Bristol', '6 · Los Angeles', '8 · Montreal'])
      expect(matrix.split(city)).toHaveLength(3); // one row in each table
    expect(matrix).not.toContain('Athens');
  });

  it('projects the board on a later date: ?on= after Bristol’s term ends leaves Bristol out', async () => {
    const on = addDays(TODAY, 30);
    const response = await (await logInAs(t, 'secretariat')).get(`/terms?on=${on}`);
    expect(response.status).toBe(200);
    const matrix = composition(response.text);
    expect(textOf(matrix)).toContain(`6 of 8 seats filled on ${on}`);
    expect(matrix).not.toContain('Bristol');
    expect(matrix).toContain('6 · Los Angeles');
    expect(response.text).not.toContain('id="on-error"');
  });

  it('counts Bristol on its term’s last day, and not from the day it ends (the seat is free that day)', async () => {
    const bristol = termOf(t, 'Bristol');
    const secretariat = await logInAs(t, 'secretariat');
    const lastDay = composition((await secretariat.get(`/terms?on=${addDays(bristol.endsOn, -1)}`)).text);
    expect(lastDay).toContain('3 · Bristol');
    const endDay = composition((await secretariat.get(`/terms?on=${bristol.endsOn}`)).text);
    expect(endDay).not.toContain('3 · Bristol');
  });

  it('falls back to today, with a message beside the date, when ?on= is not a date', async () => {
    for (const on of ['garbage', '2027-02-30']) {
      const response = await (await logInAs(t, 'secretariat')).get(`/terms?on=${on}`);
      expect(response.status).toBe(200);
      expect(response.text).toContain('id="on-error"');
      expect(response.text).toContain('aria-describedby="on-error"');
      expect(textOf(composition(response.text))).toContain(`7 of 8 seats filled on ${TODAY}`);
    }
  });
});

describe('a term with an announced early end on /terms', () => {
  let fresh: TestApp;
  let secretariat: Awaited<ReturnType<typeof logInAs>>;
  beforeAll(async () => {
    fresh = await makeTestApp({ now: NOW });
    secretariat = await logInAs(fresh, 'secretariat');
  });
  afterAll(async () => fresh.close());

  it('counts the days left to the announced end, not to the scheduled one', async () => {
    const ended = await secretariat.post(`/terms/${termOf(fresh, 'Milan').id}/end`, {
      endedOn: addDays(TODAY, 14),
      reason: 'resigned',
    });
    expect(ended.status).toBe(303);
    const milan = seatRow((await secretariat.get('/terms')).text, SEAT.milan)!;
    expect(milan.cell('Member')).toContain('Luca Bernardi');
    expect(milan.cell('Days left')).toBe('14');
    expect(milan.cell('Term')).toContain(addDays(TODAY, 14));
  });

  it('no longer marks Los Angeles as forecast to end early once its early end is recorded', async () => {
    const ended = await secretariat.post(`/terms/${termOf(fresh, 'Los Angeles').id}/end`, {
      endedOn: '2027-04-07',
      reason: 'left_office',
    });
    expect(ended.status).toBe(303);
    const page = (await secretariat.get('/terms')).text;
    expect(textOf(between(page, 'id="mandate-heading"', '</section>'))).toContain(
      'No sitting member’s mandate ends before their term.',
    );
    expect(page).not.toContain('data-forecast="mandate_ends_first"');
  });
});
