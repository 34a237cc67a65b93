// The server's own secret: 32 random bytes in a file beside the database (created on first use,
// readable by the server's user only). Keys for signing device cookies and calendar feed links
// are derived from it. It is kept out of the database on purpose: a copy of the database (a
// backup) then holds no key that could forge a device cookie or open someone's calendar feed.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const SECRET_FILE = 'server-secret.key';

export function loadServerSecret(dataDir: string): Buffer {
  const file = path.join(dataDir, SECRET_FILE);
  try {
    return readSecret(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    // 'wx': of two processes starting at once, one writes it and the other reads it.
    fs.writeFileSync(file, crypto.randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readSecret(file);
}

function readSecret(file: string): Buffer {
  const text = fs.readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(text)) throw new Error(`${file} is not a server secret (64 hex digits).`);
  return Buffer.from(text, 'hex');
}

/** A key for one purpose only, so that a value signed for one use is worthless for another. */
export function deriveKey(secret: Buffer, purpose: string): Buffer {
  return crypto.createHmac('sha256', secret).update(purpose).digest();
}

/** An HMAC-SHA256 signature, base64url. */
export function sign(key: Buffer, value: string): string {
  return crypto.createHmac('sha256', key).update(value).digest('base64url');
}

/** Compares a signature in constant time. */
export function signatureMatches(key: Buffer, value: string, signature: string): boolean {
  const expected = Buffer.from(sign(key, value));
  const given = Buffer.from(signature);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}
