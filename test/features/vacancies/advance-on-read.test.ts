// Pages showing a vacancy use the same function that advances it, so no page is behind the clock
// even when no job has run: the public board stops saying "open" the day after the deadline.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { client, makeTestApp, type TestApp } from '../../helpers/app.js';
import { NOW, textOf, VACANCY, vacancyStatus } from '../nominations/nomination-records.js';

describe('vacancy states on any page', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('moves the Athens vacancy to screening when the public board is read after its deadline', async () => {
    const before = await client(t).get('/board');
    expect(textOf(before.text)).toMatch(/Nominations are open until/);
    t.clock.advance(15 * 86_400_000);
    const after = await client(t).get('/board');
    expect(vacancyStatus(t, VACANCY.athens)).toBe('screening');
    expect(textOf(after.text)).not.toMatch(/Nominations are open until/);
  });

  it('moves it on the public home page too', async () => {
    t.clock.advance(15 * 86_400_000);
    await client(t).get('/');
    expect(vacancyStatus(t, VACANCY.athens)).toBe('screening');
  });

  it('takes no write lock on a read when nothing is due', async () => {
    const changes = t.db.$client.prepare('SELECT total_changes() AS n');
    const before = (changes.get() as { n: number }).n;
    await client(t).get('/board');
    expect((changes.get() as { n: number }).n).toBe(before);
  });
});
