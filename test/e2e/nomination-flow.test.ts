// A nomination's whole life in a real browser, through the real forms: a nominator fills the
// nomination form (a refused first try, then a complete one with a PDF), the secretariat screens
// it in the vacancy's queue (htmx swaps the row in place, including a refused decision's 422),
// the nominator follows its history and withdraws it, and the document downloads as a PDF.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CONTEXT_LABELS } from '../../src/domain/reference.js';
import {
  addDays,
  expectPath,
  screenshot,
  submitWith,
  textOf,
  useServerAndBrowser,
  visibleText,
  waitForText,
  waitForVisible,
} from './browser.js';

const harness = useServerAndBrowser();

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const NOMINEE = {
  name: 'Carolina Restrepo',
  title: 'Mayor of Bogota',
  email: 'mayor@bogota.example',
};
const STATEMENT =
  'Bogota has welcomed more than half a million people from Venezuela and many more displaced from within Colombia. Mayor Restrepo would bring Latin America, transit and internal displacement to the board.';
const INELIGIBLE_NOTE = 'The nominee’s mandate ends before the board term would start.';

/** Clicks a row's "Record" button and waits for the htmx request's answer; no navigation follows. */
async function recordDecision(page: Page, nominationId: number) {
  const row = page.locator(`#nomination-${nominationId}`);
  const [response] = await Promise.all([
    page.waitForResponse(
      (candidate) =>
        candidate.request().method() === 'POST' &&
        new URL(candidate.url()).pathname === `/nominations/${nominationId}/review`,
    ),
    row.getByRole('button', { name: 'Record', exact: true }).click(),
  ]);
  return response;
}

/** True while the page is the same document as when `markDocument` ran: no navigation happened. */
async function markDocument(page: Page) {
  await page.evaluate(() => {
    (window as unknown as { __marker: number }).__marker = 1;
  });
}
async function sameDocument(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __marker?: number }).__marker === 1);
}

