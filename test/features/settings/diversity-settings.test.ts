import supertest from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getSettings } from '../../../src/features/settings/settings.js';
import { client, logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { auditEntries, boardState, fieldError, fieldsWithErrors, NOW } from '../terms/board-records.js';

const DEFAULT_RULES = {
  maxSeatsPerRegion: 3,
  minRegions: 4,
  requiredContexts: ['origin', 'transit', 'destination', 'refugee_hosting'],
  minSecondaryCities: 0,
  enforcement: 'warn',
};

const diversityForm = (overrides: Record<string, string | string[]> = {}) => ({
  maxSeatsPerRegion: '2',
  minRegions: '5',
  requiredContexts: ['origin', 'transit'],
  minSecondaryCities: '1',
  enforcement: 'block',
  ...overrides,
});

describe('the settings page', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterAll(async () => t.close());

  it('shows the secretariat the board settings and the diversity rules as they are', async () => {
    const response = await (await logInAs(t, 'secretariat')).get('/settings');
    expect(response.status).toBe(200);
    expect(response.text).toMatch(/name="boardSize" type="number" value="8"/);
    expect(response.text).toMatch(/name="termLengthMonths" type="number" value="24"/);
    expect(response.text).toMatch(/name="termLimit" type="number" value=""/);
    expect(response.text).toContain('value="90, 60, 30, 7"');
    expect(response.text).toMatch(/name="maxSeatsPerRegion" type="number" value="3"/);
    expect(response.text).toContain('name="requiredContexts" value="refugee_hosting" checked');
    expect(response.text).not.toContain('name="requiredContexts" value="return" checked');
    expect(response.text).toContain('name="enforcement" value="warn" checked');
  });

  it('answers 403 to a board member, a partner and a nominator, and sends an anonymous visitor to /login', async () => {
    for (const account of ['mayor.milan', 'partner.c40', 'nominator.bogota']) {
      expect((await (await logInAs(t, account)).get('/settings')).status, account).toBe(403);
    }
    expect((await supertest(t.app.server).get('/settings')).status).toBe(303);
  });
});

describe('saving the diversity rules (secretariat)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('saves the rules and the enforcement mode, and audits them before and after', async () => {
    const response = await (await logInAs(t, 'secretariat')).post('/settings/diversity', diversityForm());
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/settings');
    const settings = getSettings(t.db);
    expect(settings.diversity).toEqual({
      maxSeatsPerRegion: 2,
      minRegions: 5,
      requiredContexts: ['origin', 'transit'],
      minSecondaryCities: 1,
    });
    expect(settings.enforcement).toBe('block');
    const [audit, ...more] = auditEntries(t, 'settings.diversity');
    expect(more).toHaveLength(0);
    expect(audit!.actorLabel).toBe('secretariat@demo.mmc.example');
    expect(audit!.details).toEqual({
      before: DEFAULT_RULES,
      after: {
        maxSeatsPerRegion: 2,
        minRegions: 5,
        requiredContexts: ['origin', 'transit'],
        minSecondaryCities: 1,
        enforcement: 'block',
      },
    });
  });

  it('accepts no required context at all', async () => {
    const response = await (await logInAs(t, 'secretariat')).post(
      '/settings/diversity',
      diversityForm({ requiredContexts: [] }),
    );
    expect(response.status).toBe(303);
    expect(getSettings(t.db).diversity.requiredContexts).toEqual([]);
  });

  it('shows a rule the board now breaks on /terms: requiring the return context, which no member holds', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    expect((await secretariat.get('/terms')).text).not.toContain('data-diversity-violation=');
    const response = await secretariat.post(
      '/settings/diversity',
      diversityForm({
        maxSeatsPerRegion: '3',
        minRegions: '4',
        requiredContexts: [...DEFAULT_RULES.requiredContexts, 'return'],
        minSecondaryCities: '0',
        enforcement: 'warn',
      }),
    );
    expect(response.status).toBe(303);
    const page = (await secretariat.get('/terms')).text;
    expect(page.match(/data-diversity-violation="[^"]+"/g)).toEqual([
      'data-diversity-violation="requiredContexts"',
    ]);
  });
});

describe('refusing diversity rules out of range (422 beside the field, nothing changed)', () => {
  let t: TestApp;
  let secretariat: Awaited<ReturnType<typeof logInAs>>;
  beforeAll(async () => {
    t = await makeTestApp({ now: NOW });
    secretariat = await logInAs(t, 'secretariat');
  });
  afterAll(async () => t.close());

  it.each([
    ['maxSeatsPerRegion', 'three', /whole number/],
    ['maxSeatsPerRegion', '0', /at least 1/],
    ['maxSeatsPerRegion', '2.5', /whole number/],
    ['maxSeatsPerRegion', '9', /The board has 8 seats/],
    ['minRegions', '8', /at most 7/],
    ['minRegions', '-1', /at least 0/],
    ['minRegions', '', /whole number/],
    ['minSecondaryCities', '9', /The board has 8 seats/],
    ['minSecondaryCities', 'some', /whole number/],
    ['minSecondaryCities', '', /whole number/],
    ['enforcement', 'ignore', /warn or block/],
    ['enforcement', '', /warn or block/],
  ])('refuses %s = "%s"', async (field, value, message) => {
    const before = boardState(t);
    const response = await secretariat.post('/settings/diversity', diversityForm({ [field]: value }));
    expect(response.status).toBe(422);
    expect(fieldsWithErrors(response.text)).toEqual([field]);
    expect(fieldError(response.text, field)).toMatch(message);
    expect(boardState(t)).toBe(before);
  });

  it('refuses a required context that is not in the taxonomy', async () => {
    const before = boardState(t);
    const response = await secretariat.post(
      '/settings/diversity',
      diversityForm({ requiredContexts: ['origin', 'tourism'] }),
    );
    expect(response.status).toBe(422);
    expect(fieldsWithErrors(response.text)).toEqual(['requiredContexts']);
    expect(boardState(t)).toBe(before);
  });

  it('keeps what was typed when the form comes back', async () => {
    const response = await secretariat.post(
      '/settings/diversity',
      diversityForm({ maxSeatsPerRegion: 'three' }),
    );
    expect(response.text).toMatch(/name="maxSeatsPerRegion" type="number" value="three"/);
    expect(response.text).toMatch(/name="minRegions" type="number" value="5"/);
    expect(response.text).toContain('name="enforcement" value="block" checked');
  });
});

describe('who may change the diversity rules', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterAll(async () => t.close());

  it('answers 403 to a board member, a partner and a nominator, and changes nothing', async () => {
    const before = boardState(t);
    for (const account of ['mayor.milan', 'partner.c40', 'nominator.bogota']) {
      expect(
        (await (await logInAs(t, account)).post('/settings/diversity', diversityForm())).status,
        account,
      ).toBe(403);
    }
    expect(boardState(t)).toBe(before);
  });

  it('sends an anonymous request to /login and refuses a forged one without Origin, changing nothing', async () => {
    const before = boardState(t);
    expect((await client(t).post('/settings/diversity', diversityForm())).status).toBe(303);
    const secretariat = await logInAs(t, 'secretariat');
    expect(
      (await secretariat.agent.post('/settings/diversity').type('form').send(diversityForm())).status,
    ).toBe(403);
    expect(boardState(t)).toBe(before);
  });
});
