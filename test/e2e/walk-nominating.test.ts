// Walkthrough 1 (issue 10): a city takes part. A member of a city's staff finds the open seat on
// the public home page and asks for a nominator account; the secretariat accepts the request; the
// invitation link arrives by e-mail (the outbox delivered as an operator does); they set a
// password and nominate their mayor with a PDF letter. Other cities withdraw nominations through
// the confirmation step: a dialog with JavaScript, a page without. A city also nominates with
// JavaScript turned off. At 1280 and 390 px, with axe-core, the width check and a screenshot on
// every page (walkthrough.ts).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { MigrationContext } from '../../src/domain/reference.js';
import { CONTEXT_LABELS } from '../../src/domain/reference.js';
import {
  addDays,
  expectPath,
  logIn,
  type PageOptions,
  submitWith,
  textOf,
  useServerAndBrowser,
  visibleText,
  waitForText,
  waitForVisible,
} from './browser.js';
import { invitationLink, Walk, WIDTHS, type Width } from './walkthrough.js';

const harness = useServerAndBrowser();

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const NEW_PASSWORD = 'three rivers and a bridge';

interface Newcomer {
  name: string;
  email: string;
  role: string;
  city: string;
  country: string;
  mayor: string;
  contexts: MigrationContext[];
  statement: string;
}

/** The staff member who asks for an account at each width; each city nominates once per seat. */
const NEWCOMERS: Record<string, Newcomer> = {
  '1280': {
    name: 'Ana Souza',
    email: 'ana.souza@recife.example',
    role: 'Director of international relations',
    city: 'Recife',
    country: 'BR',
    mayor: 'João Carvalho',
    contexts: ['destination', 'climate_mobility'],
    statement:
      'Recife receives people from Venezuela and families moving from the dry interior of the north-east. Mayor Carvalho would bring Latin America and climate mobility to the board.',
  },
  '390': {
    name: 'Rosa Quispe',
    email: 'rosa.quispe@lima.example',
    role: 'Head of the mayor’s office',
    city: 'Lima',
    country: 'PE',
    mayor: 'Carmen Huamán',
    contexts: ['destination', 'transit'],
    statement:
      'Lima hosts more than a million people from Venezuela, more than any other city in Peru. Mayor Huamán leads a network of reception centres and would bring this experience to the board.',
  },
};

/** The demo nominator who withdraws through the dialog, with JavaScript, at each width. */
const WITHDRAWS_IN_DIALOG: Record<string, { account: string; nominee: string }> = {
  '1280': { account: 'nominator.montevideo', nominee: 'Lucía Pereira' },
  '390': { account: 'nominator.zurich', nominee: 'Anna Keller' },
};

const mandateEndsOn = () => addDays(new Date().toISOString().slice(0, 10), 3 * 366 + 30);

/** A demo nominator's page, logged in through the form; without JavaScript when asked. */
function nominatorPage(account: string, width: Width, javaScriptEnabled = true): Promise<Page> {
  const options: PageOptions = { viewport: width.viewport, javaScriptEnabled };
  return harness.pageLoggedInAs(account, options);
}

/** Fills the nomination form (the city is already the nominator's own) and attaches the letter. */
async function fillNomination(
  page: Page,
  nominee: { name: string; title: string; email: string; contexts: MigrationContext[]; statement: string },
) {
  await page.getByLabel('Nominee’s full name').fill(nominee.name);
  await page.getByLabel('Title', { exact: true }).fill(nominee.title);
  await page.getByLabel('Nominee’s e-mail address').fill(nominee.email);
  await page.getByLabel('The nominee’s mayoral mandate ends on').fill(mandateEndsOn());
  for (const context of nominee.contexts)
    await page.getByRole('checkbox', { name: CONTEXT_LABELS[context], exact: true }).check();
  await page.getByLabel('Statement supporting the nomination').fill(nominee.statement);
  await page
    .getByLabel('Letter of support (optional, PDF, at most 5 MB)')
    .setInputFiles({ name: 'letter-of-support.pdf', mimeType: 'application/pdf', buffer: PDF });
  await page.getByRole('checkbox', { name: /The nominee agrees to be nominated/ }).check();
}

