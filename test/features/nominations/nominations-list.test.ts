// The /nominations list in pages of 50, newest first, counting only what the viewer may see.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nominations, users } from '../../../src/db/schema.js';
import { NOMINATIONS_PER_PAGE } from '../../../src/features/nominations/queries.js';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { allNominations, NOMINATION, NOW, textOf, VACANCY } from './nomination-records.js';

const SUBMITTED_BY_OTHERS = 55;
const DRAFTS_OF_OTHERS = 2;

/** The nominations linked from a /nominations page, in page order. */
function listedInOrder(html: string): number[] {
  return [...html.matchAll(/data-label="Nominee">(?:<span>)?<a href="\/nominations\/(\d+)">/g)].map((match) =>
    Number(match[1]),
  );
}

/** The page links of the list, by their rel (prev, next). */
function pageLinks(html: string): Record<string, string> {
  return Object.fromEntries(
    [...html.matchAll(/<a href="(\/nominations\?page=\d+)" rel="(prev|next)">/g)].map((match) => [
      match[2]!,
      match[1]!,
    ]),
  );
}

/** Nominations for the Athens seat from other cities, each by its own city's nominator. */
function addNominations(t: TestApp, count: number, status: 'submitted' | 'draft', firstNumber: number) {
  t.db.transaction((tx) => {
    for (let n = firstNumber; n < firstNumber + count; n += 1) {
      const nominator = tx
        .insert(users)
        .values({
          email: `nominator${n}@city${n}.example`,
          displayName: `City ${n} city hall`,
          role: 'nominator',
        })
        .returning({ id: users.id })
        .get();
      tx.insert(nominations)
        .values({
          vacancyId: VACANCY.athens,
          nominatedBy: nominator.id,
          nomineeName: `Mayor ${n}`,
          nomineeTitle: `Mayor of City ${n}`,
          nomineeEmail: `mayor@city${n}.example`,
          cityName: `City ${n}`,
          country: 'BR',
          cityKey: `BR:city ${n}`,
          contexts: ['destination'],
          mandateEndsOn: '2031-01-01',
          statement: `City ${n} nominates its mayor.`,
          consent: status === 'submitted',
          status,
          submittedAt: status === 'submitted' ? NOW.toISOString() : null,
        })
        .run();
    }
  });
}

describe('the nominations list, 50 to a page', () => {
  let t: TestApp;
  let visibleNewestFirst: number[];
  beforeAll(async () => {
    t = await makeTestApp({ now: NOW });
    addNominations(t, SUBMITTED_BY_OTHERS, 'submitted', 1);
    addNominations(t, DRAFTS_OF_OTHERS, 'draft', SUBMITTED_BY_OTHERS + 1);
    visibleNewestFirst = allNominations(t)
      .filter((nomination) => nomination.status !== 'draft')
      .map((nomination) => nomination.id)
      .reverse();
  });
  afterAll(async () => t.close());

  it('shows the secretariat the newest 50 on page 1, with a link to the next page and none to a previous one', async () => {
    expect(NOMINATIONS_PER_PAGE).toBe(50);
    expect(visibleNewestFirst).toHaveLength(SUBMITTED_BY_OTHERS + 3);
    const page = await (await logInAs(t, 'secretariat')).get('/nominations');
    expect(page.status).toBe(200);
    expect(listedInOrder(page.text)).toEqual(visibleNewestFirst.slice(0, 50));
    expect(pageLinks(page.text)).toEqual({ next: '/nominations?page=2' });
    expect(textOf(page.text)).toContain(`Page 1 of 2 (${SUBMITTED_BY_OTHERS + 3} nominations).`);
  });

  it('shows the rest on the last page, with a link back and none further', async () => {
    const page = await (await logInAs(t, 'secretariat')).get('/nominations?page=2');
    expect(page.status).toBe(200);
    expect(listedInOrder(page.text)).toEqual(visibleNewestFirst.slice(50));
    expect(listedInOrder(page.text)).toContain(NOMINATION.montevideo);
    expect(pageLinks(page.text)).toEqual({ prev: '/nominations?page=1' });
    expect(textOf(page.text)).toContain('Page 2 of 2');
  });

  it('neither lists nor counts other nominators’ drafts for the secretariat', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    const first = await secretariat.get('/nominations');
    const listed = [
      ...listedInOrder(first.text),
      ...listedInOrder((await secretariat.get('/nominations?page=2')).text),
    ];
    expect(textOf(first.text)).toContain(`(${SUBMITTED_BY_OTHERS + 3} nominations)`);
    const drafts = allNominations(t)
      .filter((nomination) => nomination.status === 'draft')
      .map((nomination) => nomination.id);
    expect(drafts).toHaveLength(DRAFTS_OF_OTHERS);
    expect(listed.filter((id) => drafts.includes(id))).toEqual([]);
  });

  it('still shows a nominator only their own, on a single page without page links', async () => {
    const page = await (await logInAs(t, 'nominator.zurich')).get('/nominations');
    expect(page.status).toBe(200);
    expect(listedInOrder(page.text)).toEqual([NOMINATION.zurich]);
    expect(pageLinks(page.text)).toEqual({});
    expect(textOf(page.text)).not.toContain('Page 1 of');
    const beyond = await (await logInAs(t, 'nominator.zurich')).get('/nominations?page=2');
    expect(listedInOrder(beyond.text)).toEqual([]);
  });
});
