// One process at a time runs a job: the lease row, taken and released in transactions, expiring so
// that a crashed holder does not block the job.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../src/db/client.js';
import { jobLeases } from '../../src/db/schema.js';
import { releaseLease, takeLease, withLease } from '../../src/jobs/lease.js';

describe('job leases', () => {
  let dir: string;
  let db: Db;
  let other: Db;
  const now = new Date('2027-01-01T09:00:00Z');
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lease-'));
    db = openDatabase(path.join(dir, 'board.db'));
    // A second connection stands for a second process on the same file.
    other = openDatabase(path.join(dir, 'board.db'));
  });
  afterEach(() => {
    db.$client.close();
    other.$client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lets one holder take a free job and refuses it to another while the lease lasts', () => {
    expect(takeLease(db, 'alerts', 'server-1', now, 60_000)).toBe(true);
    expect(takeLease(other, 'alerts', 'cron-1', now, 60_000)).toBe(false);
    expect(takeLease(other, 'alerts', 'cron-1', new Date(now.getTime() + 59_000), 60_000)).toBe(false);
  });

  it('frees a job whose holder crashed once its lease has expired', () => {
    expect(takeLease(db, 'alerts', 'crashed', now, 60_000)).toBe(true);
    expect(takeLease(other, 'alerts', 'cron-1', new Date(now.getTime() + 60_001), 60_000)).toBe(true);
    expect(other.select().from(jobLeases).get()!.holder).toBe('cron-1');
  });

  it('frees the job when its holder releases it, and only its holder can', () => {
    takeLease(db, 'alerts', 'server-1', now, 60_000);
    releaseLease(other, 'alerts', 'someone-else');
    expect(takeLease(other, 'alerts', 'cron-1', now, 60_000)).toBe(false);
    releaseLease(db, 'alerts', 'server-1');
    expect(takeLease(other, 'alerts', 'cron-1', now, 60_000)).toBe(true);
  });

  it('keeps leases of different jobs apart', () => {
    expect(takeLease(db, 'alerts', 'server-1', now, 60_000)).toBe(true);
    expect(takeLease(other, 'mail', 'cron-1', now, 60_000)).toBe(true);
  });

  it('runs the work under the lease and releases it afterwards, even when the work fails', async () => {
    const outcome = await withLease(db, 'alerts', { now, ttlMs: 60_000 }, () => 42);
    expect(outcome).toEqual({ ran: true, result: 42 });
    await expect(
      withLease(db, 'alerts', { now, ttlMs: 60_000 }, () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(db.select().from(jobLeases).all()).toEqual([]);
  });

  it('skips the work when another run holds the lease, saying who', async () => {
    takeLease(other, 'alerts', 'cron-1', now, 60_000);
    let ran = false;
    const outcome = await withLease(db, 'alerts', { now, ttlMs: 60_000 }, () => {
      ran = true;
    });
    expect(outcome).toEqual({ ran: false, heldBy: 'cron-1' });
    expect(ran).toBe(false);
  });
});