/** Submits the filled form and checks the nomination's page: submitted, letter attached, next steps. */
async function submitNomination(walk: Walk, page: Page, nominee: string, pageName: string) {
  const submitted = await submitWith(page, 'Submit the nomination');
  expect(submitted.status(), `submitting the nomination: ${await visibleText(page)}`).toBe(303);
  await expectPath(page, /^\/nominations\/\d+$/, 'submitting the nomination');
  await waitForText(page.getByRole('status'), 'Your nomination is submitted', 'the confirmation');
  expect(await textOf(page.getByRole('heading', { level: 1 }))).toContain(nominee);
  await waitForVisible(page.locator('h1 [data-status="submitted"]'), 'the submitted badge');
  await waitForVisible(
    page.getByRole('link', { name: 'letter-of-support.pdf', exact: true }),
    'the link to the attached letter',
  );
  await waitForVisible(page.getByRole('heading', { name: 'What happens next' }), 'what happens next');
  await walk.check(page, pageName);
}

/** From the nominator's list of nominations to the one for `nominee`. */
async function openOwnNomination(walk: Walk, page: Page, nominee: string, pageName: string) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Nominations' }).click();
  await expectPath(page, '/nominations', 'following the Nominations link');
  await walk.check(page, `${pageName}-list`);
  await page
    .getByRole('link', { name: new RegExp(nominee) })
    .first()
    .click();
  await expectPath(page, /^\/nominations\/\d+$/, `opening the nomination of ${nominee}`);
  await waitForVisible(
    page.getByRole('heading', { name: 'Withdraw the nomination' }),
    'the withdrawal section',
  );
  await walk.check(page, pageName);
}

async function expectWithdrawn(walk: Walk, page: Page, pageName: string) {
  await expectPath(page, /^\/nominations\/\d+$/, 'withdrawing the nomination');
  await waitForText(page.getByRole('status'), 'The nomination is withdrawn.', 'the confirmation');
  await waitForVisible(page.locator('h1 [data-status="withdrawn"]'), 'the withdrawn badge');
  expect(await page.getByRole('link', { name: 'Withdraw…' }).count(), 'nothing left to withdraw').toBe(0);
  await walk.check(page, pageName);
}

