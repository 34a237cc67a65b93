import { and, desc, eq, gte, like, lt, type SQL } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { auditLog } from '../../db/schema.js';
import { addDays, isIsoDate } from '../../domain/dates.js';
import { toCsv } from '../../lib/csv.js';
import { verifyAuditChain } from './audit-log.js';

const PAGE_SIZE = 100;

interface AuditQuery {
  action?: string;
  actor?: string;
  subject?: string;
  from?: string;
  to?: string;
  page?: string;
}

/** A repeated query parameter arrives as an array: the first value counts. */
function firstValues(raw: Record<string, unknown>): AuditQuery {
  const first = (value: unknown) => {
    const one = Array.isArray(value) ? value[0] : value;
    return typeof one === 'string' ? one : undefined;
  };
  return {
    action: first(raw.action),
    actor: first(raw.actor),
    subject: first(raw.subject),
    from: first(raw.from),
    to: first(raw.to),
    page: first(raw.page),
  };
}

function auditFilter(raw: Record<string, unknown>): { where: SQL | undefined; filters: AuditQuery } {
  const query = firstValues(raw);
  const conditions: SQL[] = [];
  const filters: AuditQuery = {};
  if (query.action) {
    conditions.push(eq(auditLog.action, query.action));
    filters.action = query.action;
  }
  if (query.actor?.trim()) {
    conditions.push(like(auditLog.actorLabel, `%${query.actor.trim().replace(/[%_]/g, '')}%`));
    filters.actor = query.actor.trim();
  }
  if (query.subject?.trim()) {
    const [type, id] = query.subject.trim().split(/[:\s]+/);
    conditions.push(eq(auditLog.subjectType, type!));
    if (id) conditions.push(eq(auditLog.subjectId, id));
    filters.subject = query.subject.trim();
  }
  if (query.from && isIsoDate(query.from)) {
    conditions.push(gte(auditLog.at, query.from));
    filters.from = query.from;
  }
  if (query.to && isIsoDate(query.to)) {
    conditions.push(lt(auditLog.at, addDays(query.to, 1)));
    filters.to = query.to;
  }
  return { where: conditions.length ? and(...conditions) : undefined, filters };
}

export default async function auditRoutes(app: FastifyInstance) {
  app.get<{ Querystring: Record<string, unknown> }>(
    '/audit',
    { preHandler: app.requirePermission('viewAudit') },
    async (request, reply) => {
      const { where, filters } = auditFilter(request.query);
      const page = Math.min(
        100_000,
        Math.max(1, Number.parseInt(firstValues(request.query).page ?? '1', 10) || 1),
      );
      const entries = app.db
        .select()
        .from(auditLog)
        .where(where)
        .orderBy(desc(auditLog.id))
        .limit(PAGE_SIZE + 1)
        .offset((page - 1) * PAGE_SIZE)
        .all();
      const actions = app.db
        .selectDistinct({ action: auditLog.action })
        .from(auditLog)
        .orderBy(auditLog.action)
        .all();
      const csvQuery = new URLSearchParams(
        Object.entries(filters).filter(([, v]) => v) as [string, string][],
      ).toString();
      return reply.page('audit/page', {
        title: 'Audit log',
        entries: entries.slice(0, PAGE_SIZE),
        hasMore: entries.length > PAGE_SIZE,
        page,
        filters,
        actions: actions.map((row) => row.action),
        chain: verifyAuditChain(app.db),
        csvQuery,
        pageQuery: (n: number) =>
          new URLSearchParams({ ...(filters as Record<string, string>), page: String(n) }).toString(),
      });
    },
  );

  app.get<{ Querystring: Record<string, unknown> }>(
    '/audit.csv',
    { preHandler: app.requirePermission('viewAudit') },
    async (request, reply) => {
      const { where } = auditFilter(request.query);
      const entries = app.db.select().from(auditLog).where(where).orderBy(desc(auditLog.id)).all();
      const csv = toCsv(
        ['id', 'at', 'actor', 'action', 'subject_type', 'subject_id', 'details', 'prev_hash', 'hash'],
        entries.map((e) => [
          e.id,
          e.at,
          e.actorLabel,
          e.action,
          e.subjectType,
          e.subjectId,
          e.details,
          e.prevHash,
          e.hash,
        ]),
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="audit-log.csv"')
        .send(csv);
    },
  );
}
