// The audit log for the secretariat: filterable pages, the chain's verification (incremental on
// every view, whole on demand), and a streamed CSV export.
import { and, desc, eq, gte, like, lt, type SQL, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { connectionOf, prepareOnce } from '../../db/per-connection.js';
import { auditLog } from '../../db/schema.js';
import { addDays, isIsoDate } from '../../domain/dates.js';
import { csvResponse } from '../../lib/csv.js';
import { firstValue } from '../../lib/forms.js';
import { answer } from '../../plugins/answer.js';
import { verifySinceCheckpoint } from '../audit-log/checkpoint.js';
import { verifyAuditLog } from './verify-audit-chain.js';

const PAGE_SIZE = 50;
const CSV_BATCH = 1000;

interface AuditFilters {
  action?: string;
  actor?: string;
  subject?: string;
  from?: string;
  to?: string;
}

function auditFilter(raw: Record<string, unknown>): { where: SQL | undefined; filters: AuditFilters } {
  const conditions: SQL[] = [];
  const filters: AuditFilters = {};
  const action = firstValue(raw.action).trim();
  if (action) {
    conditions.push(eq(auditLog.action, action));
    filters.action = action;
  }
  const actor = firstValue(raw.actor).trim();
  if (actor) {
    conditions.push(like(auditLog.actorLabel, `%${actor.replace(/[%_]/g, '')}%`));
    filters.actor = actor;
  }
  const subject = firstValue(raw.subject).trim();
  if (subject) {
    const [type, id] = subject.split(/[:\s]+/);
    conditions.push(eq(auditLog.subjectType, type!));
    if (id) conditions.push(eq(auditLog.subjectId, id));
    filters.subject = subject;
  }
  const from = firstValue(raw.from);
  if (isIsoDate(from)) {
    conditions.push(gte(auditLog.at, from));
    filters.from = from;
  }
  const to = firstValue(raw.to);
  if (isIsoDate(to)) {
    conditions.push(lt(auditLog.at, addDays(to, 1)));
    filters.to = to;
  }
  return { where: conditions.length ? and(...conditions) : undefined, filters };
}

/**
 * An entry's details as a reader takes them in: one "key: value" line each, nested values as
 * compact JSON. The stored JSON is what the hash covers, and the CSV export gives it as it is.
 */
export function readableDetails(json: string): Array<[string, string]> {
  let details: unknown;
  try {
    details = JSON.parse(json);
  } catch {
    return [['details', json]];
  }
  if (!details || typeof details !== 'object' || Array.isArray(details)) return [['details', json]];
  return Object.entries(details as Record<string, unknown>).map(([key, value]) => [
    labelOf(key),
    value === null ? '—' : typeof value === 'object' ? JSON.stringify(value) : String(value),
  ]);
}

// A page shows a hundred entries whose details share a few dozen keys: each label is made once.
const labels = new Map<string, string>();
function labelOf(key: string): string {
  let label = labels.get(key);
  if (label === undefined) {
    label = key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
    if (labels.size < 1000) labels.set(key, label);
  }
  return label;
}

/** What the page shows of an entry: not its hashes, which only the verification reads. */
const shownColumns = {
  id: auditLog.id,
  at: auditLog.at,
  actorLabel: auditLog.actorLabel,
  action: auditLog.action,
  subjectType: auditLog.subjectType,
  subjectId: auditLog.subjectId,
  details: auditLog.details,
};

const newestEntries = prepareOnce((db) =>
  db
    .select(shownColumns)
    .from(auditLog)
    .orderBy(desc(auditLog.id))
    .limit(PAGE_SIZE + 1)
    .offset(sql.placeholder('offset'))
    .prepare(),
);

// The filter's list of actions: a million entries hold a few dozen. Each step of the recursion
// jumps along the action index to the next one, instead of reading every entry (SELECT DISTINCT).
const distinctActions = prepareOnce((db) =>
  connectionOf(db).prepare(
    `WITH RECURSIVE actions(action) AS (
       SELECT min(action) FROM audit_log
       UNION ALL
       SELECT (SELECT min(action) FROM audit_log WHERE action > actions.action) FROM actions
        WHERE actions.action IS NOT NULL)
     SELECT action FROM actions WHERE action IS NOT NULL`,
  ),
);

const latestWalk = prepareOnce((db) =>
  db
    .select({ at: auditLog.at, actorLabel: auditLog.actorLabel, details: auditLog.details })
    .from(auditLog)
    .where(eq(auditLog.action, 'audit.verify'))
    .orderBy(desc(auditLog.id))
    .limit(1)
    .prepare(),
);

export default async function auditRoutes(app: FastifyInstance) {
  const viewAudit = { preHandler: app.requirePermission('viewAudit') };
  const cachedAudit = { ...viewAudit, config: { pageCache: true } };

  app.get<{ Querystring: Record<string, unknown> }>('/audit', cachedAudit, async (request, reply) => {
    const { where, filters } = auditFilter(request.query);
    const page = Math.min(100_000, Math.max(1, Number.parseInt(firstValue(request.query.page), 10) || 1));
    const offset = (page - 1) * PAGE_SIZE;
    // The unfiltered view is the one opened most: its query is prepared once; a filter builds its own.
    const entries = where
      ? app.db
          .select(shownColumns)
          .from(auditLog)
          .where(where)
          .orderBy(desc(auditLog.id))
          .limit(PAGE_SIZE + 1)
          .offset(offset)
          .all()
      : newestEntries(app.db).all({ offset });
    const actions = distinctActions(app.db).all() as Array<{ action: string }>;
    const lastWalk = latestWalk(app.db).get();
    const query = (extra: Record<string, string>) =>
      new URLSearchParams({ ...(filters as Record<string, string>), ...extra }).toString();
    return reply.page('audit/page', {
      title: 'Audit log',
      readable: readableDetails,
      entries: entries.slice(0, PAGE_SIZE),
      hasMore: entries.length > PAGE_SIZE,
      page,
      filters,
      actions: actions.map((row) => row.action),
      chain: verifySinceCheckpoint(app.db, app.clock()),
      lastWalk,
      csvQuery: query({}),
      pageQuery: (n: number) => query({ page: String(n) }),
    });
  });

  app.post('/audit/verify', viewAudit, async (request, reply) =>
    answer(reply, verifyAuditLog(app.db, request.viewer!, app.clock()), {
      ok: (verdict) =>
        verdict.ok
          ? reply
              .flash(`The whole audit chain is intact: ${verdict.entries} entries verified.`)
              .seeOther('/audit')
          : reply
              .flash(`The audit chain is BROKEN at entry ${verdict.brokenId}: ${verdict.problem}.`, 'error')
              .seeOther('/audit'),
    }),
  );

  app.get<{ Querystring: Record<string, unknown> }>('/audit.csv', viewAudit, async (request, reply) => {
    const { where } = auditFilter(request.query);
    const db = app.db;
    // Newest first, read a batch at a time by id: each batch is a query of its own, so the
    // connection is free for other requests between batches.
    async function* rows() {
      let before = Number.MAX_SAFE_INTEGER;
      for (;;) {
        const batch = db
          .select()
          .from(auditLog)
          .where(and(where, lt(auditLog.id, before)))
          .orderBy(desc(auditLog.id))
          .limit(CSV_BATCH)
          .all();
        for (const e of batch)
          yield [
            e.id,
            e.at,
            e.actorLabel,
            e.action,
            e.subjectType,
            e.subjectId,
            e.details,
            e.prevHash,
            e.hash,
          ];
        if (batch.length < CSV_BATCH) return;
        before = batch[batch.length - 1]!.id;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    return csvResponse(
      reply,
      'audit-log.csv',
      ['id', 'at', 'actor', 'action', 'subject_type', 'subject_id', 'details', 'prev_hash', 'hash'],
      rows(),
    );
  });
}
