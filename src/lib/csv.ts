// CSV exports (the review queue, the audit log), streamed with csv-stringify. Cells that a
// spreadsheet would run as a formula (=, +, -, @, or a tab or carriage return first) are defused
// with a leading apostrophe: nominee text and audit details are untrusted.
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { FastifyReply } from 'fastify';

export function defuseCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** The rows as CSV text (small exports and tests). */
export function toCsv(header: string[], rows: unknown[][]): string {
  const quote = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  return `${[header, ...rows].map((row) => row.map((cell) => quote(defuseCell(cell))).join(',')).join('\r\n')}\r\n`;
}

/**
 * Sends the rows as a CSV download, streamed: a generator of rows is read as the client reads,
 * so an export of a million audit entries never sits in memory at once.
 */
export function csvResponse(
  reply: FastifyReply,
  filename: string,
  header: string[],
  rows: Iterable<unknown[]> | AsyncIterable<unknown[]>,
): FastifyReply {
  const cells = async function* () {
    yield header;
    for await (const row of rows) yield row.map(defuseCell);
  };
  const csv = Readable.from(cells()).pipe(stringify({ record_delimiter: 'windows' }));
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .send(csv);
}
