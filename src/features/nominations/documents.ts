// Supporting documents: PDF only, recognised by content (the %PDF- magic bytes), never by the
// name or type the browser claims; at most 5 MB; stored outside static/ under the data folder
// with a random name, and served only through the nomination's own permission check.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;
const PDF_MAGIC = Buffer.from('%PDF-');

/** What the multipart parser leaves in the body for a file field. */
export interface UploadedFile {
  filename: string;
  data?: Buffer;
  tooLarge?: boolean;
}

export function isUploadedFile(value: unknown): value is UploadedFile {
  return Boolean(value) && typeof value === 'object' && 'filename' in (value as object);
}

/** A message for the field, or null when the upload is acceptable (or absent). */
export function documentProblem(file: UploadedFile | undefined): string | null {
  if (!file || (!file.tooLarge && (!file.data || file.data.length === 0))) return null;
  if (file.tooLarge) return 'The document is larger than 5 MB; attach a smaller PDF.';
  if (!file.data!.subarray(0, PDF_MAGIC.length).equals(PDF_MAGIC)) return 'The document must be a PDF file.';
  return null;
}

export function hasDocument(file: UploadedFile | undefined): file is UploadedFile & { data: Buffer } {
  return Boolean(file?.data && file.data.length > 0 && !file.tooLarge);
}

export function uploadsFolder(dataDir: string): string {
  return path.join(dataDir, 'uploads');
}

/** Writes the file under a random name before the transaction that records it. */
export function storeDocument(dataDir: string, data: Buffer): string {
  const folder = uploadsFolder(dataDir);
  fs.mkdirSync(folder, { recursive: true });
  const name = `${crypto.randomBytes(16).toString('hex')}.pdf`;
  fs.writeFileSync(path.join(folder, name), data, { flag: 'wx' });
  return name;
}

export function removeDocument(dataDir: string, name: string | null): void {
  if (name && /^[0-9a-f]{32}\.pdf$/.test(name))
    fs.rmSync(path.join(uploadsFolder(dataDir), name), { force: true });
}

export function documentPath(dataDir: string, name: string): string | null {
  return /^[0-9a-f]{32}\.pdf$/.test(name) ? path.join(uploadsFolder(dataDir), name) : null;
}

/** A name safe to offer in Content-Disposition. */
export function downloadName(original: string | null, nominationId: number): string {
  const base = (original ?? '')
    .replace(/[^\w .-]+/g, '_')
    .replace(/^\.+/, '')
    .slice(0, 80);
  return base.toLowerCase().endsWith('.pdf') ? base : `nomination-${nominationId}.pdf`;
}