describe('a city takes part: an account, a nomination, withdrawals', () => {
  for (const width of WIDTHS) {
    it(`at ${width.name} px: a city asks for an account, is invited, nominates with a PDF; other cities withdraw, with and without JavaScript`, async () => {
      const server = harness.server();
      const origin = server.origin;
      const walk = new Walk(harness.browser, 'nominating', width);
      const newcomer = NEWCOMERS[width.name]!;

      // --- The public home page: the open seat, and how a city takes part.
      const visitor = await harness.newPage({ viewport: width.viewport });
      await visitor.goto(`${origin}/`);
      await waitForText(
        visitor.getByRole('heading', { level: 2 }),
        'One seat is open for nominations',
        'the open seats’ heading',
      );
      await walk.check(visitor, 'public-home');
      await visitor.getByRole('link', { name: 'asks for a nominator account' }).click();
      await expectPath(visitor, '/request-account', 'following “asks for a nominator account”');
      await walk.check(visitor, 'request-account');

      // A first try without a role: refused beside the field, the rest kept.
      await visitor.getByLabel('Your name').fill(newcomer.name);
      await visitor.getByLabel('Your work e-mail address').fill(newcomer.email);
      await visitor.getByLabel('City', { exact: true }).fill(newcomer.city);
      await visitor.getByLabel('Country', { exact: true }).selectOption(newcomer.country);
      const incomplete = await submitWith(visitor, 'Send the request');
      expect(incomplete.status(), 'a request without the role at the city').toBe(422);
      await waitForVisible(visitor.locator('#roleAtCity-error'), 'the message beside the role');
      expect(await visitor.getByLabel('Your name').inputValue()).toBe(newcomer.name);
      await walk.check(visitor, 'request-account-incomplete');

      await visitor.getByLabel('Your role at the city').fill(newcomer.role);
      const sent = await submitWith(visitor, 'Send the request');
      expect(sent.status(), `sending the request: ${await visibleText(visitor)}`).toBe(200);
      await waitForText(
        visitor.getByRole('heading', { level: 1 }),
        'your request is received',
        'the thank-you',
      );
      expect(await textOf(visitor.locator('main'))).toContain(newcomer.email);
      await walk.check(visitor, 'request-received');

      // --- The secretariat accepts the request on the accounts page.
      const secretariat = await harness.newPage({ viewport: width.viewport });
      await secretariat.goto(`${origin}/login`);
      await walk.check(secretariat, 'login');
      const loggedIn = await logIn(secretariat, origin, 'secretariat@demo.mmc.example');
      expect(loggedIn.status()).toBe(303);
      await walk.check(secretariat, 'secretariat-dashboard');
      await secretariat
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Accounts' })
        .click();
      await expectPath(secretariat, '/accounts', 'following the Accounts link');
      const requests = secretariat.getByRole('region', { name: /Account requests/ });
      await waitForText(requests, newcomer.name, 'the waiting requests');
      await walk.check(secretariat, 'accounts-request-waiting');
      const accepted = await submitWith(secretariat, `Accept the request from ${newcomer.name}`);
      expect(accepted.status(), `accepting the request: ${await visibleText(secretariat)}`).toBe(303);
      await waitForText(
        secretariat.getByRole('status'),
        `Request accepted: ${newcomer.name} is invited`,
        'the flash',
      );
      await walk.check(secretariat, 'accounts-request-accepted');

      // --- The invitation arrives by e-mail; its link opens the page to set a password.
      const link = await invitationLink(server, newcomer.email);
      expect(new URL(link).origin, 'the link points at the public origin').toBe(origin);
      const newcomerPage = await harness.newPage({ viewport: width.viewport });
      await newcomerPage.goto(link);
      await waitForText(newcomerPage.getByRole('heading', { level: 1 }), 'Set your password', 'the heading');
      expect(await newcomerPage.getByLabel('E-mail address (you log in with it)').inputValue()).toBe(
        newcomer.email,
      );
      await walk.check(newcomerPage, 'set-password');
      await newcomerPage.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
      await newcomerPage.getByLabel('Password, again').fill(NEW_PASSWORD);
      const activated = await submitWith(newcomerPage, 'Set password and log in');
      expect(activated.status(), `setting the password: ${await visibleText(newcomerPage)}`).toBe(303);
      await expectPath(newcomerPage, '/', 'setting the password');
      await waitForText(newcomerPage.getByRole('status'), `Welcome, ${newcomer.name}`, 'the welcome');
      await walk.check(newcomerPage, 'nominator-dashboard');

      // --- They find the open seat and nominate their mayor, with a PDF letter.
      await newcomerPage
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Vacancies' })
        .click();
      await expectPath(newcomerPage, '/vacancies', 'following the Vacancies link');
      await walk.check(newcomerPage, 'vacancies');
      await newcomerPage.getByRole('link', { name: 'Nominate a mayor for seat 2' }).click();
      await expectPath(newcomerPage, '/nominations/new', 'following “Nominate a mayor”');
      expect(await newcomerPage.getByLabel('City', { exact: true }).inputValue(), 'their own city').toBe(
        newcomer.city,
      );
      expect(await newcomerPage.getByLabel('Country', { exact: true }).inputValue()).toBe(newcomer.country);
      await walk.check(newcomerPage, 'nomination-form');
      await fillNomination(newcomerPage, {
        name: newcomer.mayor,
        title: `Mayor of ${newcomer.city}`,
        email: `mayor@${newcomer.city.toLowerCase()}.example`,
        contexts: newcomer.contexts,
        statement: newcomer.statement,
      });
      await submitNomination(walk, newcomerPage, newcomer.mayor, 'nomination-submitted');

      // --- Another city withdraws its nomination; with JavaScript, the question is a dialog.
      const inDialog = WITHDRAWS_IN_DIALOG[width.name]!;
      const withdrawing = await nominatorPage(inDialog.account, width);
      await openOwnNomination(walk, withdrawing, inDialog.nominee, 'nomination-to-withdraw');
      await withdrawing.getByRole('link', { name: 'Withdraw…' }).click();
      const dialog = withdrawing.getByRole('dialog', {
        name: `Withdraw the nomination of ${inDialog.nominee}?`,
      });
      await waitForVisible(dialog, 'the confirmation dialog');
      expect(new URL(withdrawing.url()).pathname, 'the dialog opens on the same page').toMatch(
        /^\/nominations\/\d+$/,
      );
      await walk.check(withdrawing, 'withdraw-dialog');
      // Keeping it closes the dialog and changes nothing.
      await dialog.getByRole('button', { name: 'Keep the nomination' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await waitForVisible(withdrawing.locator('h1 [data-status="submitted"]'), 'the unchanged badge');
      await withdrawing.getByRole('link', { name: 'Withdraw…' }).click();
      const withdrawn = await submitWith(withdrawing, 'Yes, withdraw it', dialog);
      expect(withdrawn.status(), `withdrawing: ${await visibleText(withdrawing)}`).toBe(303);
      await expectWithdrawn(walk, withdrawing, 'withdrawn-with-dialog');

      // --- Without JavaScript: Bogota nominates (a seat of its own at each width, so that each
      // width stands alone), then withdraws through the confirmation page.
      let seatNumber = 2;
      if (width.name !== '1280') {
        // The secretariat opens nominations for Bristol's seat (3), whose term ends soon.
        const secretariatClient = await harness.clientAs('secretariat');
        const opened = await secretariatClient.post('/vacancies', {
          form: { seatId: '3', nominationDeadline: addDays(new Date().toISOString().slice(0, 10), 20) },
        });
        expect(opened.status(), `opening nominations for seat 3: ${await opened.text()}`).toBe(303);
        seatNumber = 3;
      }
      const bogota = await nominatorPage('nominator.bogota', width, false);
      await bogota.goto(`${origin}/vacancies`);
      await walk.check(bogota, 'nojs-vacancies');
      await bogota.getByRole('link', { name: `Nominate a mayor for seat ${seatNumber}` }).click();
      await expectPath(bogota, '/nominations/new', 'following “Nominate a mayor” without JavaScript');
      await walk.check(bogota, 'nojs-nomination-form');
      await fillNomination(bogota, {
        name: 'Carolina Restrepo',
        title: 'Mayor of Bogota',
        email: 'mayor@bogota.example',
        contexts: ['destination', 'internal_displacement'],
        statement:
          'Bogota has welcomed more than half a million people from Venezuela and many more displaced from within Colombia.',
      });
      await submitNomination(walk, bogota, 'Carolina Restrepo', 'nojs-nomination-submitted');

      // The same nomination, withdrawn through the confirmation page (no dialog without JavaScript).
      await bogota.getByRole('link', { name: 'Withdraw…' }).click();
      await expectPath(bogota, /^\/nominations\/\d+\/withdraw$/, 'following “Withdraw…” without JavaScript');
      await waitForText(
        bogota.getByRole('heading', { level: 1 }),
        'Withdraw the nomination of Carolina Restrepo?',
        'the confirmation page',
      );
      await walk.check(bogota, 'nojs-withdraw-confirmation');
      const withdrawnWithoutScript = await submitWith(bogota, 'Yes, withdraw it');
      expect(withdrawnWithoutScript.status(), `withdrawing: ${await visibleText(bogota)}`).toBe(303);
      await expectWithdrawn(walk, bogota, 'nojs-withdrawn');

      // The new account logs in again, later, with the password it chose.
      const again = await harness.newPage({ viewport: width.viewport });
      expect((await logIn(again, origin, newcomer.email, NEW_PASSWORD)).status()).toBe(303);
    });
  }
});
