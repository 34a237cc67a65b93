// The board's time zone (DESIGN.md, "Time"): today, days left and deadlines are days there, and a
// deadline closes at the end of its day in that zone — not the server's, not UTC's.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getSettings } from '../../../src/features/settings/settings.js';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { bogotaForm, textOf, VACANCY, vacancyStatus } from '../nominations/nomination-records.js';
import { fieldError } from '../terms/board-records.js';

const boardForm = (timeZone: string) => ({
  boardSize: '8',
  termLengthMonths: '24',
  termLimit: '',
  alertThresholdsDays: '90, 60, 30, 7',
  timeZone,
});

describe('the board’s time zone', () => {
  let t: TestApp;
  // Seeded at noon UTC: the Athens vacancy's deadline is 14 days later, 2026-12-15.
  beforeEach(async () => {
    t = await makeTestApp({ now: new Date('2026-12-01T12:00:00Z') });
  });
  afterEach(async () => t.close());

  async function setZone(zone: string) {
    const response = await (await logInAs(t, 'secretariat')).post('/settings/board', boardForm(zone));
    expect(response.status).toBe(303);
  }

  it('is UTC unless the secretariat sets another, and is offered from the list of zones', async () => {
    expect(getSettings(t.db).timeZone).toBe('UTC');
    const page = await (await logInAs(t, 'secretariat')).get('/settings');
    expect(page.text).toContain('<option selected>UTC</option>');
    expect(page.text).toContain('<option>Pacific/Auckland</option>');
  });

  it('refuses a zone that does not exist (422 beside the field), keeping the current one', async () => {
    const response = await (await logInAs(t, 'secretariat')).post(
      '/settings/board',
      boardForm('Mars/Olympus_Mons'),
    );
    expect(response.status).toBe(422);
    expect(fieldError(response.text, 'timeZone')).toMatch(/Choose the time zone from the list/);
    expect(getSettings(t.db).timeZone).toBe('UTC');
  });

  it('closes a deadline at the end of its day in Auckland, while it is still that day in UTC', async () => {
    await setZone('Pacific/Auckland');
    // 2026-12-15T10:30Z is 23:30 on the 15th in Auckland (UTC+13): still the deadline day there.
    t.clock.now = new Date('2026-12-15T10:30:00Z');
    const bogota = await logInAs(t, 'nominator.bogota');
    const onTime = await bogota.post('/nominations', bogotaForm({ intent: 'draft', consent: undefined }));
    expect(onTime.status).toBe(303);
    // 11:30Z is already the 16th in Auckland: closed, though UTC still says the 15th.
    t.clock.now = new Date('2026-12-15T11:30:00Z');
    const late = await bogota.get(`/nominations/new?vacancyId=${VACANCY.athens}`);
    expect(late.status).toBe(409);
    expect(textOf(late.text)).toContain('Nominations for this seat are closed: the deadline was 2026-12-15.');
    const page = await (await logInAs(t, 'secretariat')).get(`/vacancies/${VACANCY.athens}`);
    expect(vacancyStatus(t, VACANCY.athens)).toBe('screening');
    expect(textOf(page.text)).toContain('(closes at the end of the day, Pacific/Auckland time)');
  });

  it('keeps a deadline open in Los Angeles after UTC has moved on to the next day', async () => {
    await setZone('America/Los_Angeles');
    // 2026-12-16T07:30Z is 23:30 on the 15th in Los Angeles (UTC-8).
    t.clock.now = new Date('2026-12-16T07:30:00Z');
    const bogota = await logInAs(t, 'nominator.bogota');
    const response = await bogota.post('/nominations', bogotaForm());
    expect(response.status).toBe(303);
    expect(vacancyStatus(t, VACANCY.athens)).toBe('open');
    t.clock.now = new Date('2026-12-16T08:30:00Z');
    await bogota.get('/');
    expect(vacancyStatus(t, VACANCY.athens)).toBe('screening');
  });

  it('counts today in the zone on the pages that show days left', async () => {
    await setZone('Pacific/Auckland');
    t.clock.now = new Date('2026-12-01T12:00:00Z'); // 2 December, 01:00, in Auckland
    const page = await (await logInAs(t, 'secretariat')).get('/terms');
    expect(page.text).toContain('<time datetime="2026-12-02">2026-12-02</time>');
  });
});
