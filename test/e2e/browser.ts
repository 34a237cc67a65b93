// Shared set-up for the browser tests that walk through a whole flow: one real server (fresh demo
// database, see server.ts) and one headless Chromium per test file, a fresh browser context (its
// own cookies) per user, and a check after every test that no page logged an error or threw:
// a Content-Security-Policy violation, a failed htmx request or a script error shows up there.
import fs from 'node:fs';
import path from 'node:path';
import {
  type APIRequestContext,
  request as apiRequest,
  type Browser,
  type BrowserContext,
  chromium,
  type Locator,
  type Page,
  type Response,
} from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { demoEmail } from '../../src/demo/seed-demo.js';
import { type RunningServer, startServer } from './server.js';

export const DEMO_PASSWORD = 'mmc-demo-password';
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve('test-results');
/** How long one navigation or one wait for an element may take before the test fails. */
const WAIT_TIMEOUT_MS = 15_000;

/** How a new browser context looks: its window size, and whether it runs JavaScript. */
export interface PageOptions {
  viewport?: { width: number; height: number };
  javaScriptEnabled?: boolean;
}

export interface Harness {
  /** The running server; valid inside tests (after beforeAll). */
  server(): RunningServer;
  /** The shared Chromium; valid inside tests. */
  browser(): Browser;
  /** A page in a new browser context: a new user with their own cookies. */
  newPage(options?: PageOptions): Promise<Page>;
  /** A new page for the demo account `localPart@demo.mmc.example`, logged in through the form. */
  pageLoggedInAs(localPart: string, options?: PageOptions): Promise<Page>;
  /**
   * An HTTP client logged in as the demo account, for the set-up a walkthrough does not show
   * (someone else's votes, a nomination made elsewhere). It sends the public origin as `Origin`,
   * as a client without Sec-Fetch-Site must (CONTRACT.md, "HTTP").
   */
  clientAs(localPart: string): Promise<APIRequestContext>;
  /** What the pages logged as errors so far in this test (checked after every test anyway). */
  pageProblems(): string[];
}

const pagesWithoutJavaScript = new WeakSet<Page>();

/** False for a page opened with `javaScriptEnabled: false`. */
export function runsJavaScript(page: Page): boolean {
  return !pagesWithoutJavaScript.has(page);
}

/** Fails at once, saying how to get it, when Debian's Chromium (or CHROMIUM_PATH) is missing. */
export function requireChromium(): void {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}. Install Debian's (apt-get install -y chromium) or set CHROMIUM_PATH.`,
    );
  }
}

