// What every walkthrough (test/e2e/walk-*.test.ts) checks on every page it visits, at both widths
// (issue 10, "Proof"): axe-core finds no WCAG 2.2 A/AA violation, the page is no wider than the
// window, and a full-page screenshot is kept under test-results/<walkthrough>-<width>/ for a person
// to look at. Also the small things several walkthroughs need: reaching a control with the
// keyboard alone, and reading an invitation link out of the delivered e-mail.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { runsJavaScript, SCREENSHOTS } from './browser.js';
import { type RunningServer, runCli } from './server.js';

export interface Width {
  /** Used in folder names and test titles. */
  name: string;
  viewport: { width: number; height: number };
}

/** A desktop window, and a phone held upright (an iPhone 12–15 is 390 × 844 CSS pixels). */
export const WIDTHS: Width[] = [
  { name: '1280', viewport: { width: 1280, height: 800 } },
  { name: '390', viewport: { width: 390, height: 844 } },
];

const AXE_SOURCE = fs.readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[]; failureSummary?: string }>;
}

/** Runs axe-core in the page as it stands (the page must run JavaScript). */
async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, so the app's Content-Security-Policy (no inline
  // scripts) rightly has no say; nothing is added to the document itself.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run: (...args: unknown[]) => Promise<unknown> } }).axe;
    const results = (await axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    })) as { violations: AxeViolation[] };
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => ({ target: node.target, failureSummary: node.failureSummary })),
    }));
  }, AXE_TAGS);
}

/**
 * axe-core needs timers and promises, which a page without JavaScript never runs. So the document
 * as the server sent it and the browser parsed it is audited in a second, scripted window at the
 * same address, with the app's own scripts kept out: the same markup and styles, still unscripted.
 */
async function axeViolationsWithoutJavaScript(browser: Browser, page: Page): Promise<AxeViolation[]> {
  const html = await page.content();
  const context = await browser.newContext({ viewport: page.viewportSize() });
  try {
    const auditor = await context.newPage();
    const address = page.url();
    await auditor.route('**/*', (route) => {
      const request = route.request();
      if (request.resourceType() === 'document' && request.url() === address) {
        return route.fulfill({ body: html, contentType: 'text/html; charset=utf-8' });
      }
      if (request.resourceType() === 'script') return route.abort();
      return route.continue();
    });
    await auditor.goto(address);
    return await axeViolations(auditor);
  } finally {
    await context.close();
  }
}

function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map((violation) => {
      const nodes = violation.nodes
        .slice(0, 5)
        .map(
          (node) =>
            `    ${JSON.stringify(node.target)}\n      ${(node.failureSummary ?? '').replace(/\n/g, '\n      ')}`,
        )
        .join('\n');
      const more = violation.nodes.length > 5 ? `\n    … and ${violation.nodes.length - 5} more` : '';
      return `  ${violation.id} (${violation.impact}): ${violation.help}\n${nodes}${more}`;
    })
    .join('\n');
}

/** Tables that turn into cards on a phone (.stack-on-phone) yet are wider than their scroll area. */
async function tablesScrollingSideways(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('table.stack-on-phone')].flatMap((table) => {
      const area = table.closest('.table-wrap') ?? table.parentElement!;
      if (area.scrollWidth <= area.clientWidth + 1) return [];
      const name = area.getAttribute('aria-label') ?? table.getAttribute('aria-label') ?? table.id;
      return [`${name}: ${area.scrollWidth} px of content in ${area.clientWidth} px`];
    }),
  );
}

/** The elements that stick out past the right edge of the window, for a failure message. */
async function overflowingElements(page: Page, width: number): Promise<string[]> {
  return page.evaluate((limit) => {
    const found: string[] = [];
    // Inside a scroll area (the navigation, a wide table) sticking out is the design: only the
    // scroll area itself must fit.
    const scrolls = (element: Element) => getComputedStyle(element).overflowX !== 'visible';
    const insideScrollArea = (element: Element) => {
      for (let parent = element.parentElement; parent; parent = parent.parentElement)
        if (scrolls(parent)) return true;
      return false;
    };
    for (const element of document.querySelectorAll('body *')) {
      if (insideScrollArea(element)) continue;
      const box = element.getBoundingClientRect();
      if (box.right > limit + 0.5 && box.width > 0) {
        const id = element.id ? `#${element.id}` : '';
        const classes = element.classList.length > 0 ? `.${[...element.classList].join('.')}` : '';
        const text = (element.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 60);
        found.push(
          `${element.tagName.toLowerCase()}${id}${classes} (right edge ${Math.round(box.right)} px): ${text}`,
        );
      }
      if (found.length >= 12) break;
    }
    return found;
  }, width);
}

