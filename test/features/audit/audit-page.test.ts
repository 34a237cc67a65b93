import { createHash } from 'node:crypto';
import { desc, eq, sql } from 'drizzle-orm';
import supertest from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditCheckpoints, auditLog } from '../../../src/db/schema.js';
import { demoEmail } from '../../../src/demo/seed-demo.js';
import { type AuditEvent, recordAudit } from '../../../src/features/audit-log/audit-log.js';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { parseCsv } from '../nominations/nomination-records.js';
import { auditEntries, textOf } from '../terms/board-records.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(async () => t.close());

describe('the audit log page', () => {
  it('shows the secretariat every entry, newest first, with the chain verified', async () => {
    const browser = await logInAs(t, 'secretariat');
    const page = await browser.get('/audit');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Hash chain verified');
    expect(page.text.indexOf('auth.login')).toBeLessThan(page.text.indexOf('demo.seed'));
  });

  it('filters by action and exports the same selection as CSV', async () => {
    const browser = await logInAs(t, 'secretariat');
    const filtered = await browser.get('/audit?action=demo.seed');
    expect(filtered.text).toContain('demo.seed');
    expect(filtered.text).not.toContain('<code>auth.login</code>');
    const csv = await browser.get('/audit.csv?action=auth.login');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain('attachment');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('id,at,actor,action,subject_type,subject_id,details,prev_hash,hash');
    expect(lines.slice(1).every((line) => line.includes(',auth.login,'))).toBe(true);
  });

  it('answers a repeated filter (action=a&action=b) with the page (200), never 500', async () => {
    const browser = await logInAs(t, 'secretariat');
    const page = await browser.get('/audit?action=demo.seed&action=auth.login');
    expect(page.status).toBe(200);
    expect(page.text).toContain('demo.seed');
    expect((await browser.get('/audit?action=a&action=b')).status).toBe(200);
    const csv = await browser.get('/audit.csv?action=a&action=b');
    expect(csv.status).toBe(200);
  });

  it('is closed to every other role (403) and to anonymous visitors (303)', async () => {
    for (const role of ['mayor.milan', 'partner.c40', 'nominator.bogota']) {
      expect((await (await logInAs(t, role)).get('/audit')).status).toBe(403);
    }
    expect((await supertest(t.app.server).get('/audit')).status).toBe(303);
  });
});

/** The entry ids listed on an audit page, in page order. */
function listedEntryIds(html: string): number[] {
  return [...html.matchAll(/<tr>\s*<th scope="row" data-label="Entry">(\d+)<\/th>/g)].map((match) =>
    Number(match[1]),
  );
}

/** The page links of an audit page, by their text ("Newer entries", "Older entries"). */
function pageLinks(html: string): Record<string, string> {
  return Object.fromEntries(
    [...html.matchAll(/<a href="(\/audit\?[^"]*)">([^<]+)<\/a>/g)].map((match) => [
      match[2]!,
      match[1]!.replace(/&amp;/g, '&'),
    ]),
  );
}

function allEntryIdsNewestFirst(app: TestApp): number[] {
  return app.db
    .select({ id: auditLog.id })
    .from(auditLog)
    .orderBy(desc(auditLog.id))
    .all()
    .map((row) => row.id);
}

/** Appends `count` chained entries, as actions do, in one transaction. */
function recordTestEntries(app: TestApp, count: number, event: Partial<AuditEvent> = {}) {
  app.db.transaction((tx) => {
    for (let i = 0; i < count; i += 1)
      recordAudit(tx, {
        actor: { id: null, label: 'test' },
        action: 'test.event',
        subjectType: 'test',
        subjectId: i,
        at: app.clock.now,
        ...event,
      });
  });
}

/**
 * What someone holding the database file could do: drop the append-only trigger and rewrite an
 * entry's details, leaving its hash as it was or recomputing it (the chain's canonical form is in
 * the source) so that the entry fits its own hash again.
 */
function rewriteEntry(app: TestApp, id: number, options: { recomputeHash?: boolean } = {}) {
  app.db.run(sql`DROP TRIGGER IF EXISTS audit_log_no_update`);
  const details = '{"forged":true}';
  app.db.run(sql`UPDATE audit_log SET details = ${details} WHERE id = ${id}`);
  if (!options.recomputeHash) return;
  const e = app.db.select().from(auditLog).where(eq(auditLog.id, id)).get()!;
  const canonical = JSON.stringify([
    e.prevHash,
    e.at,
    e.actorId,
    e.actorLabel,
    e.action,
    e.subjectType,
    e.subjectId,
    e.details,
  ]);
  const hash = createHash('sha256').update(canonical).digest('hex');
  app.db.run(sql`UPDATE audit_log SET hash = ${hash} WHERE id = ${id}`);
}

