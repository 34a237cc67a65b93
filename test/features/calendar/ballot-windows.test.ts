// Ballot windows in the calendar feeds: the voters on a ballot's roll and the secretariat get its
// opening and closing times as one timed event; a nominator does not.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../helpers/app.js';
import { NOW, openAthensBallot } from '../ballots/ballot-records.js';
import { feedPathOf, fetchFeed } from './feeds.js';

describe('ballot windows in the calendar feeds', () => {
  let t: TestApp;
  let ballotId: number;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    ({ ballotId } = await openAthensBallot(t));
  });
  afterEach(async () => t.close());

  const feedOf = async (localPart: string) => (await fetchFeed(t, feedPathOf(t, localPart))).text;

  it('gives a voter and the secretariat the ballot as a timed event, from its opening to its closing, in UTC', async () => {
    for (const who of ['mayor.bristol', 'partner.c40', 'secretariat']) {
      const feed = await feedOf(who);
      expect(feed, who).toContain(`UID:ballot-${ballotId}@localhost`);
      expect(feed, who).toMatch(/DTSTART:20261128T080000Z/);
      expect(feed, who).toMatch(/DTEND:20261205T170000Z/);
      expect(feed, who).toContain(`/ballots/${ballotId}`);
    }
  });

  it('leaves the ballot out of a nominator’s feed', async () => {
    expect(await feedOf('nominator.bogota')).not.toContain(`ballot-${ballotId}`);
  });
});
