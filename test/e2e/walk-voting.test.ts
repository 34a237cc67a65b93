// Walkthrough 3 (issue 10): the board votes. Every board member and partner on the voter roll
// votes in a selection ballot: from the ballot page through the confirmation step to the receipt,
// shown once. One of them uses the keyboard alone (Tab, Space, Enter and typing, no clicks); one
// votes with JavaScript turned off. The first voter reaches the ballot from the alert on their
// dashboard and, once the ballot is closed, finds their receipt among the results. At 1280 px a
// ranked ballot on the Athens seat (2); at 390 px a single-choice ballot on Bristol's seat (3).
// The secretariat's part (shortlist, ballot, closing) is set up by HTTP: this walkthrough is the
// voters'. axe-core, the width check and a screenshot on every page (walkthrough.ts).
import type { APIRequestContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demoEmail } from '../../src/demo/seed-demo.js';
import {
  addDays,
  DEMO_PASSWORD,
  expectPath,
  submitWith,
  textOf,
  useServerAndBrowser,
  visibleText,
  waitForText,
  waitForVisible,
} from './browser.js';
import { runCli } from './server.js';
import { tabTo, Walk, WIDTHS } from './walkthrough.js';

const harness = useServerAndBrowser();

/** The voter roll of the demo board: seven sitting members and two partner organisations. */
const BOARD = [
  'mayor.amman',
  'mayor.bristol',
  'mayor.freetown',
  'mayor.kampala',
  'mayor.los-angeles',
  'mayor.milan',
  'mayor.montreal',
];
const PARTNERS = ['partner.c40', 'partner.uclg'];
/** Reaches the ballot from the dashboard's alert, and later checks the receipt in the results. */
const GUIDED_VOTER = 'mayor.amman';
const KEYBOARD_VOTER = 'mayor.montreal';
const VOTER_WITHOUT_JAVASCRIPT = 'partner.uclg';

interface Candidate {
  nominee: string;
  city: string;
}

interface BallotPlan {
  seatNumber: number;
  method: 'ranked' | 'single';
  candidates: Candidate[];
}

const PLANS: Record<string, BallotPlan> = {
  '1280': {
    seatNumber: 2,
    method: 'ranked',
    candidates: [
      { nominee: 'Lucía Pereira', city: 'Montevideo' },
      { nominee: 'Tanvir Rahman', city: 'Dhaka North' },
      { nominee: 'Anna Keller', city: 'Zurich' },
    ],
  },
  '390': {
    seatNumber: 3,
    method: 'single',
    candidates: [
      { nominee: 'Carolina Restrepo', city: 'Bogota' },
      { nominee: 'Tanvir Rahman', city: 'Dhaka North' },
    ],
  },
};

/** Who nominates whom for seat 3 (the demo board nominates for seat 2 only). */
const SEAT_3_NOMINATORS: Record<string, { account: string; country: string }> = {
  Bogota: { account: 'nominator.bogota', country: 'CO' },
  'Dhaka North': { account: 'nominator.dhaka-north', country: 'BD' },
};

const utcToday = () => new Date().toISOString().slice(0, 10);
const nowInBoardTime = () => new Date().toISOString().slice(0, 16);

async function expectRedirect(response: Awaited<ReturnType<APIRequestContext['post']>>, what: string) {
  expect(response.status(), `${what}: ${(await response.text()).slice(0, 500)}`).toBe(303);
  return response.headers().location ?? '';
}

/**
 * The secretariat's part, by HTTP: nominations for seat 3 when needed, the shortlist, and a ballot
 * that opens at once. Returns the ballot's id and the candidates' nomination ids by nominee.
 */