describe('paging through the audit log (50 entries a page)', () => {
  let app: TestApp;
  let secretariat: Awaited<ReturnType<typeof logInAs>>;
  beforeAll(async () => {
    app = await makeTestApp();
    secretariat = await logInAs(app, 'secretariat');
    // With the seed's and the login's entries: three pages, the last one short.
    recordTestEntries(app, 100);
  });
  afterAll(async () => app.close());

  it('shows the newest 50 entries on page 1, with a link to older ones and none to newer', async () => {
    const all = allEntryIdsNewestFirst(app);
    expect(all.length).toBeGreaterThan(100);
    const page = await secretariat.get('/audit');
    expect(page.status).toBe(200);
    expect(listedEntryIds(page.text)).toEqual(all.slice(0, 50));
    expect(pageLinks(page.text)).toEqual({ 'Older entries': '/audit?page=2' });
  });

  it('shows the next 50 on page 2, and the rest on the last page with a link back and none further', async () => {
    const all = allEntryIdsNewestFirst(app);
    const second = await secretariat.get('/audit?page=2');
    expect(listedEntryIds(second.text)).toEqual(all.slice(50, 100));
    expect(pageLinks(second.text)).toEqual({
      'Newer entries': '/audit?page=1',
      'Older entries': '/audit?page=3',
    });
    const last = await secretariat.get('/audit?page=3');
    expect(listedEntryIds(last.text)).toEqual(all.slice(100));
    expect(pageLinks(last.text)).toEqual({ 'Newer entries': '/audit?page=2' });
  });

  it('keeps the filters in the page links: 100 matching entries are two full pages, and no link to a third', async () => {
    const matching = app.db
      .select({ id: auditLog.id })
      .from(auditLog)
      .where(eq(auditLog.action, 'test.event'))
      .orderBy(desc(auditLog.id))
      .all()
      .map((row) => row.id);
    expect(matching).toHaveLength(100);
    const first = await secretariat.get('/audit?action=test.event');
    expect(listedEntryIds(first.text)).toEqual(matching.slice(0, 50));
    expect(pageLinks(first.text)).toEqual({ 'Older entries': '/audit?action=test.event&page=2' });

    const second = await secretariat.get('/audit?action=test.event&page=2');
    expect(listedEntryIds(second.text)).toEqual(matching.slice(50));
    expect(pageLinks(second.text)).toEqual({ 'Newer entries': '/audit?action=test.event&page=1' });
  });
});

