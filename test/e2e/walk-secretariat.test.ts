// Walkthrough 2 (issue 10): the secretariat fills a seat. It screens the nominations in the
// vacancy's queue (eligible, ineligible with a reason), shortlists two, opens a ballot from the
// vacancy page, closes it early once most voters have voted, reads the results and certifies the
// winner. At 1280 px on the Athens seat (seat 2, open in the demo board); at 390 px on Bristol's
// seat (3), whose nominations the secretariat first opens from its dashboard. Votes and the
// nominations for seat 3 come from other people, by HTTP: this walkthrough is the secretariat's.
// axe-core, the width check and a screenshot on every page (walkthrough.ts).
import type { APIRequestContext, Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  expectPath,
  logIn,
  submitWith,
  textOf,
  useServerAndBrowser,
  visibleText,
  waitForText,
  waitForVisible,
} from './browser.js';
import { Walk, WIDTHS } from './walkthrough.js';

const harness = useServerAndBrowser();

interface SeatPlan {
  seatNumber: number;
  /** Found ineligible, with a reason. */
  ineligible: string;
  /** Shortlisted; the first wins the vote. */
  shortlist: [string, string];
  method: 'ranked' | 'approval';
}

const PLANS: Record<string, SeatPlan> = {
  // The demo board's three nominations for the Athens seat.
  '1280': {
    seatNumber: 2,
    ineligible: 'Anna Keller',
    shortlist: ['Lucía Pereira', 'Tanvir Rahman'],
    method: 'ranked',
  },
  // Nominated by HTTP once the secretariat opens the seat (see NOMINATIONS_FOR_SEAT_3).
  '390': {
    seatNumber: 3,
    ineligible: 'Anna Keller',
    shortlist: ['Carolina Restrepo', 'Tanvir Rahman'],
    method: 'approval',
  },
};

const NOMINATIONS_FOR_SEAT_3 = [
  {
    account: 'nominator.bogota',
    nominee: 'Carolina Restrepo',
    city: 'Bogota',
    country: 'CO',
    context: 'destination',
  },
  {
    account: 'nominator.dhaka-north',
    nominee: 'Tanvir Rahman',
    city: 'Dhaka North',
    country: 'BD',
    context: 'climate_mobility',
  },
  {
    account: 'nominator.zurich',
    nominee: 'Anna Keller',
    city: 'Zurich',
    country: 'CH',
    context: 'destination',
  },
];

/** Six of the nine voters: enough for the quorum, and all for the first of the shortlist. */
const VOTERS = [
  'mayor.amman',
  'mayor.bristol',
  'mayor.freetown',
  'mayor.kampala',
  'mayor.milan',
  'partner.c40',
];

const INELIGIBLE_REASON = 'The nominee’s mayoral mandate could not be confirmed with the city.';

const utcToday = () => new Date().toISOString().slice(0, 10);
/** The board's wall-clock time now (the demo board works in UTC), as the form takes it. */
const nowInBoardTime = () => new Date().toISOString().slice(0, 16).replace('T', ' ');

function rowOf(page: Page, nominee: string): Locator {
  return page.locator('tr[id^="nomination-"]').filter({ hasText: nominee });
}

async function nominationIdOf(page: Page, nominee: string): Promise<number> {
  const id = await rowOf(page, nominee).getAttribute('id');
  return Number(id?.replace('nomination-', ''));
}

/** Records a decision in the queue's row; htmx swaps the row in place. */
async function decide(page: Page, nominee: string, decision: string, note = '') {
  const row = rowOf(page, nominee);
  await row.getByLabel(`Decision on ${nominee}`).selectOption({ label: decision });
  if (note) await row.getByLabel('Note (required when ineligible)').fill(note);
  const [response] = await Promise.all([
    page.waitForResponse((candidate) => candidate.request().method() === 'POST'),
    row.getByRole('button', { name: 'Record', exact: true }).click(),
  ]);
  expect(response.status(), `recording “${decision}” for ${nominee}`).toBe(200);
  await waitForText(rowOf(page, nominee).getByRole('status'), 'Saved.', `the saved row of ${nominee}`);
  await waitForText(rowOf(page, nominee), decision, `the row of ${nominee}, now ${decision}`);
}