/** One walkthrough at one width: numbers its pages and keeps their screenshots together. */
export class Walk {
  private visited = 0;
  readonly folder: string;

  constructor(
    private readonly browser: () => Browser,
    readonly name: string,
    readonly width: Width,
  ) {
    this.folder = path.join(SCREENSHOTS, `${name}-${width.name}`);
    fs.rmSync(this.folder, { recursive: true, force: true });
    fs.mkdirSync(this.folder, { recursive: true });
  }

  /**
   * Checks the page as it stands — axe-core finds nothing, nothing is wider than the window — and
   * saves its full-page screenshot as <nn>-<pageName>.png.
   */
  async check(page: Page, pageName: string): Promise<void> {
    this.visited += 1;
    const file = `${String(this.visited).padStart(2, '0')}-${pageName}.png`;
    await page.waitForLoadState('load');
    // `caret: 'initial'`: see `screenshot` in browser.ts (htmx would copy Playwright's style="").
    await page.screenshot({ path: path.join(this.folder, file), fullPage: true, caret: 'initial' });

    const where = `${this.name} at ${this.width.name} px, page ${file} (${page.url()})`;
    const limit = this.width.viewport.width;
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    if (scrollWidth > limit) {
      const culprits = await overflowingElements(page, limit);
      expect.fail(
        `${where} is ${scrollWidth} px wide in a ${limit} px window. Past the edge:\n  ${culprits.join('\n  ')}`,
      );
    }

    if (limit <= 640) {
      // On a phone, a table marked to become cards must not scroll sideways inside its wrapper.
      const scrolling = await tablesScrollingSideways(page);
      if (scrolling.length > 0)
        expect.fail(`${where}: tables meant to become cards scroll sideways:\n  ${scrolling.join('\n  ')}`);
    }

    const violations = runsJavaScript(page)
      ? await axeViolations(page)
      : await axeViolationsWithoutJavaScript(this.browser(), page);
    if (violations.length > 0) {
      expect.fail(
        `axe-core found ${violations.length} violation(s) on ${where}:\n${describeViolations(violations)}`,
      );
    }
  }
}

/**
 * Presses Tab until the element has the focus, as a keyboard user would move through the page;
 * fails when it is not reached within `maxPresses` (it is not in the tab order, or hidden).
 */
export async function tabTo(target: Locator, what: string, maxPresses = 120) {
  const page = target.page();
  const handle = await target.elementHandle();
  if (!handle) throw new Error(`${what} is not on ${page.url()}`);
  for (let presses = 0; presses < maxPresses; presses += 1) {
    if (await handle.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${what} was not reached with ${maxPresses} presses of Tab on ${page.url()}`);
}

/** Sends the pending e-mail the way an operator does (`npm run cli -- outbox:deliver`). */
export async function deliverMail(server: RunningServer): Promise<string> {
  return runCli(server, ['outbox:deliver']);
}

/** The invitation link in the newest delivered e-mail to `email` (an .eml file in mail/). */
export function invitationLinkFor(server: RunningServer, email: string): string | null {
  const folder = path.join(path.dirname(server.databasePath), 'mail');
  if (!fs.existsSync(folder)) return null;
  const files = fs
    .readdirSync(folder)
    .filter((file) => file.endsWith('.eml'))
    .sort()
    .reverse();
  for (const file of files) {
    const raw = fs.readFileSync(path.join(folder, file), 'utf8');
    if (!new RegExp(`^To: .*${email.replace(/[.+]/g, '\\$&')}`, 'im').test(raw)) continue;
    // Quoted-printable: soft line breaks and =XX escapes.
    const text = raw
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    const link = text.match(/https?:\/\/[^\s"<>]+\/invitations\/[A-Za-z0-9_-]+/);
    if (link) return link[0];
  }
  return null;
}

/** Delivers the outbox until an invitation to `email` is there (the server's own job may be first). */
export async function invitationLink(server: RunningServer, email: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    await deliverMail(server);
    const link = invitationLinkFor(server, email);
    if (link) return link;
    if (Date.now() > deadline) throw new Error(`No invitation e-mail to ${email} was delivered.`);
    // Another delivery run (the server's scheduler) may hold the lease: wait for it to finish.
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