describe('the chain’s verification on the audit page', () => {
  let app: TestApp;
  let secretariat: Awaited<ReturnType<typeof logInAs>>;
  beforeEach(async () => {
    app = await makeTestApp();
    secretariat = await logInAs(app, 'secretariat');
    recordTestEntries(app, 5);
  });
  afterEach(async () => app.close());

  const latestCheckpoint = () =>
    app.db.select().from(auditCheckpoints).orderBy(desc(auditCheckpoints.id)).limit(1).get();

  it('says the chain is broken at an entry rewritten behind the application’s back', async () => {
    const victim = allEntryIdsNewestFirst(app)[2]!;
    rewriteEntry(app, victim);
    const page = await secretariat.get('/audit');
    expect(page.status).toBe(200);
    expect(textOf(page.text)).toContain(
      `The hash chain is broken at entry ${victim}: its content does not match its hash.`,
    );
    expect(page.text).not.toContain('Hash chain verified');
  });

  it('catches a forged entry the last check ended on, its hash recomputed to fit, though the page walks only what came after', async () => {
    expect((await secretariat.get('/audit')).text).toContain('Hash chain verified');
    const checkpoint = latestCheckpoint()!;
    expect(checkpoint.lastEntryId).toBe(allEntryIdsNewestFirst(app)[0]);
    recordTestEntries(app, 3);

    rewriteEntry(app, checkpoint.lastEntryId, { recomputeHash: true });
    const page = await secretariat.get('/audit');
    expect(textOf(page.text)).toContain(
      `The hash chain is broken at entry ${checkpoint.lastEntryId}: it was changed or removed after it had been verified.`,
    );
    expect(page.text).not.toContain('Hash chain verified');
  });

  it('catches a rewrite of the entry the last check ended on that left its stored hash as it was', async () => {
    expect((await secretariat.get('/audit')).text).toContain('Hash chain verified');
    const checkpoint = latestCheckpoint()!;
    recordTestEntries(app, 3);

    rewriteEntry(app, checkpoint.lastEntryId);
    const page = await secretariat.get('/audit');
    expect(textOf(page.text)).toContain(`The hash chain is broken at entry ${checkpoint.lastEntryId}`);
    expect(page.text).not.toContain('Hash chain verified');
  });

  it('finds a rewrite from before the last check by walking the whole chain: flashed, and recorded as audit.verify', async () => {
    expect((await secretariat.get('/audit')).text).toContain('Hash chain verified');
    const checkpoint = latestCheckpoint()!;
    const victim = allEntryIdsNewestFirst(app)[3]!;
    expect(victim).toBeLessThan(checkpoint.lastEntryId);
    rewriteEntry(app, victim);

    const response = await secretariat.post('/audit/verify');
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/audit');
    const page = await secretariat.get('/audit');
    expect(textOf(page.text)).toContain(
      `The audit chain is BROKEN at entry ${victim}: its content does not match its hash.`,
    );
    const [walk, ...more] = auditEntries(app, 'audit.verify');
    expect(more).toHaveLength(0);
    expect(walk).toMatchObject({ actorLabel: demoEmail('secretariat'), subjectType: 'audit_log' });
    expect(walk!.details).toEqual({
      result: 'broken',
      brokenId: victim,
      problem: 'its content does not match its hash',
    });
  });

  it('says an untouched chain is intact with the number of entries walked, and records the walk', async () => {
    const entries = allEntryIdsNewestFirst(app).length;
    const response = await secretariat.post('/audit/verify');
    expect(response.status).toBe(303);
    const page = await secretariat.get(response.headers.location!);
    const text = textOf(page.text);
    expect(text).toContain(`The whole audit chain is intact: ${entries} entries verified.`);
    expect(text).toContain(`the whole chain was last walked on`);
    expect(text).toContain(`by ${demoEmail('secretariat')}`);
    const [walk] = auditEntries(app, 'audit.verify');
    expect(walk!.details).toEqual({ result: 'intact', entries });
  });

  it('refuses the whole-chain walk to every other role (403) and records nothing', async () => {
    for (const role of ['mayor.milan', 'partner.c40', 'nominator.bogota']) {
      expect((await (await logInAs(app, role)).post('/audit/verify')).status, role).toBe(403);
    }
    expect(auditEntries(app, 'audit.verify')).toHaveLength(0);
  });
});

describe('the audit log as CSV', () => {
  let app: TestApp;
  let secretariat: Awaited<ReturnType<typeof logInAs>>;
  beforeAll(async () => {
    app = await makeTestApp();
    secretariat = await logInAs(app, 'secretariat');
  });
  afterAll(async () => app.close());

  it('exports every one of more than 2,000 entries (read 1,000 at a time), newest first', async () => {
    recordTestEntries(app, 2050);
    const all = allEntryIdsNewestFirst(app);
    const response = await secretariat.get('/audit.csv');
    expect(response.status).toBe(200);
    const [header, ...rows] = parseCsv(response.text);
    expect(header![0]).toBe('id');
    expect(rows.map((row) => Number(row[0]))).toEqual(all);
  });

  it('defuses a cell a spreadsheet would run as a formula (=, +, -, @) with a leading apostrophe', async () => {
    const dangerous = ['=HYPERLINK("http://evil.example","x")', '+1+1', '-2+3', '@SUM(A1:A2)'];
    for (const label of dangerous)
      recordTestEntries(app, 1, { actor: { id: null, label }, action: 'test.formula', subjectId: label });
    recordTestEntries(app, 1, { actor: { id: null, label: 'a=b' }, action: 'test.formula', subjectId: 'x' });

    const response = await secretariat.get('/audit.csv?action=test.formula');
    const [header, ...rows] = parseCsv(response.text);
    const actor = header!.indexOf('actor');
    const subjectId = header!.indexOf('subject_id');
    expect(rows.map((row) => row[actor])).toEqual(['a=b', ...dangerous.map((cell) => `'${cell}`).reverse()]);
    expect(rows.map((row) => row[subjectId])).toEqual([
      'x',
      ...dangerous.map((cell) => `'${cell}`).reverse(),
    ]);
  });
});
