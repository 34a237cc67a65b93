import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seats } from '../../../src/db/schema.js';
import { getSettings } from '../../../src/features/settings/settings.js';
import { client, logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import {
  auditEntries,
  boardState,
  fieldError,
  fieldsWithErrors,
  NOW,
  seatRow,
} from '../terms/board-records.js';

const boardForm = (overrides: Record<string, string> = {}) => ({
  boardSize: '8',
  termLengthMonths: '24',
  termLimit: '',
  alertThresholdsDays: '90, 60, 30, 7',
  ...overrides,
});

const seatNumbers = (t: TestApp) =>
  t.db
    .select()
    .from(seats)
    .all()
    .map((seat) => seat.number)
    .sort((a, b) => a - b);

describe('saving the board settings (secretariat)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('saves the term length, term limit and alert thresholds (largest first), audited before and after', async () => {
    const response = await (await logInAs(t, 'secretariat')).post(
      '/settings/board',
      boardForm({ termLengthMonths: '36', termLimit: '2', alertThresholdsDays: '7, 30 90,30' }),
    );
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/settings');
    expect(getSettings(t.db)).toMatchObject({
      boardSize: 8,
      termLengthMonths: 36,
      termLimit: 2,
      alertThresholdsDays: [90, 30, 7],
    });
    const [audit, ...more] = auditEntries(t, 'settings.board');
    expect(more).toHaveLength(0);
    expect(audit!.actorLabel).toBe('secretariat@demo.mmc.example');
    expect(audit!.details).toEqual({
      before: {
        boardSize: 8,
        termLengthMonths: 24,
        termLimit: null,
        alertThresholdsDays: [90, 60, 30, 7],
        timeZone: 'UTC',
        jobIntervalMinutes: 5,
      },
      after: {
        boardSize: 8,
        termLengthMonths: 36,
        termLimit: 2,
        alertThresholdsDays: [90, 30, 7],
        timeZone: 'UTC',
        jobIntervalMinutes: 5,
      },
    });
  });

  it('reads an empty term limit as no limit', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    await secretariat.post('/settings/board', boardForm({ termLimit: '2' }));
    expect(getSettings(t.db).termLimit).toBe(2);
    expect((await secretariat.post('/settings/board', boardForm({ termLimit: '' }))).status).toBe(303);
    expect(getSettings(t.db).termLimit).toBeNull();
  });

  it('grows the board to 10 seats: seats 9 and 10 appear on /terms as vacant', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    expect((await secretariat.post('/settings/board', boardForm({ boardSize: '10' }))).status).toBe(303);
    expect(seatNumbers(t)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(getSettings(t.db).boardSize).toBe(10);
    const page = (await secretariat.get('/terms')).text;
    for (const seat of [9, 10]) expect(seatRow(page, seat)?.text, `seat ${seat}`).toContain('vacant');
    expect(page).toContain('7 of 10 seats are filled');
  });

  it('lets a grown board shrink back while its new seats were never used', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    await secretariat.post('/settings/board', boardForm({ boardSize: '10' }));
    expect((await secretariat.post('/settings/board', boardForm({ boardSize: '8' }))).status).toBe(303);
    expect(seatNumbers(t)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('refuses to shrink the board to 7 seats while seat 8 has terms (422 beside the size, nothing changed)', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    const before = boardState(t);
    const response = await secretariat.post('/settings/board', boardForm({ boardSize: '7' }));
    expect(response.status).toBe(422);
    expect(fieldsWithErrors(response.text)).toEqual(['boardSize']);
    expect(fieldError(response.text, 'boardSize')).toMatch(/Seat 8 has a history of terms/);
    expect(seatNumbers(t)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(boardState(t)).toBe(before);
  });
});

describe('refusing board settings out of range (422 beside the field, nothing changed)', () => {
  let t: TestApp;
  let secretariat: Awaited<ReturnType<typeof logInAs>>;
  beforeAll(async () => {
    t = await makeTestApp({ now: NOW });
    secretariat = await logInAs(t, 'secretariat');
  });
  afterAll(async () => t.close());

  it.each([
    ['boardSize', '2', /at least 3/],
    ['boardSize', '31', /at most 30/],
    ['boardSize', 'eight', /whole number/],
    ['boardSize', '', /board size/],
    ['termLengthMonths', '0', /at least 1/],
    ['termLengthMonths', '73', /at most 72/],
    ['termLengthMonths', '24.5', /whole number/],
    ['termLimit', '0', /at least 1/],
    ['termLimit', '11', /at most 10/],
    ['termLimit', 'two', /whole number/],
    ['alertThresholdsDays', '', /between one and eight/i],
    ['alertThresholdsDays', '90, soon', /whole number of days/],
    ['alertThresholdsDays', '0', /whole number of days from 1 to 365/],
    ['alertThresholdsDays', '400, 30', /whole number of days from 1 to 365/],
    ['alertThresholdsDays', '1, 2, 3, 4, 5, 6, 7, 8, 9', /between one and eight/i],
  ])('refuses %s = "%s"', async (field, value, message) => {
    const before = boardState(t);
    const response = await secretariat.post('/settings/board', boardForm({ [field]: value }));
    expect(response.status).toBe(422);
    expect(fieldsWithErrors(response.text)).toEqual([field]);
    expect(fieldError(response.text, field)).toMatch(message);
    expect(response.text).toContain(`name="${field}"`);
    expect(boardState(t)).toBe(before);
  });

  it('keeps what was typed when the form comes back', async () => {
    const response = await secretariat.post(
      '/settings/board',
      boardForm({ boardSize: '31', termLimit: '3' }),
    );
    expect(response.text).toMatch(/name="boardSize" type="number" value="31"/);
    expect(response.text).toMatch(/name="termLimit" type="number" value="3"/);
  });
});

describe('who may change the board settings', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterAll(async () => t.close());

  it('answers 403 to a board member, a partner and a nominator, and changes nothing', async () => {
    const before = boardState(t);
    for (const account of ['mayor.milan', 'partner.c40', 'nominator.bogota']) {
      const response = await (await logInAs(t, account)).post(
        '/settings/board',
        boardForm({ boardSize: '10' }),
      );
      expect(response.status, account).toBe(403);
    }
    expect(boardState(t)).toBe(before);
  });

  it('sends an anonymous request to /login and refuses a forged one without Origin, changing nothing', async () => {
    const before = boardState(t);
    expect((await client(t).post('/settings/board', boardForm({ boardSize: '10' }))).status).toBe(303);
    const secretariat = await logInAs(t, 'secretariat');
    const forged = await secretariat.agent
      .post('/settings/board')
      .type('form')
      .send(boardForm({ boardSize: '10' }));
    expect(forged.status).toBe(403);
    expect(boardState(t)).toBe(before);
  });
});
