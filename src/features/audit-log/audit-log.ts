// The audit log: every state change appends an entry in the same transaction as the change.
// Entries are hash-chained (each hash covers the entry and the previous hash), so a rewritten,
// removed or inserted entry breaks the chain and `audit:verify` names the first broken one.
import crypto from 'node:crypto';
import { asc, desc, gt, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { prepareOnce } from '../../db/per-connection.js';
import { auditLog } from '../../db/schema.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface Actor {
  id: number | null;
  /** Who acted, as people read it: an e-mail, 'system', 'cli', or for a secret ballot 'a voter'. */
  label: string;
}

export const SYSTEM_ACTOR: Actor = { id: null, label: 'system' };

export interface AuditEvent {
  actor: Actor;
  action: string;
  subjectType: string;
  subjectId?: string | number | null;
  details?: Record<string, unknown>;
  /** When it happened: the action's clock, never read here (DESIGN.md, "Time"). */
  at: Date;
}

interface ChainedFields {
  at: string;
  actorId: number | null;
  actorLabel: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  details: string;
  prevHash: string;
}

export function entryHash(fields: ChainedFields): string {
  const canonical = JSON.stringify([
    fields.prevHash,
    fields.at,
    fields.actorId,
    fields.actorLabel,
    fields.action,
    fields.subjectType,
    fields.subjectId,
    fields.details,
  ]);
  // Node's native SHA-256: the same digest as any other implementation, several times faster,
  // which is what a walk of a million entries (audit:verify, the audit page's first view) needs.
  return crypto.createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** Appends one entry. Call it inside the transaction that makes the change it records. */
const lastHash = prepareOnce((db) =>
  db.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1).prepare(),
);

export function recordAudit(tx: Tx | Db, event: AuditEvent): void {
  const last = lastHash(tx).get();
  const fields: ChainedFields = {
    at: event.at.toISOString(),
    actorId: event.actor.id,
    actorLabel: event.actor.label,
    action: event.action,
    subjectType: event.subjectType,
    subjectId: event.subjectId == null ? null : String(event.subjectId),
    details: JSON.stringify(event.details ?? {}),
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  tx.insert(auditLog)
    .values({ ...fields, hash: entryHash(fields) })
    .run();
}

export type ChainVerdict =
  | { ok: true; entries: number; lastId: number; lastHash: string }
  | { ok: false; entries: number; brokenId: number; problem: string };

/** Where a walk starts: the beginning, or an entry already verified. */
export interface ChainStart {
  afterId: number;
  hash: string;
  entries: number;
}

const GENESIS: ChainStart = { afterId: 0, hash: GENESIS_HASH, entries: 0 };
const BATCH = 5000;

/**
 * Walks the chain in order from `start` (the beginning by default) and names the first entry that
 * does not fit. Reads in batches, so a long log never sits in memory at once.
 */
const entriesAfter = prepareOnce((db) =>
  db
    .select()
    .from(auditLog)
    .where(gt(auditLog.id, sql.placeholder('lastId')))
    .orderBy(asc(auditLog.id))
    .limit(BATCH)
    .prepare(),
);

export function verifyAuditChain(db: Db, start: ChainStart = GENESIS): ChainVerdict {
  let prevHash = start.hash;
  let count = start.entries;
  let lastId = start.afterId;
  let expectedId: number | null = start.afterId === 0 ? null : start.afterId + 1;
  for (;;) {
    const batch = entriesAfter(db).all({ lastId });
    for (const entry of batch) {
      count += 1;
      if (expectedId !== null && entry.id !== expectedId) {
        return {
          ok: false,
          entries: count,
          brokenId: entry.id,
          problem: `entries ${expectedId}–${entry.id - 1} are missing`,
        };
      }
      if (entry.prevHash !== prevHash) {
        return {
          ok: false,
          entries: count,
          brokenId: entry.id,
          problem: 'its previous-hash does not match the entry before it',
        };
      }
      if (entryHash(entry) !== entry.hash) {
        return {
          ok: false,
          entries: count,
          brokenId: entry.id,
          problem: 'its content does not match its hash',
        };
      }
      prevHash = entry.hash;
      expectedId = entry.id + 1;
      lastId = entry.id;
    }
    if (batch.length < BATCH) return { ok: true, entries: count, lastId, lastHash: prevHash };
  }
}