async function openBallot(plan: BallotPlan): Promise<{ ballotId: number; ids: Map<string, number> }> {
  const secretariat = await harness.clientAs('secretariat');
  let vacancyId = 1;
  if (plan.seatNumber !== 2) {
    const location = await expectRedirect(
      await secretariat.post('/vacancies', {
        form: { seatId: String(plan.seatNumber), nominationDeadline: addDays(utcToday(), 20) },
      }),
      `opening nominations for seat ${plan.seatNumber}`,
    );
    vacancyId = Number(location.split('/').pop());
    for (const { nominee, city } of plan.candidates) {
      const nominator = SEAT_3_NOMINATORS[city]!;
      const client = await harness.clientAs(nominator.account);
      const form = new URLSearchParams({
        vacancyId: String(vacancyId),
        nomineeName: nominee,
        nomineeTitle: `Mayor of ${city}`,
        nomineeEmail: `mayor@${city.toLowerCase().replace(/\s+/g, '-')}.example`,
        cityName: city,
        country: nominator.country,
        migrationContexts: 'destination',
        mandateEndsOn: addDays(utcToday(), 4 * 366),
        statement: `${city} nominates its mayor for seat ${plan.seatNumber}.`,
        consent: 'on',
      });
      await expectRedirect(
        await client.post('/nominations', {
          data: form.toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
        `${nominator.account} nominates ${nominee}`,
      );
    }
  }
  const queue = await (await secretariat.get(`/vacancies/${vacancyId}`)).text();
  const ids = new Map<string, number>();
  for (const { nominee } of plan.candidates) {
    const row = queue.match(new RegExp(`<tr id="nomination-(\\d+)">(?:(?!</tr>)[\\s\\S])*?${nominee}`));
    if (!row) throw new Error(`No row for ${nominee} in the queue of vacancy ${vacancyId}`);
    const id = Number(row[1]);
    ids.set(nominee, id);
    await expectRedirect(
      await secretariat.post(`/nominations/${id}/review`, { form: { status: 'shortlisted', note: '' } }),
      `shortlisting ${nominee}`,
    );
  }
  const ballot = new URLSearchParams({
    vacancyId: String(vacancyId),
    method: plan.method,
    opensAt: nowInBoardTime(),
    closesAt: `${addDays(utcToday(), 2)}T17:00`,
    quorumPercent: '50',
  });
  for (const id of ids.values()) ballot.append('candidateIds', String(id));
  const location = await expectRedirect(
    await secretariat.post('/ballots', {
      data: ballot.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    }),
    'opening the ballot',
  );
  return { ballotId: Number(location.split('/').pop()), ids };
}

const label = (candidate: Candidate) => `${candidate.nominee} (${candidate.city})`;

/** The voter's choice: their order of the candidates (ranked), or the first of it (single). */
function preferenceOf(voterIndex: number, plan: BallotPlan): Candidate[] {
  const shift = voterIndex % plan.candidates.length;
  return [...plan.candidates.slice(shift), ...plan.candidates.slice(0, shift)];
}

async function markChoices(page: Page, plan: BallotPlan, preference: Candidate[]) {
  const fields = page.getByRole('region', { name: 'Your vote' });
  if (plan.method === 'ranked') {
    for (const [index, candidate] of preference.entries())
      await fields.getByLabel(label(candidate)).selectOption(String(index + 1));
  } else {
    await fields.getByRole('radio', { name: label(preference[0]!) }).check();
  }
}

/** From the ballot page to the receipt, with checks on every page; returns the receipt code. */
async function castVote(
  walk: Walk,
  page: Page,
  voter: string,
  plan: BallotPlan,
  preference: Candidate[],
  byKeyboard = false,
): Promise<string> {
  await waitForVisible(page.getByRole('heading', { name: 'Your vote' }), `${voter}’s vote form`);
  for (const candidate of plan.candidates)
    await waitForVisible(page.getByRole('heading', { name: candidate.nominee, level: 3 }), candidate.nominee);
  await walk.check(page, `${voter}-ballot`);

  if (byKeyboard) {
    if (plan.method === 'ranked') {
      // A closed list box takes the typed rank; Tab moves on to the next candidate.
      for (const [index, candidate] of preference.entries()) {
        await tabTo(page.getByLabel(label(candidate)), `the rank of ${candidate.nominee}`);
        await page.keyboard.type(String(index + 1));
      }
      for (const [index, candidate] of preference.entries())
        expect(
          await page.getByLabel(label(candidate)).inputValue(),
          `the rank typed for ${candidate.nominee}`,
        ).toBe(String(index + 1));
    } else {
      await tabTo(
        page.getByRole('radio', { name: label(preference[0]!) }),
        `the choice of ${preference[0]!.nominee}`,
      );
      await page.keyboard.press('Space');
      expect(await page.getByRole('radio', { name: label(preference[0]!) }).isChecked()).toBe(true);
    }
    await tabTo(page.getByRole('button', { name: 'Review my vote' }), 'the “Review my vote” button');
    await Promise.all([page.waitForURL(/\/confirm$/), page.keyboard.press('Enter')]);
  } else {
    await markChoices(page, plan, preference);
    const reviewed = await submitWith(page, 'Review my vote');
    expect(reviewed.status(), `reviewing the vote: ${await visibleText(page)}`).toBe(200);
  }
  await expectPath(page, /^\/ballots\/\d+\/confirm$/, `${voter} reviews the vote`);
  await waitForText(page.getByRole('heading', { level: 1 }), 'Check your vote', 'the confirmation step');
  const shown = await textOf(page.locator('.vote-choices, .card strong').first());
  expect(shown, 'the confirmation shows the first choice').toContain(preference[0]!.nominee);
  await walk.check(page, `${voter}-confirm`);

  if (byKeyboard) {
    await tabTo(page.getByRole('button', { name: 'Confirm and cast my vote' }), 'the confirm button');
    await Promise.all([page.waitForURL(/\/ballots\/\d+\/receipt$/), page.keyboard.press('Enter')]);
  } else {
    const cast = await submitWith(page, 'Confirm and cast my vote');
    expect(cast.status(), `casting the vote: ${await visibleText(page)}`).toBe(303);
  }
  await expectPath(page, /^\/ballots\/\d+\/receipt$/, `${voter} casts the vote`);
  await waitForText(page.getByRole('heading', { level: 1 }), 'Your vote is recorded', 'the receipt page');
  const receipt = await page.locator('.receipt[data-receipt]').getAttribute('data-receipt');
  expect(receipt, `${voter}’s receipt code`).toMatch(/^[A-Z0-9]{4}(-[A-Z0-9]{4}){2}$/);
  await walk.check(page, `${voter}-receipt`);
  return receipt!;
}

/** Logs in through the form with the keyboard alone: Tab to each field, type, Enter. */
async function logInByKeyboard(page: Page, origin: string, localPart: string) {
  await page.goto(`${origin}/login`);
  await tabTo(page.getByLabel('E-mail address'), 'the e-mail field');
  await page.keyboard.type(demoEmail(localPart));
  await tabTo(page.getByLabel('Password', { exact: true }), 'the password field');
  await page.keyboard.type(DEMO_PASSWORD);
  await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.keyboard.press('Enter')]);
}

