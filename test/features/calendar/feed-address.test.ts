// The feed's private address: only the exact current address of an active account opens a feed;
// every other address gets the same 404. Regenerating it on the account page ends the old one at
// once. The feed is never cached publicly and never sets a cookie (calendar apps have none).
import fs from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, users } from '../../../src/db/schema.js';
import { client, logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { NOW } from '../terms/board-records.js';
import { demoUser, feedPathOf, fetchFeed } from './feeds.js';

const NOT_FOUND_TEXT = 'There is no calendar feed at this address.';

/** `/calendar/<id>-<mac>.ics` -> its parts. */
function partsOf(path: string) {
  const match = /^\/calendar\/(\d+)-([A-Za-z0-9_-]+)\.ics$/.exec(path);
  if (!match) throw new Error(`not a feed path: ${path}`);
  return { id: match[1]!, mac: match[2]! };
}

function flipFirstCharacter(text: string) {
  return (text[0] === 'A' ? 'B' : 'A') + text.slice(1);
}

async function expectNoFeed(t: TestApp, path: string) {
  const response = await fetchFeed(t, path);
  expect(response.status, path).toBe(404);
  expect(response.text.startsWith(NOT_FOUND_TEXT), path).toBe(true);
  expect(response.text, path).not.toContain('BEGIN:VCALENDAR');
  expect(response.headers['set-cookie'], path).toBeUndefined();
  return response.text;
}

function regenerations(t: TestApp) {
  return t.db.select().from(auditLog).where(eq(auditLog.action, 'account.calendar_regenerate')).all();
}

describe('the private address of a calendar feed', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('opens the feed at the exact address, with text/calendar, never cached publicly and with no cookie', async () => {
    const response = await fetchFeed(t, feedPathOf(t, 'mayor.bristol'));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(response.headers['cache-control']).toMatch(/\bprivate\b/);
    expect(response.headers['cache-control']).toMatch(/\bno-store\b/);
    expect(response.headers['cache-control']).not.toMatch(/\bpublic\b/);
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(response.text).toContain('BEGIN:VCALENDAR');
  });

  it('sets no cookie either when a logged-in browser opens the address', async () => {
    const browser = await logInAs(t, 'mayor.bristol');
    const response = await browser.get(feedPathOf(t, 'mayor.bristol'));
    expect(response.status).toBe(200);
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(response.headers['cache-control']).not.toMatch(/\bpublic\b/);
  });

  it('answers the same 404 to a wrong, tampered, borrowed or malformed address, an unknown user and an old version', async () => {
    const bristol = feedPathOf(t, 'mayor.bristol');
    const { id, mac } = partsOf(bristol);
    const nominator = demoUser(t, 'nominator.zurich');
    const answers = [
      await expectNoFeed(t, `/calendar/${id}-${'A'.repeat(43)}.ics`),
      await expectNoFeed(t, `/calendar/${id}-${flipFirstCharacter(mac)}.ics`),
      await expectNoFeed(t, `/calendar/${id}-${mac.slice(0, -1)}.ics`),
      // Another user's id with Bristol's mac: the mac is bound to the id it was made for.
      await expectNoFeed(t, `/calendar/${nominator.id}-${mac}.ics`),
      await expectNoFeed(t, `/calendar/99999-${mac}.ics`),
      await expectNoFeed(t, `/calendar/${id}-${mac}`),
      await expectNoFeed(t, `/calendar/${id}-${mac}.ics.ics`),
      await expectNoFeed(t, `/calendar/0${id}-${mac}.ics`),
      await expectNoFeed(t, '/calendar/not-a-token.ics'),
    ];
    // An address of the version before: the calendar version is part of what is signed.
    t.db
      .update(users)
      .set({ calendarVersion: demoUser(t, 'mayor.bristol').calendarVersion + 1 })
      .where(eq(users.id, Number(id)))
      .run();
    answers.push(await expectNoFeed(t, bristol));
    expect(new Set(answers).size).toBe(1);
    expect((await fetchFeed(t, feedPathOf(t, 'mayor.bristol'))).status).toBe(200);
  });

  it('answers 404 for a disabled account’s feed, and the same address works again once it is re-enabled', async () => {
    const path = feedPathOf(t, 'mayor.bristol');
    const { id } = partsOf(path);
    t.db
      .update(users)
      .set({ disabled: true })
      .where(eq(users.id, Number(id)))
      .run();
    await expectNoFeed(t, path);
    t.db
      .update(users)
      .set({ disabled: false })
      .where(eq(users.id, Number(id)))
      .run();
    expect((await fetchFeed(t, path)).status).toBe(200);
  });

  it('regenerating on the account page ends the old address at once; the new one works; it is audited', async () => {
    const browser = await logInAs(t, 'mayor.bristol');
    const before = await browser.get('/account');
    const oldUrl = /data-calendar-url="([^"]+)"/.exec(before.text)![1]!;
    const oldPath = new URL(oldUrl).pathname;
    expect((await fetchFeed(t, oldPath)).status).toBe(200);

    const regenerated = await browser.post('/account/calendar');
    expect(regenerated.status).toBe(303);
    expect(regenerated.headers.location).toBe('/account');

    await expectNoFeed(t, oldPath);
    const after = await browser.get('/account');
    expect(after.text).toContain('Your calendar feed has a new address');
    const newUrl = /data-calendar-url="([^"]+)"/.exec(after.text)![1]!;
    expect(newUrl).not.toBe(oldUrl);
    expect(newUrl.startsWith('http://localhost:3000/calendar/')).toBe(true);
    expect((await fetchFeed(t, new URL(newUrl).pathname)).status).toBe(200);

    const [entry, ...more] = regenerations(t);
    expect(more).toHaveLength(0);
    expect(entry).toMatchObject({
      actorLabel: 'mayor.bristol@demo.mmc.example',
      subjectType: 'user',
      subjectId: partsOf(oldPath).id,
    });
  });

  it('ends only the regenerating user’s address, not anyone else’s', async () => {
    const others = feedPathOf(t, 'secretariat');
    const browser = await logInAs(t, 'mayor.bristol');
    expect((await browser.post('/account/calendar')).status).toBe(303);
    expect((await fetchFeed(t, others)).status).toBe(200);
  });

  it('lets no one regenerate without logging in', async () => {
    const path = feedPathOf(t, 'mayor.bristol');
    const anonymous = await client(t).post('/account/calendar');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/login/);
    expect(regenerations(t)).toHaveLength(0);
    expect((await fetchFeed(t, path)).status).toBe(200);
  });

  it('keeps the address out of the database: neither its file nor its journal holds the mac', async () => {
    const browser = await logInAs(t, 'mayor.bristol');
    await browser.post('/account/calendar');
    const { mac } = partsOf(feedPathOf(t, 'mayor.bristol'));
    expect((await fetchFeed(t, feedPathOf(t, 'mayor.bristol'))).status).toBe(200);
    t.db.$client.pragma('wal_checkpoint(PASSIVE)');
    for (const file of [t.config.databasePath, `${t.config.databasePath}-wal`]) {
      if (!fs.existsSync(file)) continue;
      expect(fs.readFileSync(file).includes(Buffer.from(mac)), file).toBe(false);
    }
  });
});

