// Walkthrough 4 (issue 10): reading the board. A board member reads the seats and the terms
// timeline; an anonymous visitor reads the public home and the public board. At 1280 and 390 px,
// with axe-core, the width check and a screenshot on every page (walkthrough.ts).
import { describe, expect, it } from 'vitest';
import { expectPath, textOf, useServerAndBrowser, waitForText, waitForVisible } from './browser.js';
import { Walk, WIDTHS } from './walkthrough.js';

const harness = useServerAndBrowser();

describe('reading the board', () => {
  for (const width of WIDTHS) {
    it(`at ${width.name} px: a board member reads the terms timeline; a visitor reads the home page and the public board`, async () => {
      const origin = harness.server().origin;
      const walk = new Walk(harness.browser, 'reading', width);

      // --- A board member: their dashboard, then the seats and the timeline.
      const member = await harness.pageLoggedInAs('mayor.amman', { viewport: width.viewport });
      await waitForVisible(member.getByRole('heading', { level: 1 }), 'the dashboard’s heading');
      await walk.check(member, 'member-dashboard');

      await member.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Terms' }).click();
      await expectPath(member, '/terms', 'following the Terms link');
      expect(await textOf(member.getByRole('heading', { level: 1 }))).toBe('Seats and terms');
      await waitForVisible(member.getByRole('heading', { name: 'Timeline' }), 'the timeline’s heading');
      // Bristol's term ends in 25 days; Los Angeles's mandate ends before its term.
      await waitForVisible(
        member.locator('[data-forecast="mandate_ends_first"]'),
        'the marker of a mandate ending before the term',
      );
      expect(await textOf(member.getByRole('table', { name: 'Every seat' }))).toContain('Bristol');
      await walk.check(member, 'terms');

      // --- An anonymous visitor: the home page says which seat is open and how to take part.
      const visitor = await harness.newPage({ viewport: width.viewport });
      await visitor.goto(`${origin}/`);
      await waitForText(
        visitor.getByRole('heading', { level: 2 }),
        'One seat is open for nominations',
        'the open seats’ heading',
      );
      await waitForVisible(
        visitor.getByRole('link', { name: 'asks for a nominator account' }),
        'the way for a city to take part',
      );
      await walk.check(visitor, 'public-home');

      await visitor.getByRole('link', { name: 'See who sits on the board' }).click();
      await expectPath(visitor, '/board', 'following “See who sits on the board”');
      const seats = visitor.getByRole('table', { name: 'Every seat and its member' });
      await waitForVisible(seats, 'the table of seats');
      for (const city of ['Amman', 'Bristol', 'Freetown', 'Kampala', 'Los Angeles', 'Milan', 'Montreal'])
        expect(await textOf(seats), `the board lists ${city}`).toContain(city);
      await waitForText(
        seats.getByRole('row'),
        /vacant.*Nominations are open until/,
        'the vacant seat’s row',
      );
      await walk.check(visitor, 'public-board');
    });
  }
});
