// Verifying the audit chain as it grows: each check starts where the last one ended (a stored
// checkpoint: the last entry verified and its hash), so a page view costs the new entries only.
// The whole chain is walked on demand (the audit page's button, or `audit:verify`), which is what
// finds an entry rewritten before the checkpoint by someone holding the database file.
import { desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { prepareOnce } from '../../db/per-connection.js';
import { auditCheckpoints, auditLog } from '../../db/schema.js';
import { type ChainVerdict, entryHash, verifyAuditChain } from './audit-log.js';

// The audit page asks these on every view: prepared once.
const latestCheckpointRow = prepareOnce((db) =>
  db.select().from(auditCheckpoints).orderBy(desc(auditCheckpoints.id)).limit(1).prepare(),
);
const entryById = prepareOnce((db) =>
  db
    .select()
    .from(auditLog)
    .where(eq(auditLog.id, sql.placeholder('id')))
    .prepare(),
);

function latestCheckpoint(db: Db) {
  return latestCheckpointRow(db).get();
}

/** Records how far the chain is verified; a disk that cannot be written only costs a re-check. */
function saveCheckpoint(db: Db, verdict: Extract<ChainVerdict, { ok: true }>, now: Date) {
  try {
    db.insert(auditCheckpoints)
      .values({
        lastEntryId: verdict.lastId,
        lastHash: verdict.lastHash,
        entries: verdict.entries,
        verifiedAt: now.toISOString(),
      })
      .run();
  } catch {
    // The next check starts from the previous checkpoint instead.
  }
}

/** The chain from the last checkpoint on, after making sure the checkpoint's entry is unchanged. */
export function verifySinceCheckpoint(db: Db, now: Date): ChainVerdict {
  const checkpoint = latestCheckpoint(db);
  if (checkpoint) {
    const entry = entryById(db).get({ id: checkpoint.lastEntryId });
    // Its stored hash must still be the one verified, and still fit its content.
    if (!entry || entry.hash !== checkpoint.lastHash || entryHash(entry) !== checkpoint.lastHash) {
      return {
        ok: false,
        entries: checkpoint.entries,
        brokenId: checkpoint.lastEntryId,
        problem: 'it was changed or removed after it had been verified',
      };
    }
  }
  const verdict = verifyAuditChain(
    db,
    checkpoint
      ? { afterId: checkpoint.lastEntryId, hash: checkpoint.lastHash, entries: checkpoint.entries }
      : undefined,
  );
  if (verdict.ok && verdict.lastId !== (checkpoint?.lastEntryId ?? 0)) saveCheckpoint(db, verdict, now);
  return verdict;
}

/** The whole chain from its first entry. */
export function verifyWholeChain(db: Db, now: Date): ChainVerdict {
  const verdict = verifyAuditChain(db);
  if (verdict.ok && verdict.entries > 0) saveCheckpoint(db, verdict, now);
  return verdict;
}

type Broken = Extract<ChainVerdict, { ok: false }>;

/**
 * Each checkpoint's entry is still there with the hash it had when it was verified: a log cut
 * back below a checkpoint, or rewritten under one, is found even when the chain that is left
 * holds together. Null when all hold.
 */
export function brokenCheckpoint(db: Db): Broken | null {
  for (const checkpoint of db.select().from(auditCheckpoints).orderBy(desc(auditCheckpoints.id)).all()) {
    const entry = entryById(db).get({ id: checkpoint.lastEntryId });
    if (!entry || entry.hash !== checkpoint.lastHash)
      return {
        ok: false,
        entries: checkpoint.entries,
        brokenId: checkpoint.lastEntryId,
        problem: `it was ${entry ? 'changed' : 'removed'} after it had been verified on ${checkpoint.verifiedAt}`,
      };
  }
  return null;
}

/**
 * The head an operator kept outside the database (printed by `audit:verify`) is still in the
 * chain: with the chain whole, no entry up to it was changed or removed. Null when it holds.
 */
export function brokenHead(db: Db, head: { id: number; hash: string }): Broken | null {
  const entry = entryById(db).get({ id: head.id });
  if (entry && entry.hash === head.hash) return null;
  return {
    ok: false,
    entries: 0,
    brokenId: head.id,
    problem: entry ? 'its hash is not the one kept as the head' : 'it is missing: the log was cut back',
  };
}