/** Headless Chromium as every browser test runs it: no sandbox, GPU, QUIC or background traffic. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Registers the hooks of a test file and returns what its tests use. */
export function useServerAndBrowser(): Harness {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const clients: APIRequestContext[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    requireChromium();
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startServer();
    try {
      browser = await launchChromium();
    } catch (error) {
      await server.stop();
      throw error;
    }
  });

  afterEach(async (context) => {
    await Promise.all(contexts.splice(0).map((browserContext) => browserContext.close()));
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
    if (context.task.result?.state === 'fail') console.error(`Server output so far:\n${server.output()}`);
    const found = problems.splice(0);
    if (found.length > 0) throw new Error(`The pages logged errors:\n${found.join('\n')}`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function newPage(options: PageOptions = {}): Promise<Page> {
    const context = await browser.newContext(options);
    contexts.push(context);
    const page = await context.newPage();
    if (options.javaScriptEnabled === false) pagesWithoutJavaScript.add(page);
    page.setDefaultTimeout(WAIT_TIMEOUT_MS);
    page.on('pageerror', (error) => problems.push(`${page.url()}: uncaught ${error.message}`));
    page.on('console', (message) => {
      // A 403/422 document is expected in some checks; Chromium logs it as a failed resource.
      // htmx's own 422 swap is not logged as an error (the config marks 422 as "swap, no error").
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
        problems.push(`${page.url()}: ${message.text()}`);
    });
    return page;
  }

  return {
    server: () => server,
    browser: () => browser,
    newPage,
    async pageLoggedInAs(localPart: string, options?: PageOptions) {
      const page = await newPage(options);
      const response = await logIn(page, server.origin, demoEmail(localPart));
      if (response.status() !== 303) {
        throw new Error(
          `Logging in as ${demoEmail(localPart)} answered ${response.status()}: ${await visibleText(page)}`,
        );
      }
      await expectPath(page, '/', `logging in as ${demoEmail(localPart)}`);
      return page;
    },
    async clientAs(localPart: string) {
      const client = await apiRequest.newContext({
        baseURL: server.origin,
        extraHTTPHeaders: { origin: server.origin },
        maxRedirects: 0,
      });
      clients.push(client);
      const response = await client.post('/login', {
        form: { email: demoEmail(localPart), password: DEMO_PASSWORD },
      });
      if (response.status() !== 303) {
        throw new Error(`Logging in ${demoEmail(localPart)} by HTTP answered ${response.status()}`);
      }
      return client;
    },
    pageProblems: () => [...problems],
  };
}

/** A locator's text with its whitespace collapsed, as a reader sees it. */
export async function textOf(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** What the page shows, for failure messages. */
export async function visibleText(page: Page): Promise<string> {
  return (await textOf(page.locator('main')).catch(() => '(no page)')).slice(0, 2000);
}

/**
 * Clicks a form's submit button and waits for the page it leads to (a full navigation: the form
 * posts, the browser follows any redirect and loads the result); returns the POST's answer.
 */
export async function submitWith(page: Page, buttonName: string, within?: Locator): Promise<Response> {
  const button = (within ?? page).getByRole('button', { name: buttonName, exact: true });
  const [response] = await Promise.all([
    page.waitForResponse((candidate) => candidate.request().method() === 'POST'),
    page.waitForEvent('load'),
    button.click(),
  ]);
  return response;
}

export async function expectPath(page: Page, pathname: string | RegExp, after: string) {
  const actual = new URL(page.url()).pathname;
  const ok = typeof pathname === 'string' ? actual === pathname : pathname.test(actual);
  if (!ok) {
    throw new Error(
      `After ${after}, expected to be on ${pathname} but the browser is on ${page.url()}. The page says:\n${await visibleText(page)}`,
    );
  }
}

/** Waits until the element shows the text; on a time-out, says what it showed instead. */
export async function waitForText(locator: Locator, text: string | RegExp, what: string) {
  try {
    await locator.filter({ hasText: text }).first().waitFor({ state: 'visible' });
  } catch {
    const shown = await textOf(locator.first()).catch(() => '(the element is not on the page)');
    throw new Error(`Expected ${what} to show ${String(text)}, but it shows: ${shown || '(nothing)'}`);
  }
}

/** Waits until the element is on the page and visible; on a time-out, says what the page showed. */
export async function waitForVisible(locator: Locator, what: string) {
  try {
    await locator.first().waitFor({ state: 'visible' });
  } catch {
    throw new Error(
      `Expected ${what} on ${locator.page().url()}, but the page says:\n${await visibleText(locator.page())}`,
    );
  }
}

export async function logIn(
  page: Page,
  origin: string,
  email: string,
  password = DEMO_PASSWORD,
): Promise<Response> {
  await page.goto(`${origin}/login`);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  return submitWith(page, 'Log in');
}

/**
 * A full-page screenshot into test-results/. `caret: 'initial'`: Playwright hides the text caret by
 * setting `style` on every input and leaves an empty `style=""` behind; htmx then copies that
 * attribute onto the swapped-in element (its settle step), which the app's CSP (no inline styles)
 * rightly blocks and Chromium logs as an error. The app itself writes no inline styles.
 */
export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true, caret: 'initial' });
}

/** A screenshot of one element (a table, a chart) into test-results/; see `screenshot`. */
export async function screenshotOf(locator: Locator, name: string) {
  await locator.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), caret: 'initial' });
}

/** The server's today, as the /terms page states it (the server works in UTC). */
export async function serverToday(page: Page, origin: string): Promise<string> {
  await page.goto(`${origin}/terms`);
  const day = await page.locator('.lead time').first().getAttribute('datetime');
  if (!day || !/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`/terms does not state today's date: ${day}`);
  return day;
}

export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}