describe('a nomination from the form to its withdrawal, in a real browser', () => {
  it('Bogota nominates a mayor, the secretariat screens the nomination with htmx, Bogota withdraws it', async () => {
    const origin = harness.server().origin;
    const utcToday = new Date().toISOString().slice(0, 10);
    const mandateEndsOn = addDays(utcToday, 3 * 366 + 30);

    // --- The nominator finds the open vacancy and opens the form from the list.
    const nominator = await harness.pageLoggedInAs('nominator.bogota');
    await nominator.goto(`${origin}/vacancies`);
    const seat2 = nominator
      .getByRole('row')
      .filter({ has: nominator.getByRole('rowheader', { name: 'Seat 2' }) });
    await waitForVisible(seat2, 'the Athens seat (seat 2) among the open vacancies');
    await Promise.all([
      nominator.waitForURL((url) => url.pathname === '/nominations/new'),
      seat2.getByRole('link', { name: 'Nominate a mayor' }).click(),
    ]);
    expect(new URL(nominator.url()).searchParams.get('vacancyId')).toBe('1');
    expect(await textOf(nominator.getByRole('heading', { level: 1 }))).toBe('Nominate a mayor');

    // --- Every field, as a user fills it; consent left unticked for the first try.
    await nominator.getByLabel('Nominee’s full name').fill(NOMINEE.name);
    await nominator.getByLabel('Title', { exact: true }).fill(NOMINEE.title);
    await nominator.getByLabel('Nominee’s e-mail address').fill(NOMINEE.email);
    await nominator.getByLabel('The nominee’s mayoral mandate ends on').fill(mandateEndsOn);
    await nominator.getByLabel('City', { exact: true }).fill('Bogota');
    await nominator.getByLabel('Country', { exact: true }).selectOption('CO');
    expect(
      await nominator
        .getByLabel('Country', { exact: true })
        .evaluate((select: HTMLSelectElement) => select.selectedOptions[0]?.textContent?.trim()),
    ).toMatch(/^Colombia/);
    await nominator.getByRole('checkbox', { name: CONTEXT_LABELS.destination, exact: true }).check();
    await nominator
      .getByRole('checkbox', { name: CONTEXT_LABELS.internal_displacement, exact: true })
      .check();

    const counter = nominator.locator('#statement-count');
    await waitForText(counter, '0 of 5000 characters', 'the statement’s character count before typing');
    await nominator.getByLabel('Statement supporting the nomination').fill(STATEMENT);
    await waitForText(
      counter,
      `${STATEMENT.length} of 5000 characters`,
      'the statement’s live character count after typing',
    );
    const documentInput = nominator.getByLabel('Letter of support (optional, PDF, at most 5 MB)');
    await documentInput.setInputFiles({ name: 'letter.pdf', mimeType: 'application/pdf', buffer: PDF });

    // --- The first try, without the nominee's consent: refused beside the field, input kept.
    const refused = await submitWith(nominator, 'Submit the nomination');
    expect(refused.status(), `submitting without consent: ${await visibleText(nominator)}`).toBe(422);
    await expectPath(nominator, '/nominations', 'submitting without consent');
    await waitForText(
      nominator.locator('#consent-error'),
      'The nominee’s consent is required to submit the nomination.',
      'the consent field’s error',
    );
    // The message sits inside the consent fieldset, beside the checkbox.
    const consentFieldset = nominator.getByRole('group', { name: 'The nominee’s consent' });
    await waitForText(consentFieldset.locator('.field-error'), 'consent is required', 'the consent fieldset');
    expect(await nominator.locator('.field-error').count(), 'only the consent field is flagged').toBe(1);
    expect(await nominator.getByLabel('Nominee’s full name').inputValue()).toBe(NOMINEE.name);
    expect(await nominator.getByLabel('Title', { exact: true }).inputValue()).toBe(NOMINEE.title);
    expect(await nominator.getByLabel('Nominee’s e-mail address').inputValue()).toBe(NOMINEE.email);
    expect(await nominator.getByLabel('The nominee’s mayoral mandate ends on').inputValue()).toBe(
      mandateEndsOn,
    );
    expect(await nominator.getByLabel('City', { exact: true }).inputValue()).toBe('Bogota');
    expect(await nominator.getByLabel('Country', { exact: true }).inputValue()).toBe('CO');
    expect(
      await nominator.getByRole('checkbox', { name: CONTEXT_LABELS.destination, exact: true }).isChecked(),
    ).toBe(true);
    expect(
      await nominator
        .getByRole('checkbox', { name: CONTEXT_LABELS.internal_displacement, exact: true })
        .isChecked(),
    ).toBe(true);
    expect(await nominator.getByLabel('Statement supporting the nomination').inputValue()).toBe(STATEMENT);
    await waitForText(counter, `${STATEMENT.length} of 5000 characters`, 'the character count after the 422');

    // --- The second try: consent ticked, the PDF attached again (a browser never keeps a file).
    await nominator.getByRole('checkbox', { name: /The nominee agrees to be nominated/ }).check();
    await documentInput.setInputFiles({ name: 'letter.pdf', mimeType: 'application/pdf', buffer: PDF });
    const submitted = await submitWith(nominator, 'Submit the nomination');
    expect(submitted.status(), `submitting the nomination: ${await visibleText(nominator)}`).toBe(303);
    await expectPath(nominator, /^\/nominations\/\d+$/, 'submitting the nomination');
    const nominationId = Number(new URL(nominator.url()).pathname.split('/').pop());
    await waitForText(nominator.getByRole('status'), 'Your nomination is submitted', 'the flash message');
    await waitForVisible(
      nominator.getByRole('heading', { level: 1 }).locator('[data-status="submitted"]'),
      'the "submitted" badge in the heading',
    );
    const documentLink = nominator.getByRole('link', { name: 'letter.pdf', exact: true });
    await waitForVisible(documentLink, 'the link to the attached letter');
    expect(await documentLink.getAttribute('href')).toBe(`/nominations/${nominationId}/document`);
    expect(await textOf(nominator.locator('#history-heading + ol'))).toContain('Submitted');

    // --- The secretariat screens it in the vacancy's queue; htmx swaps the row in place.
    const secretariat = await harness.pageLoggedInAs('secretariat');
    await secretariat.goto(`${origin}/vacancies/1`);
    const row = secretariat.locator(`tr#nomination-${nominationId}`);
    await waitForVisible(
      row,
      `the Bogota nomination's row (tr#nomination-${nominationId}) in the screening queue`,
    );
    expect(await textOf(row)).toContain('Bogota');
    const queueUrl = secretariat.url();
    await markDocument(secretariat);

    await row.getByLabel(/^Decision on /).selectOption('shortlisted');
    const shortlisted = await recordDecision(secretariat, nominationId);
    expect(shortlisted.status(), 'shortlisting through htmx').toBe(200);
    expect(await shortlisted.request().headerValue('hx-request'), 'the form was sent by htmx').toBe('true');
    await waitForVisible(
      row.locator('[data-status="shortlisted"]'),
      'the shortlisted badge in the updated row',
    );
    await waitForText(row.getByRole('status'), 'Saved.', 'the row’s confirmation');
    expect(secretariat.url(), 'the page did not navigate').toBe(queueUrl);
    expect(await sameDocument(secretariat), 'no full page load happened (window.__marker survives)').toBe(
      true,
    );
    await screenshot(secretariat, 'e2e-screening-shortlisted');

    // Ineligible without a reason: the 422 row is swapped in with the message beside the note.
    await row.getByLabel(/^Decision on /).selectOption('ineligible');
    await row.getByLabel('Note (required when ineligible)').fill('');
    const noReason = await recordDecision(secretariat, nominationId);
    expect(noReason.status(), 'ineligible without a note').toBe(422);
    await waitForText(
      row.locator(`#note-${nominationId}-error`),
      /^Give the reason/,
      'the error beside the note field',
    );
    expect(await row.getByLabel('Note (required when ineligible)').getAttribute('aria-invalid')).toBe('true');
    expect(await row.getByLabel(/^Decision on /).inputValue(), 'the chosen decision is kept').toBe(
      'ineligible',
    );
    await waitForVisible(row.locator('[data-status="shortlisted"]'), 'the unchanged shortlisted badge');
    expect(await row.getByRole('status').count(), 'no "Saved." for a refused decision').toBe(0);
    expect(secretariat.url(), 'the page did not navigate').toBe(queueUrl);
    expect(await sameDocument(secretariat), 'no full page load happened after the 422').toBe(true);
    await screenshot(secretariat, 'e2e-screening-ineligible-refused');

    // With a reason: ineligible, and the note shown in the row.
    await row.getByLabel('Note (required when ineligible)').fill(INELIGIBLE_NOTE);
    const ineligible = await recordDecision(secretariat, nominationId);
    expect(ineligible.status(), 'ineligible with a note').toBe(200);
    await waitForVisible(
      row.locator('[data-status="ineligible"]'),
      'the ineligible badge in the updated row',
    );
    await waitForText(row, INELIGIBLE_NOTE, 'the row, with the reason');
    await waitForText(row.getByRole('status'), 'Saved.', 'the row’s confirmation');
    expect(await row.locator('.field-error').count(), 'the note error is gone').toBe(0);
    expect(secretariat.url(), 'the page did not navigate').toBe(queueUrl);
    expect(await sameDocument(secretariat), 'no full page load happened').toBe(true);
    await screenshot(secretariat, 'e2e-screening-ineligible');

    // Someone else decides meanwhile (another secretary, in another tab): this page is now stale,
    // and its decision is refused where it was made, with the reason announced (role=alert).
    const elsewhere = await secretariat.request.post(`${origin}/nominations/${nominationId}/review`, {
      form: { status: 'eligible', note: '', from: 'ineligible' },
      headers: { 'Sec-Fetch-Site': 'same-origin' },
      maxRedirects: 0,
    });
    expect(elsewhere.status(), 'the other secretary’s decision').toBe(303);
    await row.getByLabel(/^Decision on /).selectOption('shortlisted');
    const stale = await recordDecision(secretariat, nominationId);
    expect(stale.status(), 'a decision on a nomination changed meanwhile').toBe(409);
    await waitForText(
      row.getByRole('alert'),
      /changed by someone else a moment ago: it is now eligible/,
      'the refusal in the row',
    );
    await waitForVisible(row.locator('[data-status="eligible"]'), 'the row as it now stands');
    expect(await sameDocument(secretariat), 'no full page load happened after the 409').toBe(true);
    await screenshot(secretariat, 'e2e-screening-refused-stale');
    // Back to ineligible, as the rest of this walk expects.
    await row.getByLabel(/^Decision on /).selectOption('ineligible');
    await row.getByLabel('Note (required when ineligible)').fill(INELIGIBLE_NOTE);
    expect((await recordDecision(secretariat, nominationId)).status()).toBe(200);
    await waitForVisible(row.locator('[data-status="ineligible"]'), 'the ineligible badge again');

    // The queue, loaded afresh, agrees with what htmx showed.
    await secretariat.reload();
    await waitForVisible(
      secretariat.locator(`tr#nomination-${nominationId} [data-status="ineligible"]`),
      'the ineligible badge after a reload',
    );

    // --- The secretariat downloads the letter: a PDF, as an attachment (cookies shared).
    const download = await secretariat.request.get(`${origin}/nominations/${nominationId}/document`);
    expect(download.status()).toBe(200);
    expect(download.headers()['content-type']).toMatch(/^application\/pdf/);
    expect(download.headers()['content-disposition']).toMatch(/^attachment;/);
    expect(download.headers()['content-disposition']).toContain('letter.pdf');
    expect(Buffer.compare(await download.body(), PDF), 'the stored file is the uploaded one').toBe(0);

    // --- The nominator reloads the nomination: its history, the reason; then withdraws it.
    await nominator.reload();
    await waitForVisible(
      nominator.getByRole('heading', { level: 1 }).locator('[data-status="ineligible"]'),
      'the ineligible badge for the nominator',
    );
    const history = nominator.locator('#history-heading + ol > li');
    expect(
      await history.count(),
      `the history: ${await textOf(nominator.locator('#history-heading + ol'))}`,
    ).toBe(5);
    expect(await textOf(history.nth(0))).toMatch(/Submitted/);
    expect(await textOf(history.nth(1))).toMatch(/Submitted → Shortlisted/);
    expect(await textOf(history.nth(2))).toMatch(/Shortlisted → Ineligible/);
    expect(await textOf(history.nth(2))).toContain(INELIGIBLE_NOTE);
    expect(await textOf(history.nth(3))).toMatch(/Ineligible → Eligible/);
    expect(await textOf(history.nth(4))).toMatch(/Eligible → Ineligible/);
    expect(await textOf(nominator.locator('.alert-warn'))).toContain(INELIGIBLE_NOTE);

    // Clicking the document link downloads the file in the browser.
    const [fileDownload] = await Promise.all([nominator.waitForEvent('download'), documentLink.click()]);
    expect(fileDownload.suggestedFilename()).toBe('letter.pdf');
    expect(await fileDownload.failure()).toBeNull();

    // Withdrawing asks first: with JavaScript in a dialog on the page (walk-nominating.test.ts
    // also walks the confirmation page without it).
    await nominator.getByRole('link', { name: 'Withdraw…' }).click();
    const dialog = nominator.getByRole('dialog', { name: `Withdraw the nomination of ${NOMINEE.name}?` });
    await waitForVisible(dialog, 'the confirmation dialog');
    const withdrawn = await submitWith(nominator, 'Yes, withdraw it', dialog);
    expect(withdrawn.status(), `withdrawing: ${await visibleText(nominator)}`).toBe(303);
    await expectPath(nominator, `/nominations/${nominationId}`, 'withdrawing the nomination');
    await waitForText(nominator.getByRole('status'), 'The nomination is withdrawn.', 'the flash message');
    await waitForVisible(
      nominator.getByRole('heading', { level: 1 }).locator('[data-status="withdrawn"]'),
      'the withdrawn badge',
    );
    expect(await textOf(nominator.locator('#history-heading + ol > li').last())).toMatch(
      /Ineligible → Withdrawn/,
    );
    expect(
      await nominator.getByRole('link', { name: 'Withdraw…' }).count(),
      'a withdrawn nomination cannot be withdrawn again',
    ).toBe(0);
  });
});