async function nominateBy(
  client: APIRequestContext,
  vacancyId: number,
  nomination: (typeof NOMINATIONS_FOR_SEAT_3)[number],
) {
  const form = new URLSearchParams({
    vacancyId: String(vacancyId),
    nomineeName: nomination.nominee,
    nomineeTitle: `Mayor of ${nomination.city}`,
    nomineeEmail: `mayor@${nomination.city.toLowerCase().replace(/\s+/g, '-')}.example`,
    cityName: nomination.city,
    country: nomination.country,
    migrationContexts: nomination.context,
    mandateEndsOn: addDays(utcToday(), 4 * 366),
    statement: `${nomination.city} nominates its mayor for the seat.`,
    consent: 'on',
  });
  const response = await client.post('/nominations', {
    data: form.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  expect(response.status(), `${nomination.account} nominates: ${await response.text()}`).toBe(303);
}

async function vote(client: APIRequestContext, ballotId: number, fields: Record<string, string>) {
  const response = await client.post(`/ballots/${ballotId}/votes`, { form: fields });
  expect(response.status(), `a vote in ballot ${ballotId}: ${await response.text()}`).toBe(303);
}

describe('the secretariat fills a seat: screening, shortlist, ballot, count, certification', () => {
  for (const width of WIDTHS) {
    it(`at ${width.name} px: screens, shortlists, opens a ballot, closes it early and certifies the winner`, async () => {
      const origin = harness.server().origin;
      const walk = new Walk(harness.browser, 'secretariat', width);
      const plan = PLANS[width.name]!;
      const [winner, runnerUp] = plan.shortlist;

      const page = await harness.newPage({ viewport: width.viewport });
      await page.goto(`${origin}/login`);
      await walk.check(page, 'login');
      expect((await logIn(page, origin, 'secretariat@demo.mmc.example')).status()).toBe(303);
      await waitForVisible(page.getByRole('heading', { name: 'What is due, soonest first' }), 'the due list');
      await walk.check(page, 'dashboard');

      let vacancyId: number;
      if (plan.seatNumber === 2) {
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Vacancies' }).click();
        await expectPath(page, '/vacancies', 'following the Vacancies link');
        await walk.check(page, 'vacancies');
        await page.getByRole('link', { name: 'Seat 2', exact: true }).click();
        await expectPath(page, /^\/vacancies\/\d+$/, 'opening the vacancy of seat 2');
        vacancyId = Number(new URL(page.url()).pathname.split('/').pop());
      } else {
        // Bristol's term ends soon: the dashboard offers to open nominations for its seat.
        const opened = await submitWith(page, 'Open nominations for seat 3');
        expect(opened.status(), `opening nominations for seat 3: ${await visibleText(page)}`).toBe(303);
        await expectPath(page, /^\/vacancies\/\d+$/, 'opening nominations for seat 3');
        vacancyId = Number(new URL(page.url()).pathname.split('/').pop());
        await waitForVisible(page.locator('h1 [data-status="open"], h1 .badge').first(), 'the status badge');
        await walk.check(page, 'vacancy-opened');
        for (const nomination of NOMINATIONS_FOR_SEAT_3)
          await nominateBy(await harness.clientAs(nomination.account), vacancyId, nomination);
        await page.reload();
      }

      // --- The screening queue on the vacancy's page.
      expect(await textOf(page.getByRole('heading', { level: 1 }))).toContain(
        `Seat ${plan.seatNumber} vacancy`,
      );
      const queue = page.getByRole('table', { name: 'Nominations for this seat' });
      await waitForVisible(queue, 'the screening queue');
      for (const nominee of [plan.ineligible, ...plan.shortlist])
        await waitForVisible(rowOf(page, nominee), `the row of ${nominee}`);
      await walk.check(page, 'screening-queue');

      await decide(page, plan.ineligible, 'Ineligible', INELIGIBLE_REASON);
      await waitForText(rowOf(page, plan.ineligible), INELIGIBLE_REASON, 'the reason in the row');
      await decide(page, winner, 'Eligible');
      await walk.check(page, 'screened');
      await decide(page, winner, 'Shortlisted');
      await decide(page, runnerUp, 'Shortlisted');
      const winnerId = await nominationIdOf(page, winner);
      const runnerUpId = await nominationIdOf(page, runnerUp);
      await walk.check(page, 'shortlisted');

      // --- The ballot, opened from the vacancy page among the shortlist.
      await page.reload();
      const ballotForm = page.locator('form[action="/ballots"]');
      await waitForVisible(
        page.getByRole('heading', { name: 'Open a ballot among the shortlisted candidates' }),
        'the ballot form on the vacancy page',
      );
      for (const nominee of plan.shortlist)
        expect(await ballotForm.getByRole('checkbox', { name: new RegExp(nominee) }).isChecked()).toBe(true);
      await ballotForm.getByLabel('How the board votes').selectOption(plan.method);
      await ballotForm.getByLabel('Opens at').fill(nowInBoardTime());
      await ballotForm.getByLabel('Closes at').fill(`${addDays(utcToday(), 2)} 17:00`);
      await walk.check(page, 'ballot-form');
      const created = await submitWith(page, 'Open the ballot');
      expect(created.status(), `opening the ballot: ${await visibleText(page)}`).toBe(303);
      await expectPath(page, /^\/ballots\/\d+$/, 'opening the ballot');
      const ballotId = Number(new URL(page.url()).pathname.split('/').pop());
      await waitForText(page.getByRole('status'), 'The ballot is set up.', 'the flash');
      await waitForVisible(page.locator('h1 [data-ballot-status="open"]'), 'the open ballot’s badge');
      await walk.check(page, 'ballot-open');

      // --- Six voters vote (elsewhere); the turnout shows it.
      for (const voter of VOTERS) {
        const client = await harness.clientAs(voter);
        await vote(
          client,
          ballotId,
          plan.method === 'ranked'
            ? { [`rank_${winnerId}`]: '1', [`rank_${runnerUpId}`]: '2' }
            : { approve: String(winnerId) },
        );
      }
      await page.reload();
      await waitForText(page.locator('[data-turnout]'), String(VOTERS.length), 'the turnout');
      await walk.check(page, 'ballot-turnout');

      // --- Closed early: counted at once.
      const closed = await submitWith(page, 'Close the ballot now and count it');
      expect(closed.status(), `closing the ballot: ${await visibleText(page)}`).toBe(303);
      await expectPath(page, `/ballots/${ballotId}/results`, 'closing the ballot');
      await waitForText(page.getByRole('status'), 'The ballot is closed and counted.', 'the flash');
      const summary = page.locator('[data-outcome]');
      expect(await summary.getAttribute('data-outcome')).toBe('winner');
      expect(await summary.getAttribute('data-winner')).toBe(String(winnerId));
      expect(await page.locator('td [data-receipt]').count(), 'every counted receipt is listed').toBe(
        VOTERS.length,
      );
      await walk.check(page, 'results');

      // --- Certified from the ballot page: the winner's term starts, the vacancy is filled.
      await page.getByRole('link', { name: 'Back to the ballot, to settle or certify it' }).click();
      await expectPath(page, `/ballots/${ballotId}`, 'going back to the ballot');
      await waitForVisible(
        page.getByRole('heading', { name: 'After the count' }),
        'the certification section',
      );
      await walk.check(page, 'ballot-to-certify');
      const certified = await submitWith(page, `Certify ${winner}`);
      expect(certified.status(), `certifying: ${await visibleText(page)}`).toBe(303);
      await expectPath(page, `/vacancies/${vacancyId}`, 'certifying the winner');
      await waitForText(page.getByRole('status'), 'The winner is certified', 'the flash');
      await waitForVisible(
        page.locator('h1 [data-status="filled"], h1 .badge').first(),
        'the vacancy’s badge',
      );
      expect(await textOf(page.locator('h1'))).toMatch(/filled/i);
      await walk.check(page, 'vacancy-filled');

      // The new term is on the seats' page: from today on seat 2 (its seat was already free), from
      // the day Bristol's term ends on seat 3.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Terms' }).click();
      await expectPath(page, '/terms', 'following the Terms link');
      expect(await textOf(page.locator('main'))).toContain(winner);
      await walk.check(page, 'terms-with-winner');
      if (plan.seatNumber === 2) {
        await page.getByRole('link', { name: 'Sitting members' }).click();
        await expectPath(page, '/board', 'following “Sitting members”');
        expect(await textOf(page.getByRole('table', { name: 'Every seat and its member' }))).toContain(
          winner,
        );
        await walk.check(page, 'board-with-winner');
      }
    });
  }
});