describe('the calendar section of the account page', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('shows a member their private address, what the feed holds and how to subscribe, not the placeholder', async () => {
    const browser = await logInAs(t, 'mayor.bristol');
    const page = await browser.get('/account');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('arrives with the alerts milestone');
    expect(page.text).toContain(`data-calendar-url="http://localhost:3000${feedPathOf(t, 'mayor.bristol')}"`);
    expect(page.text).toContain('the end of your board term, and of your mandate as mayor');
    expect(page.text).toContain('the nomination deadline of every vacancy open for nominations');
    expect(page.text).toContain('subscribe to, or add, a calendar by URL');
    expect(page.text).toContain('anyone who has it can read these dates');
    expect(page.text).toContain('the old one stops working at once');
    expect(page.text).toMatch(/<form method="post" action="\/account\/calendar">/);
  });

  it('tells a nominator their feed holds the deadlines and no terms', async () => {
    const browser = await logInAs(t, 'nominator.zurich');
    const page = await browser.get('/account');
    expect(page.text).toContain(
      `data-calendar-url="http://localhost:3000${feedPathOf(t, 'nominator.zurich')}"`,
    );
    expect(page.text).toContain('the nomination deadline of every vacancy open for nominations');
    expect(page.text).not.toContain('your board term');
    expect(page.text).not.toContain('every member’s term');
  });
});
