// A seat's earlier terms: the terms page lists the latest few of each seat and links the rest, a
// page of its own in pages of 50, newest first, so neither grows with the board's history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedHistory } from '../../../src/demo/seed-history.js';
import { HISTORY_PAGE_SIZE, PAST_TERMS_SHOWN } from '../../../src/features/terms/queries.js';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';

const NOW = new Date('2026-11-28T09:00:00Z');
// 8 seats: 60 past terms on each, more than a page of history.
const TERMS = 8 * 60;

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp({ now: NOW });
  seedHistory(t.db, { nominations: 0, terms: TERMS, audit: 0 }, NOW);
});
afterAll(async () => t.close());

/** The earlier terms a page lists, as their date ranges. */
const listedTerms = (html: string) =>
  [...html.matchAll(/, term \d+: (\d{4}-\d\d-\d\d) – /g)].map((m) => m[1]!);

describe('the earlier terms of a seat', () => {
  it('lists only the latest few of each seat on the terms page, and links the rest', async () => {
    const page = await (await logInAs(t, 'secretariat')).get('/terms');
    expect(page.status).toBe(200);
    expect(page.text).toContain(`Seat 1: the latest ${PAST_TERMS_SHOWN} earlier terms`);
    expect(page.text).toContain('<a href="/terms/seats/1/history">Every earlier term of seat 1</a>');
    expect(listedTerms(page.text).length).toBeLessThanOrEqual(8 * PAST_TERMS_SHOWN + 8);
  });

  it('shows every earlier term of a seat in pages of 50, newest first, with links both ways', async () => {
    const member = await logInAs(t, 'mayor.amman');
    const first = await member.get('/terms/seats/1/history');
    expect(first.status).toBe(200);
    const firstTerms = listedTerms(first.text);
    expect(firstTerms).toHaveLength(HISTORY_PAGE_SIZE);
    expect([...firstTerms].sort().reverse()).toEqual(firstTerms);
    expect(first.text).toContain('href="/terms/seats/1/history?page=2" rel="next"');
    expect(first.text).not.toContain('rel="prev"');

    const second = await member.get('/terms/seats/1/history?page=2');
    const secondTerms = listedTerms(second.text);
    // 60 history terms, and the demo's earlier Amman term on seat 1.
    expect(secondTerms).toHaveLength(11);
    expect(secondTerms[0]! < firstTerms.at(-1)!).toBe(true);
    expect(second.text).toContain('href="/terms/seats/1/history?page=1" rel="prev"');
    expect(second.text).not.toContain('rel="next"');
  });

  it('answers 404 for a seat that does not exist, and 403 to someone who may not see the terms', async () => {
    expect((await (await logInAs(t, 'secretariat')).get('/terms/seats/99/history')).status).toBe(404);
    expect((await (await logInAs(t, 'nominator.zurich')).get('/terms/seats/1/history')).status).toBe(403);
  });
});
