// Logging in and out in a real browser (Chromium) against the real server, for every role.
// Route tests cannot show this: a browser's form post carries its own Sec-Fetch-Site and Origin
// headers (Chromium sends `Origin: null` under the app's no-referrer policy), and the
// forged-request check must let those through while still refusing other sites.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, demoEmail } from '../../src/demo/seed-demo.js';
import { ROLE_LABELS } from '../../src/domain/reference.js';
import {
  DEMO_PASSWORD,
  expectPath,
  logIn as logInAt,
  SCREENSHOTS,
  submitWith,
  textOf,
  useServerAndBrowser,
  visibleText,
} from './browser.js';

const harness = useServerAndBrowser();
const newPage = () => harness.newPage();
const server = {
  get origin() {
    return harness.server().origin;
  },
};

function demoAccount(localPart: string) {
  const account = DEMO_ACCOUNTS.find((candidate) => candidate.email === demoEmail(localPart));
  if (!account) throw new Error(`${demoEmail(localPart)} is not among the demo accounts`);
  return account;
}

function logIn(page: Page, email: string, password = DEMO_PASSWORD) {
  return logInAt(page, server.origin, email, password);
}

async function logOut(page: Page) {
  const response = await submitWith(page, 'Log out');
  expect(response.status(), 'POST /logout answers with a redirect').toBe(303);
  await expectPath(page, '/login', 'logging out');
  expect(await textOf(page.getByRole('status'))).toContain('You are logged out.');
  // The header offers logging in again: the session is really gone.
  expect(await page.getByRole('banner').getByRole('link', { name: 'Log in' }).isVisible()).toBe(true);
}

describe('logging in and out in a real browser', () => {
  const roles = [
    { localPart: 'secretariat', screenshots: true },
    { localPart: 'mayor.amman', screenshots: true },
    { localPart: 'partner.c40', screenshots: false },
    { localPart: 'nominator.montevideo', screenshots: false },
  ];

  for (const { localPart, screenshots } of roles) {
    it(`${localPart}@ logs in with the form, sees their name and role in the header, and logs out`, async () => {
      const account = demoAccount(localPart);
      const page = await newPage();

      const response = await logIn(page, account.email);
      const headers = await response.request().allHeaders();
      // What a real browser sends on the app's own form post; the forged-request check must accept it.
      expect(headers['sec-fetch-site']).toBe('same-origin');
      expect(
        response.status(),
        `POST /login from the browser (Sec-Fetch-Site ${headers['sec-fetch-site']}, Origin ${headers.origin}) should redirect: ${await visibleText(page)}`,
      ).toBe(303);
      await expectPath(page, '/', `logging in as ${account.email}`);
      const who = await textOf(page.getByRole('banner').locator('.who'));
      expect(who).toContain(account.name);
      expect(who).toContain(ROLE_LABELS[account.role]);
      expect(await textOf(page.getByRole('heading', { level: 1 }))).toContain(account.name);

      if (screenshots) {
        await page.screenshot({
          path: path.join(SCREENSHOTS, `e2e-dashboard-${localPart}.png`),
          fullPage: true,
        });
        const board = await page.goto(`${server.origin}/board`);
        expect(board?.status()).toBe(200);
        await page.screenshot({ path: path.join(SCREENSHOTS, `e2e-board-${localPart}.png`), fullPage: true });
      }

      await logOut(page);
    });
  }

  it('a wrong password shows one generic message and stays on the login page', async () => {
    const page = await newPage();
    const response = await logIn(page, demoEmail('partner.uclg'), 'not-the-right-password');
    expect(response.status()).toBe(401);
    await expectPath(page, '/login', 'a wrong password');
    expect(await textOf(page.getByRole('alert'))).toContain('do not match an account');
    // The e-mail is kept for another try; the password is not.
    expect(await page.getByLabel('E-mail address').inputValue()).toBe(demoEmail('partner.uclg'));
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('');
  });

  it('a form on another site that posts to the app is refused with 403', async () => {
    const page = await newPage();
    // A page the browser believes comes from another site, with a form aimed at the app.
    await page.route('http://elsewhere.example/**', (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><title>Elsewhere</title><form method="post" action="${server.origin}/login">
          <input name="email" value="${demoEmail('secretariat')}"><input name="password" value="${DEMO_PASSWORD}">
          <button type="submit">Send</button></form>`,
      }),
    );
    await page.goto('http://elsewhere.example/');
    const response = await submitWith(page, 'Send');
    // Chromium sends Sec-Fetch-Site: cross-site here (the server logs it; Playwright cannot report
    // the header once a route intercepts the page), with this site's Origin.
    expect(response.status()).toBe(403);
    // The refusal is plain text, not a page of the app.
    expect(await textOf(page.locator('body'))).toContain('refused');
    expect(await page.context().cookies(server.origin)).toEqual([]);
  });

  it('a board member opens the seats and terms page', async () => {
    const page = await newPage();
    await logIn(page, demoEmail('mayor.amman'));
    await expectPath(page, '/', 'logging in as the board member');
    const terms = await page.goto(`${server.origin}/terms`);
    expect(terms?.status()).toBe(200);
    expect(await textOf(page.getByRole('heading', { level: 1 }))).toBe('Seats and terms');
  });

  it('a nominator opening the seats and terms page gets a 403 page', async () => {
    const page = await newPage();
    await logIn(page, demoEmail('nominator.montevideo'));
    await expectPath(page, '/', 'logging in as the nominator');
    const terms = await page.goto(`${server.origin}/terms`);
    expect(terms?.status()).toBe(403);
    expect(await textOf(page.getByRole('heading', { level: 1 }))).toBe('Not allowed');
  });

  // Last, because it changes the secretariat's password on the server for the rest of the run.
  it('the secretariat changes their password on the account page and then logs in with it', async () => {
    const newPassword = 'a-brand-new-e2e-password';
    const page = await newPage();
    await logIn(page, demoEmail('secretariat'));
    await expectPath(page, '/', 'logging in as the secretariat');

    await page.goto(`${server.origin}/account`);
    await page.getByLabel('Current password').fill(DEMO_PASSWORD);
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('New password, again').fill(newPassword);
    const response = await submitWith(page, 'Change password');
    expect(response.status(), `changing the password: ${await visibleText(page)}`).toBe(303);
    await expectPath(page, '/account', 'changing the password');
    expect(await textOf(page.getByRole('status'))).toContain('Your password is changed');

    await logOut(page);
    const again = await logIn(page, demoEmail('secretariat'), newPassword);
    expect(again.status(), 'logging in with the new password').toBe(303);
    await expectPath(page, '/', 'logging in with the new password');
  });
});
