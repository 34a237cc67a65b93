// Only one process runs a given job at a time (DESIGN.md, "Jobs"): a lease row in the database,
// taken and released in transactions. It expires, so a holder that crashed does not block the job
// for ever; a job that runs longer than its lease must renew it.
import crypto from 'node:crypto';
import { and, eq, lte } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { jobLeases } from '../db/schema.js';

/** This process, told apart from any other (a pid alone repeats after a restart). */
export const PROCESS_HOLDER = `${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
let runs = 0;

/** Each run holds its own lease: two runs of a job in one process exclude each other too. */
function newHolder(): string {
  runs += 1;
  return `${PROCESS_HOLDER}-${runs}`;
}

export function takeLease(db: Db, name: string, holder: string, now: Date, ttlMs: number): boolean {
  const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
  return db.transaction((tx) => {
    const current = tx.select().from(jobLeases).where(eq(jobLeases.name, name)).get();
    if (current && current.holder !== holder && current.expiresAt > now.toISOString()) return false;
    tx.insert(jobLeases)
      .values({ name, holder, acquiredAt: now.toISOString(), expiresAt })
      .onConflictDoUpdate({
        target: jobLeases.name,
        set: { holder, acquiredAt: now.toISOString(), expiresAt },
      })
      .run();
    return true;
  });
}

export function releaseLease(db: Db, name: string, holder: string): void {
  db.transaction((tx) => {
    tx.delete(jobLeases)
      .where(and(eq(jobLeases.name, name), eq(jobLeases.holder, holder)))
      .run();
  });
}

/** Removes leases whose holder is long gone; harmless, since an expired lease is free to take anyway. */
export function sweepLeases(db: Db, now: Date): void {
  db.delete(jobLeases).where(lte(jobLeases.expiresAt, now.toISOString())).run();
}

export type LeaseOutcome<T> = { ran: true; result: T } | { ran: false; heldBy: string };

/**
 * Runs `work` if this holder can take the job's lease, and releases it afterwards whatever
 * happens. Another holder's live lease means the job is already running elsewhere: skip it.
 */
export async function withLease<T>(
  db: Db,
  name: string,
  options: { holder?: string; now: Date; ttlMs: number },
  work: () => T | Promise<T>,
): Promise<LeaseOutcome<T>> {
  const holder = options.holder ?? newHolder();
  if (!takeLease(db, name, holder, options.now, options.ttlMs)) {
    const current = db
      .select({ holder: jobLeases.holder })
      .from(jobLeases)
      .where(eq(jobLeases.name, name))
      .get();
    return { ran: false, heldBy: current?.holder ?? 'unknown' };
  }
  try {
    return { ran: true, result: await work() };
  } finally {
    releaseLease(db, name, holder);
  }
}
