// Walkthrough 5 (issue 10): the pages the journeys above pass by. The secretariat's account,
// accounts, audit log, settings, alerts, outbox, nominations and a nomination's page; a partner's
// and a board member's dashboard, nominations and account; a nominator's nomination. Then the
// meeting's live view: the turnout rises as votes arrive and the result appears when the ballot
// closes, without a reload. At 1280 and 390 px, with axe-core, the width check (tables that become
// cards must not scroll sideways) and a screenshot on every page (walkthrough.ts).
import type { APIRequestContext } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectPath, textOf, useServerAndBrowser, waitForText, waitForVisible } from './browser.js';
import { Walk, WIDTHS } from './walkthrough.js';

const harness = useServerAndBrowser();

async function expectRedirect(response: Awaited<ReturnType<APIRequestContext['post']>>, what: string) {
  expect(response.status(), `${what}: ${(await response.text()).slice(0, 500)}`).toBe(303);
  return response.headers().location ?? '';
}

const minute = (date: Date) => date.toISOString().slice(0, 16);

describe('every other page', () => {
  for (const width of WIDTHS) {
    it(`at ${width.name} px: the secretariat’s, a partner’s, a board member’s and a nominator’s remaining pages`, async () => {
      const origin = harness.server().origin;
      const walk = new Walk(harness.browser, 'every-page', width);
      const visit = async (page: Awaited<ReturnType<typeof harness.newPage>>, path: string, name: string) => {
        const response = await page.goto(`${origin}${path}`);
        expect(response?.status(), `${name}: ${path}`).toBe(200);
        await waitForVisible(page.getByRole('heading', { level: 1 }), `the heading of ${path}`);
        await walk.check(page, name);
      };

      const secretariat = await harness.pageLoggedInAs('secretariat', { viewport: width.viewport });
      await visit(secretariat, '/account', 'secretariat-account');
      await visit(secretariat, '/accounts', 'secretariat-accounts');
      await visit(secretariat, '/audit', 'secretariat-audit');
      await visit(secretariat, '/settings', 'secretariat-settings');
      await visit(secretariat, '/alerts', 'secretariat-alerts');
      await visit(secretariat, '/outbox', 'secretariat-outbox');
      await visit(secretariat, '/nominations', 'secretariat-nominations');
      await visit(secretariat, '/nominations/1', 'secretariat-nomination');
      await visit(secretariat, '/terms/new', 'secretariat-new-term');

      const partner = await harness.pageLoggedInAs('partner.c40', { viewport: width.viewport });
      await walk.check(partner, 'partner-dashboard');
      await visit(partner, '/nominations', 'partner-nominations');
      await visit(partner, '/vacancies/1', 'partner-vacancy');
      await visit(partner, '/account', 'partner-account');

      const member = await harness.pageLoggedInAs('mayor.bristol', { viewport: width.viewport });
      await visit(member, '/alerts', 'member-alerts');
      await visit(member, '/account', 'member-account');

      const nominator = await harness.pageLoggedInAs('nominator.montevideo', { viewport: width.viewport });
      await visit(nominator, '/nominations/1', 'nominator-nomination');
      await visit(nominator, '/account', 'nominator-account');
    });
  }

  it('the live view: the turnout rises as votes arrive and the result replaces it when the ballot closes, without a reload (1280 px, then 390 px)', async () => {
    const origin = harness.server().origin;
    // The secretariat's part, by HTTP: the Athens candidates shortlisted, a ballot open now.
    const secretariat = await harness.clientAs('secretariat');
    for (const id of [1, 2, 3])
      await expectRedirect(
        await secretariat.post(`/nominations/${id}/review`, { form: { status: 'shortlisted', note: '' } }),
        `shortlisting nomination ${id}`,
      );
    const now = Date.now();
    const ballotForm = new URLSearchParams({
      vacancyId: '1',
      method: 'single',
      opensAt: minute(new Date(now - 60_000)),
      closesAt: minute(new Date(now + 2 * 86_400_000)),
      quorumPercent: '0',
    });
    for (const id of [1, 2, 3]) ballotForm.append('candidateIds', String(id));
    const location = await expectRedirect(
      await secretariat.post('/ballots', {
        data: ballotForm.toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      'opening the ballot',
    );
    const ballotId = Number(location.split('/').pop());

    const walk = new Walk(harness.browser, 'live-view', WIDTHS[0]!);
    const screen = await harness.pageLoggedInAs('secretariat', { viewport: WIDTHS[0]!.viewport });
    await screen.goto(`${origin}/ballots/${ballotId}/live`);
    const turnout = screen.locator('[data-live-turnout]');
    await waitForText(turnout, '0', 'the turnout before any vote');
    const entitled = await textOf(screen.locator('.live-number'));
    expect(entitled).toMatch(/^0 of \d+$/);
    await walk.check(screen, 'live-open');

    // Two votes arrive, from other browsers; the screen is not touched.
    for (const voter of ['mayor.amman', 'partner.c40']) {
      const client = await harness.clientAs(voter);
      await expectRedirect(
        await client.post(`/ballots/${ballotId}/votes`, { form: { choice: '1' } }),
        `${voter} voting`,
      );
    }
    await waitForText(turnout, '2', 'the turnout after two votes, without a reload');
    await walk.check(screen, 'live-two-votes');

    await expectRedirect(await secretariat.post(`/ballots/${ballotId}/close`, { form: {} }), 'closing');
    const outcome = screen.locator('[data-outcome]');
    await waitForVisible(outcome, 'the result, without a reload');
    expect(await outcome.getAttribute('data-outcome')).toBe('winner');
    expect(await textOf(screen.locator('#live-status'))).toContain('wins the ballot');
    await expectPath(screen, `/ballots/${ballotId}/live`, 'the result appearing in place');
    await walk.check(screen, 'live-closed');

    const phone = new Walk(harness.browser, 'live-view', WIDTHS[1]!);
    const small = await harness.pageLoggedInAs('secretariat', { viewport: WIDTHS[1]!.viewport });
    await small.goto(`${origin}/ballots/${ballotId}/live`);
    await waitForVisible(small.locator('[data-outcome]'), 'the result on a phone');
    await phone.check(small, 'live-closed');
  });
});
