// History is kept, not rewritten (DESIGN.md): a term records its city's region and migration
// contexts as they were when it started, so the board's composition on a past date is computed
// from those — a city's contexts changed later change only what comes after.
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cities, nominations } from '../../../src/db/schema.js';
import { addDays } from '../../../src/domain/dates.js';
import { boardDiversityOn } from '../../../src/features/terms/board-diversity.js';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { NOW, SEAT, TODAY, termOf } from './board-records.js';

describe('a term keeps its city as it was', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  /** Athens returns to its seat with a different profile: only origin, no longer transit or refugee hosting. */
  async function athensReturnsAsOrigin() {
    // Its vacancy's nominations are set aside, so that the seat may be filled by hand.
    t.db.update(nominations).set({ status: 'withdrawn' }).run();
    const response = await (await logInAs(t, 'secretariat')).post('/terms', {
      seatId: String(SEAT.athens),
      memberName: 'Haris Doukas',
      cityName: 'Athens',
      country: 'GR',
      migrationContexts: ['origin'],
      startsOn: TODAY,
      mandateEndsOn: '2030-10-31',
    });
    expect(response.status).toBe(303);
  }

  it('records the region, contexts and secondary flag on the term when it starts', async () => {
    await athensReturnsAsOrigin();
    const term = termOf(t, 'Athens');
    expect(term).toMatchObject({
      region: 'Europe & Central Asia',
      contexts: ['origin'],
      secondaryCity: false,
    });
    // The city's current profile follows the newest term...
    expect(t.db.select().from(cities).where(eq(cities.name, 'Athens')).get()!.contexts).toEqual(['origin']);
  });

  it('computes a past composition from the terms as recorded, not from the city as it is today', async () => {
    const past = addDays(TODAY, -20); // Athens's earlier member still sat then
    const before = boardDiversityOn(t.db, past);
    await athensReturnsAsOrigin();
    const after = boardDiversityOn(t.db, past);
    expect(after.composition).toEqual(before.composition);
    const athensThen = after.members.find((member) => member.city.name === 'Athens')!;
    expect(athensThen.term.contexts).toEqual(['transit', 'destination', 'refugee_hosting']);
    // ...and the page's matrix for that day shows it so.
    const page = await (await logInAs(t, 'secretariat')).get(`/terms?on=${past}`);
    const row = /<tr><th scope="row">2 · Athens<\/th>((?:<td[^>]*>.*?<\/td>){10})<\/tr>/.exec(
      page.text.split('Seats by migration context').at(-1)!,
    )!;
    const cells = [...row[1]!.matchAll(/<td class="([^"]*)">/g)].map((cell) => cell[1] === 'cell-on');
    // origin, transit, destination, return, refugee_hosting, ...
    expect(cells.slice(0, 5)).toEqual([false, true, true, false, true]);
  });

  it('computes today’s composition from the new term', async () => {
    await athensReturnsAsOrigin();
    const today = boardDiversityOn(t.db, TODAY);
    expect(today.members.find((member) => member.city.name === 'Athens')!.term.contexts).toEqual(['origin']);
  });
});