describe('the board votes: every member and partner, through the confirmation step to the receipt', () => {
  for (const width of WIDTHS) {
    it(`at ${width.name} px: nine voters vote, one by keyboard alone and one without JavaScript`, async () => {
      const server = harness.server();
      const origin = server.origin;
      const walk = new Walk(harness.browser, 'voting', width);
      const plan = PLANS[width.name]!;
      const { ballotId } = await openBallot(plan);
      // The operator's scheduled run raises the "ballot opened" alerts now rather than within the
      // minute (CONTRACT.md: `alerts:run`).
      await runCli(server, ['alerts:run']);

      const receipts = new Map<string, string>();
      for (const [index, voter] of [...BOARD, ...PARTNERS].entries()) {
        const preference = preferenceOf(index, plan);
        if (voter === KEYBOARD_VOTER) {
          const page = await harness.newPage({ viewport: width.viewport });
          await logInByKeyboard(page, origin, voter);
          await page.goto(`${origin}/ballots/${ballotId}`);
          receipts.set(voter, await castVote(walk, page, voter, plan, preference, true));
          continue;
        }
        const page = await harness.pageLoggedInAs(voter, {
          viewport: width.viewport,
          javaScriptEnabled: voter !== VOTER_WITHOUT_JAVASCRIPT,
        });
        if (voter === GUIDED_VOTER) {
          // The dashboard, then the alert that leads to the ballot.
          await walk.check(page, `${voter}-dashboard`);
          await page
            .getByRole('navigation', { name: 'Main' })
            .getByRole('link', { name: /^Alerts/ })
            .click();
          await expectPath(page, '/alerts', 'following the Alerts link');
          const alert = page
            .locator('[data-alert-kind="ballot_opened"]')
            .filter({ hasText: `seat ${plan.seatNumber}` });
          await waitForVisible(alert, 'the alert that the ballot is open');
          await walk.check(page, `${voter}-alerts`);
          await alert.getByRole('link', { name: /^Go to it/ }).click();
          await expectPath(page, `/ballots/${ballotId}`, 'following the alert');
        } else {
          await page.goto(`${origin}/ballots/${ballotId}`);
        }
        receipts.set(voter, await castVote(walk, page, voter, plan, preference));
      }
      expect(new Set(receipts.values()).size, 'every receipt is different').toBe(
        BOARD.length + PARTNERS.length,
      );

      // A second vote is not offered: the ballot page says the vote is final.
      const again = await harness.pageLoggedInAs(GUIDED_VOTER, { viewport: width.viewport });
      await again.goto(`${origin}/ballots/${ballotId}`);
      await waitForText(
        again.getByRole('status'),
        'You have voted in this ballot',
        'the note that the vote is cast',
      );
      expect(await again.getByRole('button', { name: 'Review my vote' }).count()).toBe(0);
      await walk.check(again, `${GUIDED_VOTER}-ballot-after-voting`);

      // Once the secretariat closes it, the voter finds their receipt among the results.
      const secretariat = await harness.clientAs('secretariat');
      await expectRedirect(await secretariat.post(`/ballots/${ballotId}/close`), 'closing the ballot');
      await again.reload();
      await again.getByRole('link', { name: 'See the results' }).click();
      await expectPath(again, `/ballots/${ballotId}/results`, 'following “See the results”');
      const ownReceipt = receipts.get(GUIDED_VOTER)!;
      await waitForVisible(
        again.locator(`td [data-receipt="${ownReceipt}"]`),
        'the voter’s own receipt in the results',
      );
      expect(await again.locator('td [data-receipt]').count(), 'every vote is counted').toBe(receipts.size);
      await walk.check(again, `${GUIDED_VOTER}-results`);
    });
  }
});
